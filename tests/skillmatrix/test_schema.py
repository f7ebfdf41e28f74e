"""The OpenAPI document is valid, and the docs page needs nothing from other hosts."""

import re

import pytest
import yaml
from openapi_spec_validator import validate


@pytest.mark.django_db
def test_schema_is_valid_openapi_3(client):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert schema["openapi"].startswith("3.")
    validate(schema)
    assert "/api/skills/{slug}/" in schema["paths"]
    assert "/api/roles/{slug}/" in schema["paths"]


@pytest.mark.django_db
def test_schema_as_json(client):
    response = client.get("/api/schema/?format=json")
    assert response.status_code == 200
    assert response.json()["info"]["title"] == "Skill Matrix API"


@pytest.mark.django_db
def test_docs_page_loads_its_assets_from_this_site(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert assets, "the docs page should load Swagger UI"
    assert all(url.startswith("/") and not url.startswith("//") for url in assets), assets
    for url in assets:
        if url.startswith("/static/"):
            assert client.get(url).status_code == 200, url
