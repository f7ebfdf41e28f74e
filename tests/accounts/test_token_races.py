"""API token writes that race: one member's requests at the same moment against a real server, each its own thread.

pytest-django's live_server answers every request in its own thread with its own database
connection, so the token writes really run side by side and commit for real.
"""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from django.test import Client
from rest_framework.authtoken.models import Token

from tests.factories import make_catalog

pytestmark = pytest.mark.django_db(transaction=True)

BURST = 10


def signed_in(live_server, user) -> requests.Session:
    """A browser-like session signed in as the user, with its CSRF cookie."""
    client = Client()
    client.force_login(user)
    session = requests.Session()
    session.cookies.set("sessionid", client.cookies["sessionid"].value)
    session.get(f"{live_server.url}/accounts/profile/", timeout=30).raise_for_status()
    session.headers["X-CSRFToken"] = session.cookies["csrftoken"]
    return session


def burst(calls) -> list:
    """Send every request at the same moment; each thread waits at a barrier first."""
    barrier = threading.Barrier(len(calls))

    def send(call):
        barrier.wait(timeout=30)
        return call()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(send, calls))


def test_concurrent_token_creations_leave_one_working_token(live_server, member, levels):
    skill = make_catalog(skills=1, roles=1, levels=levels)["skills"][0]
    session = signed_in(live_server, member)
    url = f"{live_server.url}/accounts/profile/token/"

    responses = burst([lambda: session.post(url, timeout=60)] * BURST)

    assert [response.status_code for response in responses] == [200] * BURST
    token = Token.objects.get(user=member)
    shown = [response.text for response in responses if f'value="{token.key}"' in response.text]
    assert len(shown) == 1, "the surviving key is the one a response showed"
    script = Client(HTTP_AUTHORIZATION=f"Token {token.key}")
    assert script.put(f"/api/skills/{skill.slug}/watch/").status_code == 200


def test_token_creations_racing_revocations_end_in_one_or_no_token(live_server, member):
    session = signed_in(live_server, member)
    create = f"{live_server.url}/accounts/profile/token/"
    revoke = f"{live_server.url}/accounts/profile/token/revoke/"

    calls = [lambda: session.post(create, timeout=60), lambda: session.post(revoke, timeout=60, allow_redirects=False)]
    responses = burst(calls * (BURST // 2))

    assert sorted(response.status_code for response in responses) == [200] * (BURST // 2) + [302] * (BURST // 2)
    assert Token.objects.filter(user=member).count() <= 1
