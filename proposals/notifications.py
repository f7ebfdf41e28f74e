"""Emails about proposals, never to whoever acted:

- a proposal opens: the reviewers who want each one (the others get the daily digest, `send_digests`, or
  nothing), and the skill's watchers;
- a proposal is decided, or its approval undone: its author and the skill's watchers;
- someone comments on a proposal: its author.

Each member's email settings (accounts/models.py) say which of these they get and in which language; every
notice is built by accounts.emails (brand, text and HTML parts, the link that stops that kind of notice).
What a notice shows is public on the proposal's page: the rationale, the decision and its note, the comment;
never a member's assessments or evidence.

Sent after the transaction commits, so a rolled-back write sends nothing; a failing mail server is logged
(robust on_commit) and does not undo the write.
"""

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial

from django.contrib.auth import get_user_model
from django.core.mail import mailers
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from accounts.emails import Topic, absolute_url, email_settings, notice, notices
from accounts.models import EmailSettings, ReviewNotices
from proposals.access import REVIEWERS_GROUP
from proposals.models import Comment, Proposal, ProposalStatus, Watch

OPENED = "opened"
DECIDED = "decided"
REVERTED = "reverted"
COMMENTED = "commented"
logger = logging.getLogger(__name__)

# A reviewer's first digest, when no earlier one says where to start, covers the last day.
DIGEST_PERIOD = timedelta(days=1)


# The writes pass the proposal they hold, with its skill and people selected, and the number of its changes when
# they know it (else it is counted at commit): the emails sent at commit show it as committed, without reading it
# again.


def proposal_opened(*, proposal: Proposal, change_count: int) -> None:
    _send_on_commit(_send, proposal=proposal, event=OPENED, actor_id=proposal.author_id, change_count=change_count)


def proposal_decided(*, proposal: Proposal, change_count: int | None = None) -> None:
    _send_on_commit(_send, proposal=proposal, event=DECIDED, actor_id=proposal.decided_by_id, change_count=change_count)


def proposal_reverted(*, proposal: Proposal, change_count: int) -> None:
    _send_on_commit(
        _send, proposal=proposal, event=REVERTED, actor_id=proposal.reverted_by_id, change_count=change_count
    )


def proposal_commented(*, comment: Comment) -> None:
    _send_on_commit(_send_comment, comment=comment)


def _send_on_commit(function, **arguments) -> None:
    transaction.on_commit(partial(function, **arguments), robust=True)


# --- Who gets what -----------------------------------------------------------------


def _members() -> QuerySet:
    """Active members with an address, with their email settings (absent: the defaults)."""
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .exclude(email="")
        .select_related("email_settings")
        .order_by("pk")
    )


def _reviewing() -> Q:
    """Those who may review (proposals.access.is_reviewer): the group's members and the superusers, who review
    without being put in it."""
    in_group = get_user_model().groups.through.objects.filter(user_id=OuterRef("pk"), group__name=REVIEWERS_GROUP)
    return Q(Exists(in_group)) | Q(is_superuser=True)


def reviewers() -> QuerySet:
    """The reviewers (members with an address), each once."""
    return _members().filter(_reviewing())


def recipients(*, proposal: Proposal, event: str, actor_id: int | None) -> list[tuple]:
    """(member, topic) for each member mailed about the event, each once (a reviewer who also watches the
    skill gets the reviewer's notice; the author who watches it, the author's): first those of the event's own
    topic (the reviewers, or the author), then the watchers, each by id.

    Small queries whatever the number of watchers: the ids of the skill's watchers (and of the reviewers' group,
    when a proposal opens), then those people (and the superusers) with their settings. Who is a member with an
    address (as _members selects them) and what each chose (email_settings: the defaults for those who never
    saved any) is decided in Python.
    """
    watching = set(Watch.objects.filter(skill_id=proposal.skill_id).values_list("user_id", flat=True))
    if event == OPENED:
        topic = Topic.REVIEWS
        in_group = get_user_model().groups.through.objects.filter(group__name=REVIEWERS_GROUP)
        reviewing = set(in_group.values_list("user_id", flat=True))
        people = Q(pk__in=reviewing | watching) | Q(is_superuser=True)

        def first(user, chosen: EmailSettings) -> bool:
            return (user.pk in reviewing or user.is_superuser) and chosen.review_notices == ReviewNotices.EACH
    else:
        topic = Topic.OWN
        people = Q(pk__in=watching | {proposal.author_id})

        def first(user, chosen: EmailSettings) -> bool:
            return user.pk == proposal.author_id and chosen.own_notices

    found, watchers = [], []
    for user in get_user_model().objects.filter(people).select_related("email_settings").order_by("pk"):
        if user.pk == actor_id or not (user.is_active and user.email):
            continue
        chosen = email_settings(user)
        if first(user, chosen):
            found.append((user, topic))
        elif user.pk in watching and chosen.watch_notices:
            watchers.append((user, Topic.WATCHING))
    return found + watchers


