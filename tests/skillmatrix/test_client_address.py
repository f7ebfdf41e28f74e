"""The limits keyed on a client's address count each client, behind a proxy too, and a client cannot
escape them by writing its own X-Forwarded-For.

Behind a proxy (BEHIND_PROXY=true) every request comes from the proxy's address: the limits then take the
client's from the X-Forwarded-For entry our proxy appended (TRUSTED_PROXY_COUNT from its end).
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from allauth.account.adapter import DefaultAccountAdapter
from django.core.cache import cache
from django.test import Client, RequestFactory
from rest_framework.throttling import BaseThrottle

ROOT = Path(__file__).resolve().parents[2]
PROXY = "10.0.0.1"
TOO_MANY = str(DefaultAccountAdapter.error_messages["too_many_login_attempts"])
SETTINGS = ["ALLAUTH_TRUSTED_PROXY_COUNT", "REST_FRAMEWORK"]


def settings_under(**env) -> dict:
    """The address settings as skillmatrix.settings makes them from this environment (in a fresh process)."""
    environment = {k: v for k, v in os.environ.items() if k not in ("BEHIND_PROXY", "TRUSTED_PROXY_COUNT")}
    environment |= {"DEBUG": "true", "DATABASE_URL": "postgres://nobody@127.0.0.1:1/none", **env}
    script = (
        "import json, django; from django.conf import settings; django.setup(); "
        f"print(json.dumps({{name: getattr(settings, name, None) for name in {SETTINGS!r}}}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=environment | {"DJANGO_SETTINGS_MODULE": "skillmatrix.settings"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def proxied() -> dict:
    return settings_under(BEHIND_PROXY="true")


@pytest.fixture(scope="module")
def direct() -> dict:
    return settings_under()


@pytest.fixture
def configured(settings, db):
    """Applies settings_under()'s values to this process."""
    cache.clear()  # the rate-limit counters

    def apply(values: dict):
        settings.ALLAUTH_TRUSTED_PROXY_COUNT = values["ALLAUTH_TRUSTED_PROXY_COUNT"] or 0
        settings.REST_FRAMEWORK = settings.REST_FRAMEWORK | {"NUM_PROXIES": values["REST_FRAMEWORK"].get("NUM_PROXIES")}

    return apply


def sign_in(client: Client, number: int, forwarded_for: str) -> str:
    response = client.post(
        "/accounts/login/",
        {"login": f"someone-{number}@example.com", "password": "not-the-password"},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )
    assert response.status_code < 500
    return response.content.decode()


def sign_up(client: Client, number: int, forwarded_for: str) -> int:
    response = client.post(
        "/accounts/signup/",
        {"email": "not-an-address", "username": f"new{number}", "password1": "x", "password2": "y"},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )
    return response.status_code


def test_behind_a_proxy_the_client_address_is_the_one_the_proxy_appended(proxied, direct):
    assert proxied["ALLAUTH_TRUSTED_PROXY_COUNT"] == 1
    assert proxied["REST_FRAMEWORK"]["NUM_PROXIES"] == 1
    assert direct["ALLAUTH_TRUSTED_PROXY_COUNT"] == 0
    assert direct["REST_FRAMEWORK"]["NUM_PROXIES"] == 0
    assert settings_under(BEHIND_PROXY="true", TRUSTED_PROXY_COUNT="2")["ALLAUTH_TRUSTED_PROXY_COUNT"] == 2


@pytest.mark.parametrize("value", ["two", "-1"])
def test_a_malformed_proxy_count_stops_start_up_naming_it(value):
    environment = os.environ | {"DEBUG": "true", "DATABASE_URL": "postgres://nobody@127.0.0.1:1/none"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=environment | {"TRUSTED_PROXY_COUNT": value},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "TRUSTED_PROXY_COUNT" in result.stderr


def test_behind_a_proxy_five_failed_sign_ins_block_that_client_only(configured, proxied):
    configured(proxied)
    a, b = Client(), Client()
    for number in range(5):  # each with another address: the limit per address, not per account, is met
        assert TOO_MANY not in sign_in(a, number, "198.51.100.7, 203.0.113.1")
    assert TOO_MANY in sign_in(a, 5, "198.51.100.7, 203.0.113.1")
    assert TOO_MANY in sign_in(a, 6, "203.0.113.1")  # what the client writes before our proxy's entry is ignored
    assert TOO_MANY not in sign_in(b, 7, "203.0.113.2")


def test_behind_a_proxy_sign_ups_are_counted_per_client(configured, proxied):
    configured(proxied)
    a, b = Client(), Client()
    assert [sign_up(a, number, "203.0.113.1") for number in range(10)] == [200] * 10
    assert sign_up(a, 10, "203.0.113.1") == 429
    assert sign_up(b, 11, "203.0.113.2") == 200


def test_without_a_proxy_a_forged_forwarded_for_escapes_no_limit(configured, direct):
    configured(direct)
    client = Client()
    for number in range(5):
        assert TOO_MANY not in sign_in(client, number, f"203.0.113.{number}")
    assert TOO_MANY in sign_in(client, 5, "203.0.113.99")
    assert [sign_up(client, number, f"203.0.113.{number}") for number in range(10)] == [200] * 10
    assert sign_up(client, 10, "203.0.113.99") == 429


def test_the_admin_signs_in_through_the_same_limited_page(client, db):
    response = client.get("/admin/login/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(("values", "expected"), [("proxied", "203.0.113.1"), ("direct", PROXY)])
def test_api_throttles_by_address_see_the_same_client(configured, request, values, expected):
    configured(request.getfixturevalue(values))
    forwarded = RequestFactory().get(
        "/api/skills/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.7, 203.0.113.1"
    )
    assert BaseThrottle().get_ident(forwarded) == expected  # what AnonRateThrottle and the like key on


def test_a_request_that_bypassed_a_proxy_is_counted_by_its_own_address(configured, proxied):
    configured(proxied | {"ALLAUTH_TRUSTED_PROXY_COUNT": 2})
    client = Client()
    for number in range(5):
        assert TOO_MANY not in sign_in(client, number, "203.0.113.1")  # one entry, where two proxies add two
    assert TOO_MANY in sign_in(client, 5, "203.0.113.2")
