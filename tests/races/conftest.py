"""Races against a running server: gunicorn on the test database, requests sent at the same moment.

Each module that uses `server` sets its environment in SERVER_ENV (e.g. small write rates). The tests
commit (transaction=True), so the server's own connections see what they write, and the signed-in
members are real sessions in the database and real API tokens.
"""

import os
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote

import pytest
import requests
from django.db import connection
from django.test import Client
from rest_framework.authtoken.models import Token

from proposals import selectors
from proposals.forms import cell_digest

ROOT = Path(__file__).resolve().parents[2]
CSRF = "r" * 32  # a CSRF secret of our own: the cookie and the form field carry it alike


def database_url() -> str:
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="") + (":" + quote(db["PASSWORD"], safe="") if db["PASSWORD"] else "")
    host = quote(db["HOST"] or "", safe="") + (f":{db['PORT']}" if db["PORT"] else "")
    return f"postgres://{credentials}@{host}/{db['NAME']}"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def server(request, django_db_setup):
    """gunicorn (two workers of 16 threads) serving the test database, with the module's SERVER_ENV."""
    port = free_port()
    env = {name: value for name, value in os.environ.items() if name != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env |= {"DEBUG": "true", "DATABASE_URL": database_url(), "EMBEDDED_DB_EXIT_WITH_PARENT": "0"}
    env |= getattr(request.module, "SERVER_ENV", {})
    command = [sys.executable, "-m", "gunicorn", "skillmatrix.wsgi", "--bind", f"127.0.0.1:{port}"]
    command += ["--workers", "2", "--worker-class", "gthread", "--threads", "16", "--preload", "--log-level", "warning"]
    process = subprocess.Popen(command, cwd=ROOT, env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(f"{url}/api/levels/", timeout=10).status_code == 200:
                    break
            except requests.RequestException:
                pass
            assert process.poll() is None, "gunicorn stopped while starting"
            assert time.monotonic() < deadline, "gunicorn did not answer within a minute"
            time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


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
