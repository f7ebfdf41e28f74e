"""An undone approval is a decision notice like the others (author and watchers, in their language, branded, two
parts, with the link that stops them); superusers, who review without being in the group, hear of new proposals."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied

from accounts import services as account_services
from accounts.models import ReviewNotices
from proposals import notifications, services
from tests.factories import UserFactory
from tests.helpers import email_parts, unsubscribe_path
from tests.proposals.helpers import change_for


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = "https://skills.example.org"


@pytest.fixture
def approved(proposal, reviewer):
    return services.proposal_approve(proposal=proposal, reviewer=reviewer)


def by_recipient() -> dict:
    return {message.to[0]: message for message in mail.outbox}


def test_undoing_an_approval_mails_the_author_and_watchers_but_not_the_reviewer(
    approved, author, member, reviewer, skill, django_capture_on_commit_callbacks
):
    for user in [member, reviewer]:
        services.watch_set(user=user, skill=skill)
    with django_capture_on_commit_callbacks(execute=True):
        services.proposal_undo(proposal=approved, reviewer=reviewer, note="Merged too early & <quickly>.")
    messages = by_recipient()
    assert sorted(messages) == sorted([author.email, member.email])
    subject = f"[Skill Matrix] The approval of proposal #{approved.pk} for {skill.name} was undone"
    assert messages[author.email].subject == subject
    text, html = email_parts(messages[author.email])
    assert "reviewer undid the approval of your proposal" in text
    assert "Merged too early & <quickly>." in text
    assert "Merged too early &amp; &lt;quickly&gt;." in html
    assert f"https://skills.example.org/proposals/{approved.pk}/" in text
    assert "reviewer undid the approval of a proposal by author" in email_parts(messages[member.email])[0]
    assert unsubscribe_path(messages[member.email], "https://skills.example.org")


def test_the_undo_notice_is_in_the_recipients_language(approved, author, reviewer, django_capture_on_commit_callbacks):
    account_services.email_settings_save(user=author, language="de")
    with django_capture_on_commit_callbacks(execute=True):
        services.proposal_undo(proposal=approved, reviewer=reviewer)
    (message,) = mail.outbox
    assert "Hallo author," in message.body
    assert "rückgängig" in message.subject


def test_an_author_who_turned_off_notices_of_their_own_gets_no_undo_notice(
    approved, author, reviewer, django_capture_on_commit_callbacks
):
    account_services.email_settings_save(user=author, own_notices=False)
    with django_capture_on_commit_callbacks(execute=True):
        services.proposal_undo(proposal=approved, reviewer=reviewer)
    assert mail.outbox == []


def test_a_refused_undo_sends_nothing(approved, reviewer, author, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(PermissionDenied):
        services.proposal_undo(proposal=approved, reviewer=author)
    assert mail.outbox == []


def test_the_undo_page_sends_the_notice(client, approved, author, reviewer, django_capture_on_commit_callbacks):
    client.force_login(reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/proposals/{approved.pk}/undo/", {"note": ""})
    assert response.status_code == 302
    assert [message.to for message in mail.outbox] == [[author.email]]


def test_the_api_undo_sends_the_notice(api, approved, author, reviewer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = api(reviewer).post(f"/api/proposals/{approved.pk}/undo/", {}, format="json")
    assert response.status_code == 200
    assert [message.to for message in mail.outbox] == [[author.email]]


# --- Superusers review -------------------------------------------------------------------------


def test_superusers_are_reviewers_for_notices_each_once(reviewer, db):
    UserFactory(username="boss", is_superuser=True, is_staff=True)
    both = UserFactory(username="both", is_superuser=True)
    both.groups.set(reviewer.groups.all())
    UserFactory(username="retired", is_superuser=True, is_active=False)
    names = sorted({user.username for user in notifications.reviewers()})
    assert names == ["boss", "both", "reviewer"]


def test_a_superuser_outside_the_group_is_told_when_a_proposal_opens(
    author, skill, cell, django_capture_on_commit_callbacks
):
    boss = UserFactory(username="boss", is_superuser=True, is_staff=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.proposal_create(author=author, skill=skill, rationale="Better.", changes=[change_for(cell)])
    assert [message.to for message in mail.outbox] == [[boss.email]]
    assert "You get this email because you review proposals on Skill Matrix." in mail.outbox[0].body


def test_a_superuser_can_choose_the_daily_digest(author, skill, cell):
    boss = UserFactory(username="boss", is_superuser=True)
    account_services.email_settings_save(user=boss, review_notices=ReviewNotices.DAILY)
    assert list(notifications.digest_reviewers().distinct()) == [boss]
