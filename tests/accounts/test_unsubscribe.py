"""The unsubscribe link of the notices: it works signed out, asks before it acts (GET shows, POST stops), takes
the mail programs' one-click POST (RFC 8058) without a CSRF token, and a bad token is a clear page, never a 500."""

import pytest
from django.core import signing
from django.test import Client

from accounts.emails import Topic, read_unsubscribe_token, unsubscribe_token, unsubscribe_url
from accounts.models import EmailSettings, ReviewNotices

URL = "/accounts/profile/unsubscribe/"


@pytest.fixture
def strict():
    return Client(enforce_csrf_checks=True)


def text(response) -> str:
    return response.content.decode()


def test_the_link_is_on_the_site_and_names_the_member_and_topic(member, settings):
    settings.SITE_URL = "http://127.0.0.1:8123"
    link = unsubscribe_url(member, Topic.WATCHING)
    assert link.startswith("http://127.0.0.1:8123/accounts/profile/unsubscribe/?token=")
    assert read_unsubscribe_token(unsubscribe_token(member, Topic.WATCHING)) == (member.pk, Topic.WATCHING)


def test_get_asks_and_changes_nothing(strict, member):
    token = unsubscribe_token(member, Topic.WATCHING)
    response = strict.get(URL, {"token": token})
    assert response.status_code == 200
    page = text(response)
    assert "Stop the emails about proposals on skills you watch?" in page
    assert f'name="token" value="{token}"' in page
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    assert not EmailSettings.objects.exists()


@pytest.mark.parametrize(
    ("topic", "field", "off"),
    [
        (Topic.REVIEWS, "review_notices", ReviewNotices.NEVER),
        (Topic.WATCHING, "watch_notices", False),
        (Topic.OWN, "own_notices", False),
    ],
)
def test_the_confirming_post_stops_that_topic_only(strict, reviewer, topic, field, off):
    response = strict.post(URL, {"token": unsubscribe_token(reviewer, topic)})
    assert response.status_code == 200
    assert "You are unsubscribed" in text(response)
    saved = EmailSettings.objects.get(user=reviewer)
    defaults = {"review_notices": ReviewNotices.EACH, "watch_notices": True, "own_notices": True}
    assert {name: getattr(saved, name) for name in defaults} == defaults | {field: off}
    again = strict.post(URL, {"token": unsubscribe_token(reviewer, topic)})
    assert again.status_code == 200  # twice is the same as once


def test_one_click_from_a_mail_program(strict, member):
    query = "?" + "token=" + unsubscribe_token(member, Topic.OWN)
    response = strict.post(URL + query, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    assert EmailSettings.objects.get(user=member).own_notices is False


def test_signed_in_as_someone_else_the_token_decides(strict, member, author):
    strict.force_login(author)
    strict.post(URL, {"token": unsubscribe_token(member, Topic.OWN)})
    assert EmailSettings.objects.get(user=member).own_notices is False
    assert not EmailSettings.objects.filter(user=author).exists()


@pytest.mark.parametrize(
    "token",
    [
        "",
        "nonsense",
        "%00",
        "a\x00b:c",
        "a" * 5000,
        signing.dumps([1, "watching"], salt="another.salt"),
        signing.dumps([1, "everything"], salt="accounts.unsubscribe"),
        signing.dumps(["1", "watching"], salt="accounts.unsubscribe"),
        signing.dumps({"u": 1}, salt="accounts.unsubscribe"),
    ],
    # Fixed ids: the signed tokens carry the time they were made, which differs between xdist workers.
    ids=["empty", "nonsense", "nul-escape", "nul", "huge", "other-salt", "unknown-topic", "string-id", "dict"],
)
def test_a_bad_or_forged_token_is_a_clear_400(strict, member, token):
    for method in (strict.get, strict.post):
        response = method(URL, {"token": token})
        assert response.status_code == 400
        assert "This unsubscribe link is not valid" in text(response)
    assert not EmailSettings.objects.exists()


def test_a_tampered_token_is_refused(strict, member, author):
    token = unsubscribe_token(member, Topic.OWN)
    payload, rest = token.split(":", 1)
    forged = unsubscribe_token(author, Topic.OWN).split(":", 1)[0] + ":" + rest
    assert strict.post(URL, {"token": forged}).status_code == 400
    assert not EmailSettings.objects.exists()
    assert payload


def test_the_token_of_a_deleted_account_is_a_404(strict, member):
    token = unsubscribe_token(member, Topic.OWN)
    member.delete()
    response = strict.get(URL, {"token": token})
    assert response.status_code == 404
    assert "This account no longer exists" in text(response)


def test_other_methods_are_refused(strict, member):
    assert strict.put(URL + "?token=" + unsubscribe_token(member, Topic.OWN)).status_code == 405
