"""Watching asked for in place (static/js/inplace.js): the watch box as it now stands; the plain form too."""

import re

import pytest
from django.test import Client

from proposals.models import Watch
from tests.factories import UserFactory

PARTIAL = {"HTTP_X_REQUESTED_WITH": "partial"}


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def test_watching_in_place_answers_the_watch_box(member, author, skill):
    Watch.objects.create(user=author, skill=skill)
    client = client_for(member)
    response = client.post(f"/skills/{skill.slug}/watch/", {"action": "watch"}, **PARTIAL)
    assert (response.status_code, response["X-Partial"]) == (200, "true")
    html = response.content.decode()
    assert "<p data-inplace-status>You watch this skill.</p>" in html
    assert '<div class="community-watch" id="community-watch">' in html
    assert ">2 watchers</p>" in html
    assert 'name="action" value="unwatch"' in html and 'aria-pressed="true"' in html
    assert 'name="csrfmiddlewaretoken"' in html  # the next press needs it
    stopped = client.post(f"/skills/{skill.slug}/watch/", {"action": "unwatch"}, **PARTIAL).content.decode()
    assert "You no longer watch this skill." in stopped and ">1 watcher</p>" in stopped
    assert not Watch.objects.filter(user=member).exists()


def test_the_plain_watch_form_still_redirects(member, skill):
    response = client_for(member).post(f"/skills/{skill.slug}/watch/", {"action": "watch"})
    assert (response.status_code, response["Location"]) == (302, f"/skills/{skill.slug}/#community")
    assert Watch.objects.filter(user=member, skill=skill).exists()


def test_watching_in_place_refuses_with_the_servers_message(member, skill):
    client = client_for(member)
    bad = client.post(f"/skills/{skill.slug}/watch/", {"action": "stare"}, **PARTIAL)
    assert (bad.status_code, bad.content.decode()) == (400, "Choose to watch or to unwatch.")
    assert client.post("/skills/no-such-skill/watch/", {"action": "watch"}, **PARTIAL).status_code == 404
    # Signed out: the sign-in redirect, which the script leaves to the browser.
    assert client_for(None).post(f"/skills/{skill.slug}/watch/", {"action": "watch"}, **PARTIAL).status_code == 302


def test_csrf_is_checked_for_answers_in_place(member, skill):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    response = client.post(f"/skills/{skill.slug}/watch/", {"action": "watch"}, **PARTIAL)
    assert response.status_code == 403
    assert not Watch.objects.exists()


def _watch_box(html: str) -> str:
    box = re.search(r'<div class="community-watch" id="community-watch">.*?</div>', html, re.S).group(0)
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", box)


def test_the_answer_in_place_is_the_skill_pages_watch_box(member, author, skill):
    Watch.objects.create(user=author, skill=skill)
    client = client_for(member)
    for action in ("watch", "unwatch"):
        answer = client.post(f"/skills/{skill.slug}/watch/", {"action": action}, **PARTIAL).content.decode()
        assert _watch_box(answer) == _watch_box(client.get(f"/skills/{skill.slug}/").content.decode())


# Session and user, the revisions, the skill; the write in one INSERT ... ON CONFLICT DO NOTHING (with pghistory's
# context); the count of watchers with the member's own in one aggregate, whatever the number of watchers.
WATCH_ANSWER_QUERIES = 7


@pytest.mark.parametrize("watchers", [0, 30])
def test_the_answer_in_place_costs_the_same_at_any_size(member, skill, watchers, django_assert_num_queries):
    for number in range(watchers):
        Watch.objects.create(user=UserFactory(username=f"watcher-{number}"), skill=skill)
    client = client_for(member)
    client.get("/")
    with django_assert_num_queries(WATCH_ANSWER_QUERIES):
        response = client.post(f"/skills/{skill.slug}/watch/", {"action": "watch"}, **PARTIAL)
    assert f">{watchers + 1} watcher" in response.content.decode()


def test_watching_again_keeps_one_watch(member, skill):
    client = client_for(member)
    for _ in range(2):
        answer = client.post(f"/skills/{skill.slug}/watch/", {"action": "watch"}, **PARTIAL).content.decode()
        assert ">1 watcher</p>" in answer and 'name="action" value="unwatch"' in answer
    assert Watch.objects.filter(user=member, skill=skill).count() == 1
