"""Emails about proposals, sent after commit: reviewers and watchers when one opens, the author and watchers when
it is decided, the author when someone comments on it; never to whoever acted. Each is branded, has a text and
an HTML part, is written in its recipient's language, and carries the link that stops it."""

import logging
import re
import smtplib

import pytest
from django.core import mail

from accounts import services as account_services
from accounts.models import ReviewNotices
from proposals import services
from proposals.services import Conflict
from skills.models import Expectation
from tests.factories import UserFactory
from tests.helpers import email_links, email_parts, unsubscribe_path
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


# --- Reviewers, comments, parts, language, brand ----------------------------------


def by_recipient() -> dict:
    return {message.to[0]: message for message in mail.outbox}


def test_reviewers_are_told_when_a_proposal_opens_unless_they_chose_otherwise(
    author, reviewer, skill, cell, django_capture_on_commit_callbacks
):
    digest, never = UserFactory(username="digest"), UserFactory(username="never")
    for user, choice in [(digest, ReviewNotices.DAILY), (never, ReviewNotices.NEVER)]:
        user.groups.set(reviewer.groups.all())
        account_services.email_settings_save(user=user, review_notices=choice)
    with django_capture_on_commit_callbacks(execute=True):
        proposal = open_proposal(author, skill, cell)
    assert list(by_recipient()) == [reviewer.email]
    text, html = email_parts(mail.outbox[0])
    assert "Review the proposal:" in text and f"/proposals/{proposal.pk}/" in text
    assert "You get this email because you review proposals on Skill Matrix." in text
    assert ">Review the proposal</a>" in html


def test_a_reviewer_who_writes_a_proposal_is_not_told_of_it(reviewer, skill, cell, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        open_proposal(reviewer, skill, cell)
    assert mail.outbox == []


def test_a_reviewer_who_watches_gets_one_email(author, reviewer, skill, cell, django_capture_on_commit_callbacks):
    services.watch_set(user=reviewer, skill=skill)
    with django_capture_on_commit_callbacks(execute=True):
        open_proposal(author, skill, cell)
    assert [message.to for message in mail.outbox] == [[reviewer.email]]


def test_a_comment_on_a_proposal_mails_its_author_but_not_for_their_own(
    author, member, skill, cell, watchers, django_capture_on_commit_callbacks
):
    proposal = open_proposal(author, skill, cell)
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_create(author=member, proposal=proposal, body="Is **Junior** right? <b>")
    assert list(by_recipient()) == [author.email]
    message = mail.outbox[0]
    assert message.subject == f"[Skill Matrix] New comment on your proposal #{proposal.pk} for {skill.name}"
    text, html = email_parts(message)
    assert "member commented on your proposal" in text
    assert "Is **Junior** right? <b>" in text
    assert "Is **Junior** right? &lt;b&gt;" in html
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_create(author=author, proposal=proposal, body="Yes.")
        services.comment_create(author=member, skill=skill, body="On the skill, not the proposal.")
    assert mail.outbox == []


def test_every_kind_has_a_text_and_an_html_part_with_the_brand_and_the_same_links(
    author, member, reviewer, skill, cell, watchers, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        proposal = open_proposal(author, skill, cell)
        services.comment_create(author=member, proposal=proposal, body="A question.")
        services.proposal_approve(proposal=proposal, reviewer=reviewer)
    kinds = {message.subject.split(" #")[0] for message in mail.outbox}
    assert kinds == {
        "[Skill Matrix] New proposal",
        "[Skill Matrix] New comment on your proposal",
        "[Skill Matrix] Proposal",
    }
    for message in mail.outbox:
        text, html = email_parts(message)
        assert message.subject.startswith("[Skill Matrix] ")
        assert html.startswith("<!DOCTYPE html>") and ">Skill Matrix</a>" in html
        assert "<img" not in html and "<script" not in html and "<link" not in html
        assert sorted(set(email_links(text))) == sorted(
            {link.replace("&amp;", "&") for link in email_links(html)} - {"https://skills.example.org/"}
        )


def test_each_recipient_reads_their_own_language(
    author, member, reviewer, skill, cell, watchers, django_capture_on_commit_callbacks
):
    account_services.email_settings_save(user=member, language="de")
    account_services.email_settings_save(user=reviewer, language="es")
    with django_capture_on_commit_callbacks(execute=True):
        proposal = open_proposal(author, skill, cell)
    messages = by_recipient()
    german, german_html = email_parts(messages[member.email])
    assert messages[member.email].subject == f"[Skill Matrix] Neuer Vorschlag #{proposal.pk} für {skill.name}"
    assert "Hallo member," in german and "Hallo member," in german_html
    assert '<html lang="de">' in german_html
    assert "Hola, reviewer:" in email_parts(messages[reviewer.email])[0]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.proposal_reject(proposal=proposal, reviewer=reviewer, reason="unclear")
    messages = by_recipient()
    assert "Hello author," in messages[author.email].body  # never chose: the site's language, not the reviewer's
    assert "Grund: Unklar" in messages[member.email].body


def test_the_unsubscribe_link_stops_that_kind_of_email_only(
    client, author, member, reviewer, skill, cell, watchers, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = open_proposal(author, skill, cell)
    path = unsubscribe_path(by_recipient()[member.email], "https://skills.example.org")
    assert client.post(path).status_code == 200
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        proposal = open_proposal(author, skill, cell, rationale="Again.")
        services.proposal_reject(proposal=first, reviewer=reviewer, reason="duplicate")
    assert sorted(message.to[0] for message in mail.outbox) == [author.email, reviewer.email]
    # The member's own proposals still reach them.
    mail.outbox.clear()
    own = open_proposal(member, skill, cell, rationale="Mine.")
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_create(author=author, proposal=own, body="Hm.")
    assert list(by_recipient()) == [member.email]
    assert proposal.pk


def test_no_email_carries_an_assessment_or_its_evidence(
    author, member, reviewer, skill, cell, watchers, levels, django_capture_on_commit_callbacks
):
    from growth import services as growth_services
    from teams import services as team_services

    for user in (author, member):
        growth_services.plan_settings_save(user=user, role=cell.role, level=levels[0])
        team_services.self_assessment_record(
            user=user, skill=skill, level=levels[1], evidence_url="https://private.example/evidence", note="SECRET"
        )
    with django_capture_on_commit_callbacks(execute=True):
        proposal = open_proposal(author, skill, cell)
        services.comment_create(author=member, proposal=proposal, body="A question.")
        services.proposal_approve(proposal=proposal, reviewer=reviewer)
    assert len(mail.outbox) >= 4
    for message in mail.outbox:
        for part in email_parts(message):
            assert "SECRET" not in part and "private.example" not in part
