"""Skill pages kept as files every process reads, rendered ahead after a change, and never stale."""

import threading

import pytest
from django.core.cache import caches
from django.test import Client

from proposals.models import Comment
from skills import freshness, pages
from skills.freshness import pages as whole_pages
from skills.freshness import shared_pages
from skills.freshness.fragments import FRAGMENT_CACHE
from skills.models import Domain, Skill
from tests.factories import ExpectationFactory, SkillFactory, make_levels, make_role

pytestmark = pytest.mark.django_db

DEPENDS = (freshness.NAMES,)  # what the pass of the skill pages waits on (each page also has its own counters)


@pytest.fixture
def skills():
    levels = make_levels()
    role = make_role(levels, name="Data Scientist")
    cells = [ExpectationFactory(role=role, level=levels[1], description=f"Tracks run {n}.") for n in range(3)]
    return [cell.skill for cell in cells]


def strip(content: bytes) -> bytes:
    return whole_pages._TOKEN_RE.sub(b"", content)


def other_process() -> None:
    """What another server process has of the pages: nothing in its own memory."""
    caches[FRAGMENT_CACHE].clear()


def run_pass(monkeypatch, client, url: str) -> dict | None:
    """The pass a visit to `url` starts, run here (the server runs it on a thread of its own)."""
    return shared_pages.prerender(*visit(monkeypatch, client, url))


def record(monkeypatch, started: list) -> None:
    """Passes that visits start are recorded, not run."""
    monkeypatch.setattr(shared_pages, "_started", set())
    monkeypatch.setattr(shared_pages, "_running", set())

    def recorded(*args):
        started.append(args)
        shared_pages._running.clear()

    monkeypatch.setattr(shared_pages, "_run_pass", recorded)


def visit(monkeypatch, client, url: str) -> tuple:
    """An anonymous visit to `url`: the arguments of the one pass it starts."""
    started = []
    record(monkeypatch, started)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("django.conf.settings.PRERENDER_PAGES", True)
        client.get(url)
        for thread in threading.enumerate():
            if thread.name == "prerender":
                thread.join()
    assert len(started) == 1
    depends, revision, visitor, paths = started[0]
    return depends, revision, dict(visitor), paths


def test_a_page_one_process_rendered_is_served_by_another_without_rendering(client, skills, django_assert_num_queries):
    url = skills[0].get_absolute_url()
    first = client.get(url)
    other_process()
    client.cookies.clear()
    with django_assert_num_queries(1):  # the revisions
        again = client.get(url)
    assert again.status_code == 200
    assert strip(again.content) == strip(first.content)


def test_the_stored_page_and_a_fresh_render_agree(client, skills):
    url = skills[1].get_absolute_url()
    stored = client.get(url)
    other_process()
    for path in shared_pages._root(DEPENDS).rglob("*.page"):
        path.unlink()
    rendered = client.get(url)
    assert strip(stored.content) == strip(rendered.content)
    assert b'name="csrfmiddlewaretoken" value="' in stored.content


def test_a_pass_renders_every_skill_page_into_the_files_and_not_into_memory(
    client, skills, monkeypatch, django_assert_num_queries
):
    done = run_pass(monkeypatch, client, skills[0].get_absolute_url())
    assert done["pages"] == Skill.objects.count() == 3
    assert shared_pages.passes_done(DEPENDS) == [done]
    other_process()
    assert len(list(shared_pages._root(DEPENDS).rglob("*.page"))) == 3
    for skill in skills:
        with django_assert_num_queries(1):
            page = Client().get(skill.get_absolute_url())
        assert skill.name in page.content.decode()


def test_the_pass_leaves_the_memory_of_its_process_alone(client, skills, monkeypatch):
    arguments = visit(monkeypatch, client, skills[0].get_absolute_url())
    kept = dict(caches[FRAGMENT_CACHE]._cache)
    assert kept  # the visit's own page and its parts
    assert shared_pages.prerender(*arguments)["pages"] == 3
    assert dict(caches[FRAGMENT_CACHE]._cache).keys() == kept.keys()


