"""Who is mailed about a proposal, read in one query, and the emails of a write, built from the proposal it holds.

Two fast paths, each against the ordinary path it replaced: recipients() against the two querysets it used to run
(one per topic, each member once, the event's own topic first); the emails sent at commit (from the proposal the
write holds, with the number of its changes) against notifications.send, which reads the proposal as stored.
"""

import pytest
from django.contrib.auth.models import Group
from django.core import mail, signing
from django.db.models import Q

from accounts import services as account_services
from accounts.emails import Topic
from accounts.models import EmailSettings, ReviewNotices
from proposals import notifications, services
from proposals.access import REVIEWERS_GROUP
from proposals.models import Proposal
from tests.factories import UserFactory
from tests.helpers import email_parts
from tests.proposals.helpers import change_for


def wants(field: str, value) -> Q:
    """The members whose setting `field` is `value`, counting those who never saved settings (the default)."""
    default = EmailSettings._meta.get_field(field).default
    chosen = Q(**{f"email_settings__{field}": value})
    return chosen | Q(email_settings__isnull=True) if value == default else chosen


def ordinary_recipients(*, proposal, event, actor_id) -> list[tuple]:
    """recipients() as it was: one queryset per topic, each member once, the event's own topic first."""
    members = notifications._members()
    if event == notifications.OPENED:
        group = members.filter(Q(groups__name=REVIEWERS_GROUP) | Q(is_superuser=True))
        first = (Topic.REVIEWS, group.filter(wants("review_notices", ReviewNotices.EACH)))
    else:
        first = (Topic.OWN, members.filter(pk=proposal.author_id).filter(wants("own_notices", True)))
    watchers = members.filter(watches__skill_id=proposal.skill_id).filter(wants("watch_notices", True))
    seen, found = set(), []
    for topic, queryset in [first, (Topic.WATCHING, watchers)]:
        for user in queryset.exclude(pk=actor_id).distinct():
            if user.pk not in seen:
                seen.add(user.pk)
                found.append((user.pk, topic))
    return found


@pytest.fixture
def cast(author, reviewer, skill):
    """Everyone a proposal's emails may or may not reach, each setting tried: reviewers by group and as superusers,
    with each review choice; watchers with notices on, off, never saved; the author watching with own notices off;
    members without an address or inactive; a reviewer in the group twice over (another group of the same name is
    impossible, so: in the group and a superuser)."""
    reviewers = Group.objects.get(name=REVIEWERS_GROUP)
    people = {
        "daily": UserFactory(username="daily"),
        "never": UserFactory(username="never"),
        "super": UserFactory(username="super", is_superuser=True),
        "super-in-group": UserFactory(username="super-in-group", is_superuser=True),
        "watcher": UserFactory(username="watcher"),
        "quiet-watcher": UserFactory(username="quiet-watcher"),
        "german-watcher": UserFactory(username="german-watcher"),
        "no-address": UserFactory(username="no-address", email=""),
        "inactive": UserFactory(username="inactive", is_active=False),
    }
    for name in ("daily", "never", "super-in-group"):
        people[name].groups.add(reviewers)
    account_services.email_settings_save(user=people["daily"], review_notices=ReviewNotices.DAILY)
    account_services.email_settings_save(user=people["never"], review_notices=ReviewNotices.NEVER)
    account_services.email_settings_save(user=people["quiet-watcher"], watch_notices=False)
    account_services.email_settings_save(user=people["german-watcher"], language="de")
    account_services.email_settings_save(user=reviewer, language="es")
    for name in ("daily", "never", "super", "watcher", "quiet-watcher", "german-watcher", "no-address", "inactive"):
        services.watch_set(user=people[name], skill=skill)
    services.watch_set(user=reviewer, skill=skill)
    services.watch_set(user=author, skill=skill)
    return people


def open_proposal(author, skill, cell):
    return services.proposal_create(
        author=author, skill=skill, rationale="Why & how <now>.", changes=[change_for(cell)]
    )


