"""`manage.py send_digests`: each reviewer who chose the daily digest gets one email listing the proposals that
opened since their last digest and still wait for review; a second run sends nothing more."""

import datetime
import smtplib
from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from accounts import services as account_services
from accounts.models import EmailSettings, ReviewNotices
from proposals import services
from proposals.access import REVIEWERS_GROUP
from proposals.models import Proposal
from tests.factories import UserFactory
from tests.helpers import email_parts, unsubscribe_path
from tests.proposals.helpers import change_for

SITE = "http://127.0.0.1:8123"


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE


@pytest.fixture
def daily(reviewer):
    account_services.email_settings_save(user=reviewer, review_notices=ReviewNotices.DAILY)
    # The choice starts the first digest's window now; the proposals below open after it.
    EmailSettings.objects.filter(user=reviewer).update(last_digest=timezone.now() - datetime.timedelta(hours=1))
    return reviewer


def open_proposal(author, skill, cell, rationale="Clearer."):
    return services.proposal_create(author=author, skill=skill, rationale=rationale, changes=[change_for(cell)])


def run() -> str:
    out = StringIO()
    call_command("send_digests", stdout=out, verbosity=2)
    return out.getvalue()


def test_a_digest_lists_the_open_proposals_once(daily, author, skill, cell, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = open_proposal(author, skill, cell)
        second = open_proposal(author, skill, cell, rationale="Also.")
    assert mail.outbox == []  # a reviewer on the digest is not told each time

    output = run()
    assert "reviewer: a digest of 2 proposals." in output
    assert "Sent 1 digest to the 1 reviewer who chose one." in output
    (message,) = mail.outbox
    assert message.to == [daily.email]
    assert message.subject == "[Skill Matrix] 2 new proposals wait for review"
    text, html = email_parts(message)
    for proposal in (first, second):
        assert f"#{proposal.pk} {skill.name}, by author: one expectation" in text
        assert f"{SITE}/proposals/{proposal.pk}/" in text and f'href="{SITE}/proposals/{proposal.pk}/"' in html
    assert f"{SITE}/proposals/?queue=1" in text
    unsubscribe_path(message, SITE)

    mail.outbox.clear()
    assert "reviewer: nothing new, no digest." in run()
    assert "Sent 0 digests" in run()
    assert mail.outbox == []


def test_the_next_digest_starts_where_the_last_ended(daily, author, skill, cell):
    open_proposal(author, skill, cell)
    run()
    later = open_proposal(author, skill, cell, rationale="Later.")
    mail.outbox.clear()
    run()
    (message,) = mail.outbox
    assert message.subject == "[Skill Matrix] One new proposal waits for review"
    assert f"#{later.pk} " in message.body


def test_decided_and_own_proposals_are_left_out(daily, author, reviewer, skill, cell):
    decided = open_proposal(author, skill, cell)
    other = UserFactory(username="other")
    other.groups.add(Group.objects.get(name=REVIEWERS_GROUP))
    services.proposal_reject(proposal=decided, reviewer=other, reason="duplicate")
    open_proposal(reviewer, skill, cell, rationale="My own.")
    assert "nothing new" in run()
    assert mail.outbox == []


def test_only_reviewers_who_chose_the_digest_get_one(daily, author, member, skill, cell):
    account_services.email_settings_save(user=member, review_notices=ReviewNotices.DAILY)  # not a reviewer
    EmailSettings.objects.update(last_digest=timezone.now() - datetime.timedelta(hours=1))
    open_proposal(author, skill, cell)
    run()
    assert [message.to for message in mail.outbox] == [[daily.email]]


def test_the_first_digest_covers_the_last_day(reviewer, author, skill, cell):
    EmailSettings.objects.create(user=reviewer, review_notices=ReviewNotices.DAILY)
    old = open_proposal(author, skill, cell, rationale="Old.")
    Proposal.objects.filter(pk=old.pk).update(created=timezone.now() - datetime.timedelta(days=2))
    recent = open_proposal(author, skill, cell)
    run()
    (message,) = mail.outbox
    assert f"#{recent.pk} " in message.body and f"#{old.pk} " not in message.body


def test_a_failing_digest_is_reported_and_left_for_the_next_run(daily, author, skill, cell, monkeypatch):
    open_proposal(author, skill, cell)

    def refuse(self, messages):
        raise smtplib.SMTPRecipientsRefused({daily.email: (550, b"No such user")})

    with monkeypatch.context() as patch:
        patch.setattr(mail.mailers.default.__class__, "send_messages", refuse)
        errors = StringIO()
        with pytest.raises(CommandError, match="1 digest failed: reviewer"):
            call_command("send_digests", stdout=StringIO(), stderr=errors)
    assert "reviewer: the digest failed" in errors.getvalue()
    run()
    assert len(mail.outbox) == 1


def test_the_digests_unsubscribe_link_stops_the_digests(client, daily, author, skill, cell):
    open_proposal(author, skill, cell)
    run()
    (message,) = mail.outbox
    assert client.post(unsubscribe_path(message, SITE)).status_code == 200
    assert EmailSettings.objects.get(user=daily).review_notices == ReviewNotices.NEVER
    open_proposal(author, skill, cell, rationale="Later.")
    mail.outbox.clear()
    assert "Sent 0 digests to the 0 reviewers who chose one." in run()
    assert mail.outbox == []
