"""The career-track PDF is built once per catalog revision, language and site, then served from storage."""

import subprocess
import sys
import threading
import time

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from skills import stored
from skills.views import roles as role_views
from tests.factories import make_catalog


class Builds:
    """A stand-in for WeasyPrint that counts its builds (each PDF names the HTML's language and build)."""

    def __init__(self, seconds: float = 0.0):
        self.seconds = seconds
        self.calls = 0
        self._lock = threading.Lock()

    def __call__(self, html, *, base_url):
        with self._lock:
            self.calls += 1
            number = self.calls
        time.sleep(self.seconds)
        language = html.split('lang="', 1)[1].split('"', 1)[0]
        return f"%PDF-1.7 build {number} {language}".encode()


@pytest.fixture
def builds(monkeypatch):
    fake = Builds()
    monkeypatch.setattr(role_views, "html_to_pdf", fake)
    return fake


@pytest.fixture
def role(levels):
    return make_catalog(skills=3, roles=1, levels=levels)["roles"][0]


def pdf_url(role) -> str:
    return reverse("skills:role-pdf", args=[role.slug])


def test_the_second_request_is_served_from_storage(client, role, builds):
    first = client.get(pdf_url(role))
    second = client.get(pdf_url(role))

    assert builds.calls == 1
    assert first.getvalue() == second.getvalue() == b"%PDF-1.7 build 1 en"
    assert second["Content-Type"] == "application/pdf"
    assert second["Content-Disposition"] == f'inline; filename="{role.slug}-career-track.pdf"'
    assert second["ETag"] and second["Last-Modified"]


def test_a_client_holding_the_pdf_is_answered_not_modified(client, role, builds):
    etag = client.get(pdf_url(role))["ETag"]
    response = client.get(pdf_url(role), headers={"If-None-Match": etag})
    assert response.status_code == 304
    assert builds.calls == 1


def test_a_catalog_change_gives_a_new_pdf_and_removes_the_old(client, role, builds, settings):
    assert client.get(pdf_url(role)).getvalue() == b"%PDF-1.7 build 1 en"
    role.tagline = "Changed"
    role.save()

    assert client.get(pdf_url(role)).getvalue() == b"%PDF-1.7 build 2 en"
    assert builds.calls == 2
    (database,) = settings.STORED_ANSWERS_DIR.iterdir()
    assert len(list((database / "career-track").iterdir())) == 1  # the old revision's folder is gone


def test_each_language_has_its_own_pdf(client, role, builds):
    assert client.get(pdf_url(role)).getvalue() == b"%PDF-1.7 build 1 en"
    assert client.get(pdf_url(role), {"lang": "de"}).getvalue() == b"%PDF-1.7 build 2 de"
    assert client.get(pdf_url(role), {"lang": "de"}).getvalue() == b"%PDF-1.7 build 2 de"
    assert client.get(pdf_url(role), {"lang": "en"}).getvalue() == b"%PDF-1.7 build 1 en"
    assert builds.calls == 2


def test_an_unknown_role_is_still_404_and_stores_nothing(client, db, builds, settings):
    assert client.get("/roles/no-such-role/career-track.pdf").status_code == 404
    assert builds.calls == 0


def test_a_role_too_large_is_refused_with_its_csv_offered(client, role, builds, settings, levels):
    settings.PDF_MAX_CELLS = 3 * len(levels) - 1

    response = client.get(pdf_url(role))

    assert response.status_code == 422
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert "too large for a PDF" in html
    assert reverse("skills:role-csv", args=[role.slug]) in html
    assert builds.calls == 0
    settings.PDF_MAX_CELLS = 3 * len(levels)
    assert client.get(pdf_url(role)).status_code == 200


def test_a_busy_build_slot_is_a_503_with_retry_after(client, role, builds, settings):
    settings.HEAVY_BUILD_SLOTS = 1
    settings.HEAVY_BUILD_SLOT_WAIT = 0
    settings.HEAVY_BUILD_RETRY_AFTER = 7
    with stored._build_slot():  # another PDF is being built in this process
        response = client.get(pdf_url(role))

    assert response.status_code == 503
    assert response["Retry-After"] == "7"
    html = response.content.decode()
    assert "This page tries again in 7 seconds" in html
    assert '<meta http-equiv="refresh" content="7">' in html
    assert role.get_absolute_url() in html
    assert builds.calls == 0
    assert client.get(pdf_url(role)).status_code == 200  # the slot is free again


