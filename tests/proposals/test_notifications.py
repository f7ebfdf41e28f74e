"""Emails to watchers and the author when a proposal is opened or decided, sent after commit."""

import logging
import re
import smtplib

import pytest
from django.core import mail

from proposals import services
from proposals.services import Conflict
from skills.models import Expectation
from tests.factories import UserFactory
from tests.proposals.helpers import change_for


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = "https://skills.example.org/"


@pytest.fixture
def watchers(skill, member, author):
    """member and author watch the skill; so does someone without an address and someone inactive."""
    for user in [member, author, UserFactory(username="noaddress", email=""), UserFactory(is_active=False)]:
        services.watch_set(user=user, skill=skill)


def open_proposal(author, skill, cell, rationale="Fix A & B <now>."):
    return services.proposal_create(author=author, skill=skill, rationale=rationale, changes=[change_for(cell)])


def test_nothing_is_sent_before_the_commit(author, skill, cell, watchers, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        open_proposal(author, skill, cell)
    assert len(callbacks) == 1
    assert mail.outbox == []


def test_opening_mails_the_watchers_but_not_the_author(
    author, member, skill, cell, watchers, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        proposal = open_proposal(author, skill, cell)
    assert [message.to for message in mail.outbox] == [[member.email]]
    message = mail.outbox[0]
    assert message.subject == f"[Skill Matrix] New proposal #{proposal.pk} for {skill.name}"
    assert "Hello member," in message.body
    assert "author suggests a change to one expectation" in message.body
    assert "Fix A & B <now>." in message.body  # plain text: nothing HTML-escaped
    assert f"https://skills.example.org/proposals/{proposal.pk}/" in message.body
    assert f"https://skills.example.org/skills/{skill.slug}/" in message.body


def test_the_decision_mails_the_author_and_watchers_but_not_the_reviewer(
    author, member, reviewer, skill, cell, watchers, django_capture_on_commit_callbacks
):
    services.watch_set(user=reviewer, skill=skill)
    proposal = open_proposal(author, skill, cell)
    with django_capture_on_commit_callbacks(execute=True):
        services.proposal_approve(proposal=proposal, reviewer=reviewer)
    by_address = {message.to[0]: message for message in mail.outbox}
    assert sorted(by_address) == sorted([author.email, member.email])
    assert by_address[author.email].subject == f"[Skill Matrix] Proposal #{proposal.pk} for {skill.name} was approved"
    assert "reviewer approved your proposal" in by_address[author.email].body
    assert "reviewer approved a proposal by author" in by_address[member.email].body


def test_the_author_is_mailed_even_without_watching(author, reviewer, skill, cell, django_capture_on_commit_callbacks):
    proposal = open_proposal(author, skill, cell)
    with django_capture_on_commit_callbacks(execute=True):
        services.proposal_reject(proposal=proposal, reviewer=reviewer, reason="incorrect", note="Level mix-up.")
    assert [message.to for message in mail.outbox] == [[author.email]]
    body = mail.outbox[0].body
    assert mail.outbox[0].subject.endswith("was rejected")
    assert "Reason: Incorrect" in body
    assert "Level mix-up." in body


def test_a_refused_approval_sends_nothing(author, reviewer, skill, cell, watchers, django_capture_on_commit_callbacks):
    proposal = open_proposal(author, skill, cell)
    Expectation.objects.filter(pk=cell.pk).update(description="Moved on.")
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(Conflict):
        services.proposal_approve(proposal=proposal, reviewer=reviewer)
    assert callbacks == []
    assert mail.outbox == []


def test_withdrawing_sends_nothing(author, skill, cell, watchers, django_capture_on_commit_callbacks):
    proposal = open_proposal(author, skill, cell)
    with django_capture_on_commit_callbacks(execute=True):
        services.proposal_withdraw(proposal=proposal, user=author)
    assert mail.outbox == []


def test_a_failing_mail_server_is_logged_and_the_decision_stands(
    author, reviewer, skill, cell, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    def refuse(messages):
        raise smtplib.SMTPException("Mail server down")

    monkeypatch.setattr(mail.mailers.default.__class__, "send_messages", lambda self, messages: refuse(messages))
    proposal = open_proposal(author, skill, cell)
    with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
        services.proposal_approve(proposal=proposal, reviewer=reviewer)
    assert "Mail server down" in caplog.text
    proposal.refresh_from_db()
    assert proposal.status == "approved"


def test_every_link_starts_with_the_site_url(
    author, skill, cell, watchers, settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "http://127.0.0.1:8123"
    with django_capture_on_commit_callbacks(execute=True):
        open_proposal(author, skill, cell)
    links = [link for message in mail.outbox for link in re.findall(r"https?://\S+", message.body)]
    assert links and all(link.startswith("http://127.0.0.1:8123/") for link in links), links
