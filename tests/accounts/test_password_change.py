"""A password change or reset, by whatever path, revokes the member's API token and signs out their other sessions."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.contrib.auth.management.commands import changepassword
from django.core import mail
from django.core.management import call_command
from django.test import Client
from rest_framework.authtoken.models import Token

from accounts import services

PASSWORD = "correct horse battery staple"
NEW_PASSWORD = "another horse, another staple"
REVOKED = "Your API token was revoked because your password changed; create a new one."


@pytest.fixture
def verified_member(member):
    EmailAddress.objects.create(user=member, email=member.email, verified=True, primary=True)
    return member


def api_status(key: str) -> int:
    return Client(HTTP_AUTHORIZATION=f"Token {key}").get("/api/proposals/?mine=true").status_code


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def is_signed_in(client: Client) -> bool:
    return client.get("/accounts/profile/").status_code == 200


def test_changing_the_password_on_the_page_revokes_the_token_and_other_sessions(verified_member):
    key = services.token_create(user=verified_member).key
    assert api_status(key) == 200
    here, elsewhere = signed_in(verified_member), signed_in(verified_member)

    response = here.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == "/accounts/profile/"
    page = response.content.decode()
    assert REVOKED in page
    assert "You have no API token." in page and "Create a token" in page
    assert api_status(key) == 401
    assert not Token.objects.filter(user=verified_member).exists()
    assert is_signed_in(here)
    assert not is_signed_in(elsewhere)


def test_changing_the_password_without_a_token_says_nothing_of_tokens(verified_member):
    here = signed_in(verified_member)
    response = here.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
        follow=True,
    )
    assert response.status_code == 200
    assert REVOKED not in response.content.decode()


def test_resetting_the_password_by_mail_revokes_the_token_and_every_session(verified_member):
    key = services.token_create(user=verified_member).key
    elsewhere = signed_in(verified_member)
    client = Client()
    client.post("/accounts/password/reset/", {"email": verified_member.email})
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+/)", mail.outbox[-1].body).group(1)
    form = client.get(link, follow=True).redirect_chain[-1][0]

    response = client.post(form, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    assert response.status_code == 302
    verified_member.refresh_from_db()
    assert verified_member.check_password(NEW_PASSWORD)
    assert api_status(key) == 401
    assert not is_signed_in(elsewhere)


def test_setting_a_first_password_revokes_the_token(verified_member):
    verified_member.set_unusable_password()
    verified_member.save()
    key = services.token_create(user=verified_member).key
    here = signed_in(verified_member)

    response = here.post("/accounts/password/set/", {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})

    assert response.status_code == 302
    assert api_status(key) == 401
    assert is_signed_in(here)


def test_an_admin_changing_the_password_revokes_the_token_and_sessions(verified_member, staff):
    key = services.token_create(user=verified_member).key
    elsewhere = signed_in(verified_member)
    admin = signed_in(staff)

    response = admin.post(
        f"/admin/auth/user/{verified_member.pk}/password/",
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )

    assert response.status_code == 302
    assert api_status(key) == 401
    assert not is_signed_in(elsewhere)
    assert is_signed_in(admin)


def test_manage_py_changepassword_revokes_the_token(verified_member, monkeypatch):
    key = services.token_create(user=verified_member).key
    monkeypatch.setattr(changepassword.Command, "_get_pass", lambda self, prompt="": NEW_PASSWORD)

    call_command("changepassword", verified_member.username, stdout=None)

    assert api_status(key) == 401


def test_other_saves_of_the_user_keep_the_token(verified_member, settings):
    key = services.token_create(user=verified_member).key
    verified_member.first_name = "Renamed"
    verified_member.save()
    assert api_status(key) == 200

    # Signing in with a hash of an older algorithm re-hashes the same password: not a change.
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
    verified_member.password = make_password(PASSWORD, hasher="md5")
    verified_member.save()
    Token.objects.filter(user=verified_member).delete()
    key = services.token_create(user=verified_member).key
    Client().post("/accounts/login/", {"login": verified_member.email, "password": PASSWORD})
    verified_member.refresh_from_db()
    assert verified_member.password.startswith("pbkdf2_sha256$")
    assert api_status(key) == 200
