"""What the race tests share: sending requests at the same moment, as signed-in members of pages and API."""

import threading
from concurrent.futures import ThreadPoolExecutor

import requests
from django.contrib.auth.models import Group
from django.test import Client
from rest_framework.authtoken.models import Token

from proposals import selectors
from proposals.access import REVIEWERS_GROUP
from proposals.forms import cell_digest
from tests.factories import UserFactory

CSRF = "r" * 32  # a CSRF secret of our own: the cookie and the form field carry it alike


def burst(calls) -> list:
    """Send every request at the same moment (each thread waits at a barrier); their responses, in order."""
    barrier = threading.Barrier(len(calls))

    def send(call):
        barrier.wait(timeout=60)
        return call()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(send, calls))


def token_header(user) -> dict:
    return {"Authorization": f"Token {Token.objects.get_or_create(user=user)[0].key}"}


def page_session(user) -> requests.Session:
    """A requests session signed in as `user` (a session row in the database) that passes the CSRF check."""
    client = Client()
    client.force_login(user)
    session = requests.Session()
    session.cookies.set("sessionid", client.cookies["sessionid"].value)
    session.cookies.set("csrftoken", CSRF)
    return session


def page_post(session: requests.Session, url: str, data: dict) -> requests.Response:
    return session.post(url, data={"csrfmiddlewaretoken": CSRF, **data}, allow_redirects=False, timeout=120)


def suggest_data(skill, *, rationale: str, changed: dict[tuple[str, str], str]) -> dict:
    """The suggest form as its page renders it, with new descriptions for the cells in `changed`."""
    data = {"rationale": rationale}
    for slot in selectors.suggest_slots(skill=skill):
        cell = slot.cell
        shown = (cell.description, cell.required, cell.proficiency) if cell else ("", False, "")
        description = changed.get((slot.role.slug, slot.level.slug), shown[0])
        data[f"{slot.prefix}-description"] = description
        if shown[1]:
            data[f"{slot.prefix}-required"] = "on"
        data[f"{slot.prefix}-proficiency"] = shown[2]
        data[f"{slot.prefix}-version"] = cell.version if cell else 0
        data[f"{slot.prefix}-original"] = cell_digest(*shown)
    return data


def no_server_errors(responses) -> None:
    errors = [(r.request.method, r.url, r.status_code, r.text[:300]) for r in responses if r.status_code >= 500]
    assert not errors, errors


def reviewer_users(count: int) -> list:
    group, _ = Group.objects.get_or_create(name=REVIEWERS_GROUP)
    users = [UserFactory(username=f"reviewer{n}") for n in range(count)]
    group.user_set.add(*users)
    return users