def recipients(proposal, event, actor_id) -> list[tuple]:
    return [
        (user.pk, topic) for user, topic in notifications.recipients(proposal=proposal, event=event, actor_id=actor_id)
    ]


@pytest.mark.parametrize("event", [notifications.OPENED, notifications.DECIDED, notifications.REVERTED])
def test_recipients_are_those_of_the_two_querysets_in_the_same_order(author, reviewer, skill, cell, cast, event):
    proposal = open_proposal(author, skill, cell)
    for actor in (None, author, reviewer, cast["watcher"], cast["super"]):
        actor_id = actor.pk if actor is not None else None
        expected = ordinary_recipients(proposal=proposal, event=event, actor_id=actor_id)
        assert recipients(proposal, event, actor_id) == expected
    assert expected, "the cast reaches someone"


def test_the_author_who_turned_own_notices_off_still_gets_the_watchers_email(author, reviewer, skill, cell, cast):
    account_services.email_settings_save(user=author, own_notices=False)
    proposal = open_proposal(author, skill, cell)
    found = recipients(proposal, notifications.DECIDED, reviewer.pk)
    assert (author.pk, Topic.WATCHING) in found
    assert found == ordinary_recipients(proposal=proposal, event=notifications.DECIDED, actor_id=reviewer.pk)


def test_the_recipients_cost_the_same_queries_at_any_number_of_watchers(
    author, skill, cell, cast, django_assert_num_queries
):
    """The watchers' ids, the reviewers' when one opens, then those members with their settings."""
    proposal = open_proposal(author, skill, cell)
    for extra in (0, 30):
        for number in range(extra):
            services.watch_set(user=UserFactory(username=f"more-{number}"), skill=skill)
        for event, queries in ((notifications.OPENED, 3), (notifications.DECIDED, 2)):
            with django_assert_num_queries(queries):
                found = notifications.recipients(proposal=proposal, event=event, actor_id=author.pk)
            assert len(found) >= extra


@pytest.fixture(autouse=True)
def one_second(monkeypatch):
    """The unsubscribe links are signed with the time in seconds: both sends of a comparison sign at the same one."""
    monkeypatch.setattr(signing.TimestampSigner, "timestamp", lambda self: signing.b62_encode(1_800_000_000))


def messages_as_sent() -> list[tuple]:
    """Each email of the outbox as its recipient reads it: address, subject, text, HTML, headers."""
    return [(m.to, m.subject, *email_parts(m), m.extra_headers) for m in mail.outbox]


@pytest.mark.parametrize("decision", ["approve", "reject", "undo"])
def test_the_emails_of_a_decision_are_those_of_the_proposal_as_stored(
    author, reviewer, skill, cell, cast, decision, django_capture_on_commit_callbacks
):
    """Per recipient and language (English, German, Spanish): the emails sent at commit from the proposal the
    decision holds are, byte for byte, the ones notifications.send makes from the proposal read again."""
    proposal = open_proposal(author, skill, cell)
    with django_capture_on_commit_callbacks(execute=True):
        if decision == "reject":
            services.proposal_reject(proposal=proposal, reviewer=reviewer, reason="other", note="Not *now* & later.")
            event, actor = notifications.DECIDED, reviewer
        else:
            services.proposal_approve(proposal=proposal, reviewer=reviewer, note="Fine & <good>.")
            event, actor = notifications.DECIDED, reviewer
    if decision == "undo":
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            services.proposal_undo(proposal=proposal, reviewer=cast["super"], note="Too soon.")
        event, actor = notifications.REVERTED, cast["super"]
    sent = messages_as_sent()
    mail.outbox.clear()
    notifications.send(proposal_id=proposal.pk, event=event, actor_id=actor.pk)
    assert sent == messages_as_sent()
    languages = {email_parts(message)[1].split('lang="')[1][:2] for message in mail.outbox}
    assert languages == {"en", "de"} if decision != "undo" else {"en", "de", "es"}


