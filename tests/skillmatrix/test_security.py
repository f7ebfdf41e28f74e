"""Deployment safety: the deploy check, security headers and cookies in production, CSP, sign-in limits, enumeration.

Production settings are read in a subprocess started with a production
environment (DEBUG=false, a long random SECRET_KEY, ALLOWED_HOSTS, and a
DATABASE_URL that is never connected to): what the test process sees is the
development configuration the suite runs with.
"""

import json
import os
import re
import secrets
import subprocess
import sys

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.cache import cache

from tests.factories import UserFactory
from tests.helpers import ROOT

PASSWORD = "correct horse battery staple"
HOST = "skills.example.com"

PRODUCTION_REPORT = f"""
import json
import django
django.setup()
from django.conf import settings
from django.test import Client

names = [
    "DEBUG", "SESSION_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "SESSION_COOKIE_SAMESITE",
    "CSRF_COOKIE_SECURE", "CSRF_COOKIE_HTTPONLY", "CSRF_COOKIE_SAMESITE", "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS", "SILENCED_SYSTEM_CHECKS",
]
client = Client(HTTP_HOST="{HOST}")
secure = client.get("/api/schema/", secure=True)
plain = client.get("/api/schema/")
print(json.dumps({{
    "settings": {{name: getattr(settings, name) for name in names}},
    "headers": dict(secure.headers),
    "plain": [plain.status_code, plain.headers.get("Location")],
}}))
"""


def production_env() -> dict:
    # DJANGO_ALLOW_ASYNC_UNSAFE: set for the rest of the session once the browser tests have run.
    dropped = {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "TEST_DATABASE_NAME", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {name: value for name, value in os.environ.items() if name not in dropped}
    return env | {
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": HOST,
        # Never connected to: neither check --deploy nor the requests below touch the database.
        "DATABASE_URL": "postgres://nobody@127.0.0.1:1/none",
        "DJANGO_SETTINGS_MODULE": "skillmatrix.settings",
        "PYTHONWARNINGS": "ignore",
    }


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=production_env(), capture_output=True, text=True, timeout=120
    )


@pytest.fixture(scope="module")
def production():
    result = run("-c", PRODUCTION_REPORT)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_the_deploy_check_passes_with_production_settings_and_nothing_silenced():
    result = run("manage.py", "check", "--deploy", "--fail-level", "DEBUG")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_answers_carry_the_security_headers(production):
    headers = production["headers"]
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert production["plain"] == [301, f"https://{HOST}/api/schema/"]


def test_production_cookies_are_secure_and_same_site(production):
    values = production["settings"]
    assert values["DEBUG"] is False
    assert values["SILENCED_SYSTEM_CHECKS"] == []
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["SESSION_COOKIE_HTTPONLY"] is True
    assert values["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_SAMESITE"] == "Lax"
    # The CSRF cookie stays readable: the API docs' "Try it out" sends it back as a header. (HttpOnly would
    # protect nothing there: the token is in every form of the page anyway.)
    assert values["CSRF_COOKIE_HTTPONLY"] is False


def directives(policy: str) -> dict[str, list[str]]:
    return {part.split()[0]: part.split()[1:] for part in policy.split("; ")}


def test_the_content_security_policy_forbids_inline_and_foreign_script(production):
    policy = directives(production["headers"]["Content-Security-Policy"])
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"][0] == "'self'"
    assert all(source == "'self'" or source.startswith("'nonce-") for source in policy["script-src"])
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/search/?q=x", "/accounts/login/", "/accounts/signup/", "/api/docs/"])
def test_every_page_is_served_under_the_policy(client, url):
    response = client.get(url)
    assert response.status_code == 200
    policy = directives(response["Content-Security-Policy"])
    assert "'unsafe-inline'" not in policy["script-src"]
    assert "'unsafe-eval'" not in policy["script-src"]
    html = response.content.decode()
    # No inline script (JSON data blocks are not script) and no inline event handlers.
    inline = re.findall(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", html)
    assert inline == []
    assert not re.search(r"\son[a-z]+\s*=", html)


@pytest.mark.django_db
def test_the_api_docs_start_swagger_ui_from_a_script_file(client):
    html = client.get("/api/docs/").content.decode()
    script = re.search(r'<script src="(/api/docs/\?[^"]*script[^"]*)"', html)
    assert script, "Swagger UI's start-up script should be a file of its own"
    response = client.get(script.group(1).replace("&amp;", "&"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in response.content.decode()


# --- Sign-in limits and enumeration --------------------------------------------------


@pytest.fixture
def verified(db):
    cache.clear()  # rate-limit counters live in the database cache
    user = UserFactory(username="verified", email="verified@example.com", is_staff=True, is_superuser=True)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def sign_in(client, url, email, password):
    return client.post(url, {"login": email, "password": password})


@pytest.mark.parametrize("url", ["/accounts/login/", "/accounts/login/?next=/admin/"])
def test_the_sixth_failed_sign_in_within_five_minutes_is_blocked(client, verified, url):
    for _ in range(5):
        response = sign_in(client, url, verified.email, "wrong password")
        assert response.status_code == 200
        assert "Too many failed login attempts" not in response.content.decode()
    response = sign_in(client, url, verified.email, PASSWORD)  # even the right password
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/").status_code == 302


def test_the_block_covers_other_addresses_from_the_same_client(client, verified):
    for i in range(5):
        sign_in(client, "/accounts/login/", f"stranger{i}@example.com", "wrong password")
    assert (
        "Too many failed login attempts"
        in sign_in(client, "/accounts/login/", verified.email, PASSWORD).content.decode()
    )


def test_the_admin_login_form_cannot_be_used_to_get_around_the_limit(client, verified):
    for _ in range(5):
        sign_in(client, "/accounts/login/?next=/admin/", verified.email, "wrong password")
    response = client.post("/admin/login/?next=/admin/", {"username": verified.username, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert "_auth_user_id" not in client.session


def same_page(first, second, addresses: tuple[str, str]) -> bool:
    """Two answers look the same to the visitor: status, redirects, and page text (but the CSRF token and the
    address they typed themselves)."""

    def seen(response, address):
        text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())
        return response.status_code, response.redirect_chain, text.replace(address, "ADDRESS")

    return seen(first, addresses[0]) == seen(second, addresses[1])


def test_password_reset_answers_the_same_for_known_and_unknown_addresses(client, verified):
    addresses = (verified.email, "nobody@example.com")
    known, unknown = (client.post("/accounts/password/reset/", {"email": email}, follow=True) for email in addresses)
    assert same_page(known, unknown, addresses)
    # Both owners get a mail; only the account holder's carries a reset link.
    assert [message.to for message in mail.outbox] == [[verified.email], ["nobody@example.com"]]
    assert "/accounts/password/reset/key/" in mail.outbox[0].body
    assert "/accounts/password/reset/key/" not in mail.outbox[1].body


def test_sign_up_answers_the_same_for_known_and_unknown_addresses(client, verified):
    def sign_up(email, username):
        data = {"email": email, "username": username, "password1": PASSWORD, "password2": PASSWORD}
        response = client.post("/accounts/signup/", data, follow=True)
        client.logout()
        return response

    addresses = (verified.email, "newcomer@example.com")
    known, unknown = sign_up(addresses[0], "copycat"), sign_up(addresses[1], "newcomer")
    assert same_page(known, unknown, addresses)
    # Each address owner hears about it; nobody else learns whether the address was taken.
    assert sorted(message.to[0] for message in mail.outbox) == ["newcomer@example.com", verified.email]
