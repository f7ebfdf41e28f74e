"""The account page and the API token: create, show once, replace, revoke."""

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token

from tests.factories import make_catalog


@pytest.fixture
def skill(levels):
    return make_catalog(skills=1, roles=1, levels=levels)["skills"][0]


def text(response) -> str:
    return response.content.decode()


def test_the_account_page_links_to_email_and_password(client, member):
    client.force_login(member)
    page = text(client.get("/accounts/profile/"))
    assert "member@example.com" in page
    assert 'href="/accounts/email/"' in page
    assert 'href="/accounts/password/change/"' in page
    assert "You have no API token." in page


def test_a_token_is_shown_once_and_works_until_revoked(client, member, skill):
    client.force_login(member)
    response = client.post("/accounts/profile/token/")
    token = Token.objects.get(user=member)
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert f'value="{token.key}"' in text(response)
    assert f"Authorization: Token {token.key}" in text(response)
    again = text(client.get("/accounts/profile/"))
    assert token.key not in again
    assert "You have a token, created on" in again

    script = Client(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert script.put(f"/api/skills/{skill.slug}/watch/").status_code == 200

    replaced = client.post("/accounts/profile/token/")
    new_key = Token.objects.get(user=member).key
    assert new_key != token.key and new_key in text(replaced)
    assert script.put(f"/api/skills/{skill.slug}/watch/").status_code == 401

    response = client.post("/accounts/profile/token/revoke/")
    assert response["Location"] == "/accounts/profile/"
    assert not Token.objects.filter(user=member).exists()
    assert "Your API token is revoked" in text(client.get("/accounts/profile/"))