# --- Sending -----------------------------------------------------------------------


def _urls(proposal: Proposal) -> dict:
    return {
        "proposal_url": absolute_url(proposal.get_absolute_url()),
        "skill_url": absolute_url(proposal.skill.get_absolute_url()),
    }


def send(*, proposal_id: int, event: str, actor_id: int | None) -> int:
    """The emails about the event, for the proposal as stored; how many were sent."""
    proposal = Proposal.objects.select_related("skill", "author", "decided_by", "reverted_by").get(pk=proposal_id)
    return _send(proposal=proposal, event=event, actor_id=actor_id, change_count=None)


def _send(*, proposal: Proposal, event: str, actor_id: int | None, change_count: int | None) -> int:
    if change_count is None:
        change_count = proposal.changes.count()
    context = {**_urls(proposal), "proposal": proposal, "change_count": change_count}
    found = recipients(proposal=proposal, event=event, actor_id=actor_id)
    messages = notices(
        template=f"proposals/email/proposal_{event}",
        context=context,
        recipients=[(user, topic, {"is_author": user.pk == proposal.author_id}) for user, topic in found],
    )
    return mailers.default.send_messages(messages) if messages else 0


def send_comment(*, comment_id: int) -> int:
    """The email about the comment, as stored; how many were sent (0 or 1)."""
    return _send_comment(comment=Comment.objects.select_related("author").get(pk=comment_id))


def _send_comment(*, comment: Comment) -> int:
    """The email to the proposal's author about the comment (with its author), unless they wrote it, have no address
    or turned these off: the proposal, its skill and author with their settings in one query."""
    proposal = Proposal.objects.select_related("skill", "author__email_settings").get(pk=comment.proposal_id)
    author = proposal.author
    if author.pk == comment.author_id or not (author.is_active and author.email):
        return 0
    if not email_settings(author).own_notices:
        return 0
    message = notice(
        template="proposals/email/proposal_commented",
        context={**_urls(proposal), "proposal": proposal, "comment": comment},
        recipient=author,
        topic=Topic.OWN,
    )
    return mailers.default.send_messages([message])


# --- The daily digest ----------------------------------------------------------------


def digest_reviewers() -> QuerySet:
    """The reviewers who chose the daily digest, by id."""
    return reviewers().filter(email_settings__review_notices=ReviewNotices.DAILY)


@dataclass
class DigestRun:
    reviewers: int = 0
    sent: int = 0
    failed: list[str] = field(default_factory=list)


@transaction.atomic
def send_digest(*, user_id: int, now: datetime) -> int:
    """Mail one reviewer the proposals still open that opened since their last digest (not their own), and
    record that the digest covered them up to `now`; how many proposals it listed (0: nothing was sent).

    The reviewer's settings row stays locked until the mail is out: two runs at once take turns, and the second
    finds the window empty. A mail server that fails rolls the record back, so the next run tries again.
    """
    row = (
        EmailSettings.objects.select_for_update(of=("self",))
        .select_related("user")
        .filter(user_id=user_id, review_notices=ReviewNotices.DAILY)
        .first()
    )
    if row is None:
        return 0
    since = row.last_digest or now - DIGEST_PERIOD
    if since >= now:
        return 0
    row.last_digest = now
    row.save(update_fields=["last_digest"])
    proposals = list(
        Proposal.objects.filter(status=ProposalStatus.OPEN, created__gt=since, created__lte=now)
        .exclude(author_id=user_id)
        .with_summary()
        .order_by("created", "pk")
    )
    if not proposals:
        return 0
    context = {
        "proposals": [(proposal, absolute_url(proposal.get_absolute_url())) for proposal in proposals],
        "queue_url": absolute_url(reverse("proposals:list") + "?queue=1"),
        "since": since,
    }
    message = notice(template="proposals/email/review_digest", context=context, recipient=row.user, topic=Topic.REVIEWS)
    mailers.default.send_messages([message])
    return len(proposals)


def send_digests(*, now: datetime | None = None, progress=None) -> DigestRun:
    """One digest to each reviewer who chose it and has proposals waiting.

    Idempotent: a second run covers only what opened since the first. A reviewer whose digest fails (a refused
    address, a mail server that went away) is logged and left for the next run; the others still get theirs.
    `progress(username, count)` is called after each reviewer, with None for a failure.
    """
    now = now or timezone.now()
    run = DigestRun()
    for user_id, username in digest_reviewers().distinct().values_list("pk", "username"):
        run.reviewers += 1
        try:
            count = send_digest(user_id=user_id, now=now)
        except Exception:
            logger.exception("The daily digest to %s failed; the next run tries again.", username)
            run.failed.append(username)
            count = None
        run.sent += bool(count)
        if progress is not None:
            progress(username, count)
    return run
