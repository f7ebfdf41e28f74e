"""The read API: shapes, filters, pagination, errors, and a bounded query count."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from skills.models import Expectation
from tests.factories import SkillGroupFactory, make_catalog


@pytest.fixture
def api():
    return APIClient()


def test_seed_skill_through_the_api(api, seeded_catalog):
    response = api.get("/api/skills/ml-experiment-tracking/")
    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "ML Experiment Tracking"
    assert body["domain"] == "machine-learning-ai"
    assert body["group"] == "mlops"
    assert body["updated"] == "2026-02-22"
    assert (body["roles"], body["levels"], body["mandatory"], body["optional"]) == (2, 5, 0, 10)
    assert len(body["cells"]) == 10
    first = body["cells"][0]
    assert set(first) == {"role", "level", "required", "proficiency", "description", "version"}
    assert first["level"] == "junior"
    assert first["description"].startswith("Uses MLflow or W&B for basic experiment tracking")


def test_skill_list_filters(api, seeded_catalog):
    def slugs(query):
        response = api.get(f"/api/skills/{query}")
        assert response.status_code == 200
        return {s["slug"] for s in response.json()["results"]}

    assert "ml-experiment-tracking" in slugs("?domain=machine-learning-ai")
    assert "terraform" not in slugs("?domain=machine-learning-ai")
    assert slugs("?group=mlops") == {"experiment-tracking", "ml-experiment-tracking", "ml-model-evaluation"}
    assert "ml-experiment-tracking" in slugs("?role=llm-engineer")
    assert "ml-experiment-tracking" not in slugs("?role=devops-engineer")
    assert "terraform" in slugs("?search=terraform")
    assert slugs("?domain=no-such-domain") == set()


def test_lists_are_paginated(api, levels):
    make_catalog(skills=60, roles=1, levels=levels)
    body = api.get("/api/skills/").json()
    assert body["count"] == 60
    assert len(body["results"]) == 50
    assert body["next"].endswith("?page=2")
    assert len(api.get(body["next"]).json()["results"]) == 10


def test_role_detail_carries_levels_and_matrix(api, seeded_catalog):
    body = api.get("/api/roles/technical-lead/").json()
    assert body["family"] == "Engineering Management"
    assert [lv["level"] for lv in body["levels"]] == ["senior", "lead", "principal"]
    assert all(lv["stack"] and lv["focus"] for lv in body["levels"])
    assert body["matrix"]
    row = body["matrix"][0]
    assert set(row) == {"skill", "name", "domain", "group", "cells"}
    assert {c["level"] for c in row["cells"]} <= {"senior", "lead", "principal"}


def test_domains_and_levels(api, seeded_catalog):
    domains = api.get("/api/domains/").json()["results"]
    assert domains[0]["name"] == "Machine Learning & AI"
    assert domains[0]["groups"][0] == {"slug": "mlops", "name": "MLOps", "position": 1, "skill_count": 3}
    levels = api.get("/api/levels/").json()["results"]
    assert [lv["short"] for lv in levels] == ["Jun", "Mid", "Sen", "Lead", "Princ"]


@pytest.mark.parametrize("url", ["/api/skills/nope/", "/api/roles/nope/", "/api/domains/nope/", "/api/levels/nope/"])
def test_unknown_slugs_are_json_404(api, db, url):
    response = api.get(url)
    assert response.status_code == 404
    assert set(response.json()) == {"detail"}


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_the_read_api_takes_no_writes(api, seeded_catalog, member, method):
    assert getattr(api, method)("/api/skills/ml-experiment-tracking/", {}).status_code in (401, 403)
    api.force_authenticate(member)
    assert getattr(api, method)("/api/skills/ml-experiment-tracking/", {}).status_code == 405


@pytest.mark.parametrize("query", ["?page=999", "?page=abc", "?search=%00", "?search=" + "x" * 5000])
def test_odd_queries_never_fail(api, seeded_catalog, query):
    assert api.get(f"/api/skills/{query}").status_code in (200, 404)


# --- Query counts: the same at 10 and at 1,000 skills ---------------------------

ENDPOINTS = {
    "domains": ("/api/domains/", 3),
    "levels": ("/api/levels/", 2),
    "roles": ("/api/roles/", 2),
    # the catalog's revisions (the stored answer's key), the role, its levels, its cells
    "role detail": ("/api/roles/{role}/", 4),
    "skills": ("/api/skills/", 2),
    "skills filtered": ("/api/skills/?domain={domain}&role={role}&search=Skill", 2),
    # the catalog's revisions (no query with the listener, off in tests), the skill, its cells
    "skill detail": ("/api/skills/{skill}/", 3),
}


@pytest.mark.parametrize("size", [10, 1000])
def test_query_count_does_not_grow_with_the_catalog(api, levels, size):
    catalog = make_catalog(skills=size, roles=2, levels=levels)
    SkillGroupFactory.create_batch(3, domain=catalog["group"].domain)
    names = {
        "role": catalog["roles"][0].slug,
        "skill": catalog["skills"][-1].slug,
        "domain": catalog["group"].domain.slug,
    }
    counts = {}
    for name, (url, _expected) in ENDPOINTS.items():
        with CaptureQueriesContext(connection) as queries:
            response = api.get(url.format(**names))
        assert response.status_code == 200, name
        counts[name] = len(queries)
    assert counts == {name: expected for name, (_url, expected) in ENDPOINTS.items()}


@pytest.mark.parametrize("url", ["/api/nothing-here/", "/api/proposals/abc/", "/api/skills/a/b/c/"])
def test_unmatched_api_paths_answer_json_404(api, db, url):
    response = api.get(url)
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_unmatched_site_paths_answer_the_friendly_page(client, db):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_the_skill_detail_is_kept_until_the_catalog_changes(api, levels, django_assert_num_queries):
    catalog = make_catalog(skills=2, roles=2, levels=levels)
    skill = catalog["skills"][0]
    first = api.get(f"/api/skills/{skill.slug}/").json()
    with django_assert_num_queries(1):  # the revisions only
        assert api.get(f"/api/skills/{skill.slug}/").json() == first
    cell = Expectation.objects.filter(skill=skill).order_by("pk").first()
    Expectation.objects.filter(pk=cell.pk).update(description="Changed in the shell.")
    cells = api.get(f"/api/skills/{skill.slug}/").json()["cells"]
    assert "Changed in the shell." in [c["description"] for c in cells]
    # Links carry the address each visitor asked for, not the first one's.
    other = api.get(f"/api/skills/{skill.slug}/", HTTP_HOST="localhost").json()
    assert other["url"].startswith("http://localhost/") and first["url"].startswith("http://testserver/")
    assert api.get("/api/skills/no-such-skill/").status_code == 404
