"""The "Emails" card of the account page: the language of the member's emails and which notices they get."""

import re

import pytest

from accounts.emails import email_settings, language_of
from accounts.models import EmailSettings, ReviewNotices


def text(response) -> str:
    return response.content.decode()


def test_a_member_sees_the_defaults_without_the_reviewers_choice(client, member):
    client.force_login(member)
    page = text(client.get("/accounts/profile/"))
    assert 'id="emails"' in page and 'action="/accounts/profile/emails/"' in page
    assert '<option value="en" lang="en" selected>English</option>' in page
    assert '<option value="de" lang="de">Deutsch</option>' in page
    assert 'name="watch_notices"' in page and 'name="own_notices"' in page
    assert 'name="review_notices"' not in page
    assert not EmailSettings.objects.exists()  # showing the defaults writes nothing


def choices(saved: EmailSettings) -> tuple:
    return saved.language, saved.review_notices, saved.watch_notices, saved.own_notices


def test_a_reviewer_chooses_each_time_a_daily_digest_or_never(client, reviewer):
    client.force_login(reviewer)
    page = text(client.get("/accounts/profile/"))
    for value in ReviewNotices.values:
        assert f'value="{value}"' in page
    response = client.post(
        "/accounts/profile/emails/", {"language": "de", "review_notices": "daily", "own_notices": "on"}
    )
    assert response.status_code == 302 and response["Location"] == "/accounts/profile/#emails"
    saved = EmailSettings.objects.get(user=reviewer)
    assert choices(saved) == ("de", "daily", False, True)
    assert saved.last_digest is not None  # the first digest starts at the choice
    page = text(client.get("/accounts/profile/"))
    assert "Your email settings are saved." in page
    assert re.search(r'<input type="radio" name="review_notices" value="daily"[^>]* checked>', page)
    assert '<option value="de" lang="de" selected>Deutsch</option>' in page


def test_a_member_cannot_set_the_reviewers_choice(client, member):
    client.force_login(member)
    client.post("/accounts/profile/emails/", {"language": "es", "review_notices": "never", "watch_notices": "on"})
    saved = EmailSettings.objects.get(user=member)
    assert choices(saved) == ("es", "each", True, False)
    assert language_of(member) == "es"


@pytest.mark.parametrize(
    "data",
    [{"language": "fr"}, {"language": ""}, {"language": "de\x00"}, {"language": "de", "review_notices": "hourly"}],
)
def test_a_bad_choice_is_a_field_error(client, reviewer, data):
    client.force_login(reviewer)
    response = client.post("/accounts/profile/emails/", data)
    assert response.status_code == 400
    assert "field__errors" in text(response)
    assert not EmailSettings.objects.exists()


def test_signing_out_or_getting_is_refused(client, member):
    response = client.post("/accounts/profile/emails/", {"language": "de"})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    client.force_login(member)
    assert client.get("/accounts/profile/emails/").status_code == 405


def test_a_member_without_settings_has_the_defaults(member):
    assert email_settings(member).review_notices == ReviewNotices.EACH
    assert language_of(member) == "en"
    assert language_of(member, "de") == "de"