def test_a_refusal_is_not_logged_as_a_server_error(client, role, builds, settings, caplog):
    """A flood of PDF requests is refused by design: no ERROR line (and write) per refused request."""
    settings.HEAVY_REQUESTS_PER_PROCESS = 1
    with stored.heavy_request(), caplog.at_level("WARNING", logger="django.request"):
        response = client.get(pdf_url(role))
    assert response.status_code == 503
    assert caplog.records == []


def test_a_busy_process_answers_before_any_query(client, role, builds, settings, django_assert_num_queries):
    """Its places for heavy requests taken, a process refuses a PDF request at once: no lookup of the role.

    The one query is the catalog's revision counters, which a server process learns from its listener instead.
    """
    settings.HEAVY_REQUESTS_PER_PROCESS = 1
    with stored.heavy_request(), django_assert_num_queries(1):
        response = client.get(pdf_url(role))
    assert response.status_code == 503
    assert response["Retry-After"]
    assert builds.calls == 0


def test_a_wait_for_the_same_build_is_bounded(client, role, builds, settings):
    settings.HEAVY_BUILD_WAIT = 0
    shelf = stored.Shelf("career-track", client.get("/").wsgi_request)
    shelf.folder.mkdir(parents=True)
    name = f"{role.slug}.en.{_site()}.pdf"
    with stored._exclusive(shelf.folder / f"{name}.lock", wait=0):  # another process is building it
        response = client.get(pdf_url(role))
    assert response.status_code == 503
    assert response["Retry-After"]
    assert builds.calls == 0


def _site() -> str:
    import hashlib

    return hashlib.sha256(b"http://testserver/").hexdigest()[:12]


def fetch_at_once(role, count: int) -> list[tuple[int, bytes, float]]:
    """`count` requests for the role's PDF at once, each from its own thread: (status, body, seconds)."""
    answers, errors = [], []

    def fetch():
        try:
            start = time.monotonic()
            response = Client().get(pdf_url(role))
            answers.append((response.status_code, response.getvalue(), time.monotonic() - start))
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=fetch) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    return answers


@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_make_one_build(monkeypatch, levels, settings):
    settings.HEAVY_REQUESTS_PER_PROCESS = 6
    builds = Builds(seconds=0.5)
    monkeypatch.setattr(role_views, "html_to_pdf", builds)
    role = make_catalog(skills=3, roles=1, levels=levels)["roles"][0]

    answers = fetch_at_once(role, 6)

    assert builds.calls == 1
    assert [(status, body) for status, body, _ in answers] == [(200, b"%PDF-1.7 build 1 en")] * 6


@pytest.mark.django_db(transaction=True)
def test_a_flood_holds_only_a_few_threads_and_the_rest_are_told_to_come_back(monkeypatch, levels, settings):
    """Beyond HEAVY_REQUESTS_PER_PROCESS, a request neither builds nor waits: 503 with Retry-After, at once."""
    settings.HEAVY_REQUESTS_PER_PROCESS = 2
    settings.HEAVY_BUILD_RETRY_AFTER = 4
    builds = Builds(seconds=1.5)
    monkeypatch.setattr(role_views, "html_to_pdf", builds)
    role = make_catalog(skills=3, roles=1, levels=levels)["roles"][0]

    answers = fetch_at_once(role, 8)

    assert builds.calls == 1
    served = [seconds for status, body, seconds in answers if status == 200]
    refused = [seconds for status, body, seconds in answers if status == 503]
    assert 1 <= len(served) <= 2 and len(served) + len(refused) == 8
    assert max(refused) < 1.5  # answered before the build was done: no thread waited for it
    assert Client().get(pdf_url(role)).getvalue() == b"%PDF-1.7 build 1 en"  # then served from storage


def test_the_build_slots_are_shared_by_every_server_process(client, role, builds, settings, tmp_path):
    """Another process building (holding the slot's lock file): this one waits, then is refused."""
    settings.HEAVY_BUILD_SLOTS = 1
    settings.HEAVY_BUILD_SLOT_WAIT = 0
    with stored._build_slot() as slot:
        holder = subprocess.Popen(
            [sys.executable, "-c", HOLD_LOCK, slot.handle.name],
            stdout=subprocess.PIPE,
        )
    try:
        assert holder.stdout.readline() == b"held\n"
        response = client.get(pdf_url(role))
        assert response.status_code == 503
        assert builds.calls == 0
    finally:
        holder.kill()
        holder.wait()
    assert client.get(pdf_url(role)).status_code == 200


HOLD_LOCK = """
import fcntl, sys, time
handle = open(sys.argv[1], "a")
fcntl.flock(handle, fcntl.LOCK_EX)
print("held", flush=True)
time.sleep(60)
"""
