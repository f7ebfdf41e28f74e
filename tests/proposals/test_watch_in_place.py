"""Watching asked for in place (static/js/inplace.js): the watch box as it now stands; the plain form too."""

from django.test import Client

from proposals.models import Watch

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