def test_a_visit_starts_one_pass_per_revision(client, skills, monkeypatch):
    started = []
    record(monkeypatch, started)
    monkeypatch.setattr("django.conf.settings.PRERENDER_PAGES", True)
    for skill in skills:
        client.get(skill.get_absolute_url())
    for thread in threading.enumerate():
        if thread.name == "prerender":
            thread.join()
    assert len(started) == 1
    # A skill's own change moves its page's counters only: that page is rendered again by its next visitor.
    Skill.objects.filter(pk=skills[0].pk).update(name="Renamed")
    client.get(skills[1].get_absolute_url())
    assert "Renamed" in client.get(skills[0].get_absolute_url()).content.decode()
    assert len(started) == 1
    # A name every skill page shows moves them all: the next visit starts a pass at the new revisions.
    Domain.objects.filter(pk=skills[0].group.domain_id).update(name="Renamed domain")
    client.get(skills[1].get_absolute_url())
    for thread in threading.enumerate():
        if thread.name == "prerender":
            thread.join()
    assert len(started) == 2


def test_a_rename_after_a_pass_shows_on_the_next_request(client, skills, monkeypatch):
    run_pass(monkeypatch, client, skills[0].get_absolute_url())
    Skill.objects.filter(pk=skills[2].pk).update(name="Experiment Tracking, renamed")
    other_process()
    assert "Experiment Tracking, renamed" in Client().get(skills[2].get_absolute_url()).content.decode()


def test_a_comment_after_a_pass_shows_on_the_next_request(client, skills, member, monkeypatch):
    run_pass(monkeypatch, client, skills[0].get_absolute_url())
    Comment.objects.create(skill=skills[1], author=member, body="Seen at once.")
    assert "Seen at once." in Client().get(skills[1].get_absolute_url()).content.decode()


def test_a_pass_stops_when_the_revisions_move(client, skills, monkeypatch):
    paths = pages.every_skill_path()

    def moving():
        yield paths[0]
        SkillFactory(name="Added during the pass")
        yield from paths[1:]

    depends, revision, visitor, _paths = visit(monkeypatch, client, paths[0])
    assert shared_pages.prerender(depends, revision, visitor, moving) is None
    assert shared_pages.passes_done(DEPENDS) == []
    added = Skill.objects.get(name="Added during the pass")
    assert "Added during the pass" in Client().get(added.get_absolute_url()).content.decode()


def test_query_strings_are_not_kept_in_the_files(client, skills):
    client.get(skills[0].get_absolute_url(), {"level": "senior"})
    assert list(shared_pages._root(DEPENDS).rglob("*.page")) == []


def test_processes_share_a_pass_in_chunks_and_the_last_one_writes_the_result(client, skills, monkeypatch):
    monkeypatch.setattr(shared_pages, "PRERENDER_CHUNK", 1)
    depends, revision, visitor, paths = visit(monkeypatch, client, skills[0].get_absolute_url())
    folder = shared_pages._folder(depends, revision)
    assert len(list(folder.glob("*.page"))) == 1  # the visit's own page
    render_chunk = shared_pages._render_chunk

    def last_chunk_taken(depends, revision, meta, chunk, name):
        # As if another process held the last chunk's lock.
        return True if name.name.endswith("-2") else render_chunk(depends, revision, meta, chunk, name)

    monkeypatch.setattr(shared_pages, "_render_chunk", last_chunk_taken)
    assert shared_pages.prerender(depends, revision, visitor, paths) is None
    assert shared_pages.passes_done(DEPENDS) == []
    assert len(list(folder.glob("*.page"))) == 2
    monkeypatch.setattr(shared_pages, "_render_chunk", render_chunk)  # the other process ends its chunk
    assert shared_pages.prerender(depends, revision, visitor, paths)["pages"] == 3
    assert len(list(folder.glob("*.page"))) == 3
    assert len(shared_pages.passes_done(DEPENDS)) == 1


def test_folders_of_older_revisions_are_removed(client, skills, monkeypatch):
    import os
    import time

    depends, revision, visitor, paths = visit(monkeypatch, client, skills[0].get_absolute_url())
    abandoned = shared_pages._folder(depends, "1.1_1.1")
    abandoned.mkdir(parents=True)
    long_ago = time.time() - shared_pages.ABANDONED_SECONDS - 1
    os.utime(abandoned, (long_ago, long_ago))
    recent = shared_pages._folder(depends, "2.2_2.2")
    recent.mkdir()
    time.sleep(0.05)
    assert shared_pages.prerender(depends, revision, visitor, paths)["pages"] == 3
    assert not abandoned.exists()
    assert shared_pages._folder(depends, revision).exists()
    assert not recent.exists()  # made before the pass started: an older revision's