def test_the_emails_of_a_new_proposal_are_those_of_the_proposal_as_stored(
    author, skill, cell, cast, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        proposal = open_proposal(author, skill, cell)
    sent = messages_as_sent()
    assert {to[0] for to, *_ in sent} >= {cast["super"].email, cast["german-watcher"].email}
    mail.outbox.clear()
    notifications.send(proposal_id=proposal.pk, event=notifications.OPENED, actor_id=author.pk)
    assert sent == messages_as_sent()


@pytest.mark.parametrize(
    ("event", "decide"),
    [("opened", None), ("decided", "approve"), ("decided", "reject"), ("reverted", "undo")],
)
def test_notices_are_notice_for_each_recipient(author, reviewer, staff, skill, cell, event, decide):
    """The templates rendered once per language, topic and own context, then each member's name and link put in:
    byte for byte what notice() renders for each member, in every language, each topic, author or not, with a name
    that HTML escapes."""
    proposal = open_proposal(author, skill, cell)
    if decide == "reject":
        services.proposal_reject(proposal=proposal, reviewer=reviewer, reason="unclear", note="<Not> & now.")
    elif decide:
        services.proposal_approve(proposal=proposal, reviewer=reviewer, note="Yes & <yes>.")
        if decide == "undo":
            services.proposal_undo(proposal=proposal, reviewer=staff)
    proposal = Proposal.objects.select_related("skill", "author", "decided_by", "reverted_by").get(pk=proposal.pk)
    people = [author]
    for n, language in enumerate(["", "de", "es", "zh-hans", "de", ""]):
        user = UserFactory(username=f"o'brien&<{n}>", email=f"p{n}@example.org")
        if language:
            account_services.email_settings_save(user=user, language=language)
        people.append(user)
    cast = [
        (user, topic, {"is_author": user.pk == proposal.author_id})
        for user in people
        for topic in (Topic.REVIEWS, Topic.WATCHING, Topic.OWN)
    ]
    context = {**notifications._urls(proposal), "proposal": proposal, "change_count": 1}
    template = f"proposals/email/proposal_{event}"
    messages = notifications.notices(template=template, context=context, recipients=cast)
    alike = [
        notifications.notice(template=template, context=context | own, recipient=user, topic=topic)
        for user, topic, own in cast
    ]
    as_read = [(m.to, m.subject, *email_parts(m), m.extra_headers) for m in messages]
    assert as_read == [(m.to, m.subject, *email_parts(m), m.extra_headers) for m in alike]
    assert {email_parts(m)[1].split('lang="')[1].split('"')[0] for m in messages} == {"en", "de", "es", "zh-hans"}
    assert any("o&#x27;brien&amp;&lt;1&gt;" in email_parts(m)[1] for m in messages)
    assert any("o'brien&<1>" in m.body for m in messages)


def test_the_email_about_a_comment_is_the_one_of_the_comment_as_stored(
    author, member, skill, cell, cast, django_capture_on_commit_callbacks, django_assert_num_queries
):
    """Sent at commit from the comment the write holds (the proposal, its skill and author read in one query):
    the email notifications.send_comment makes from the comment read again; none to an author who turned them off."""
    proposal = open_proposal(author, skill, cell)
    account_services.email_settings_save(user=author, language="de")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        comment = services.comment_create(author=member, proposal=proposal, body="Why <not> & how?")
    with django_assert_num_queries(1):
        callbacks[0]()
    sent = messages_as_sent()
    assert [to for to, *_ in sent] == [[author.email]] and "Hallo author," in sent[0][2]
    mail.outbox.clear()
    notifications.send_comment(comment_id=comment.pk)
    assert sent == messages_as_sent()
    mail.outbox.clear()
    account_services.email_settings_save(user=author, own_notices=False)
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_create(author=member, proposal=proposal, body="Again.")
    assert mail.outbox == []
