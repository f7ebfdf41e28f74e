"""Emails about proposals: to the skill's watchers and the author, never to whoever acted.

Sent after the transaction commits, so a rolled-back write sends nothing; a
failing mail server is logged (robust on_commit) and does not undo the write.
"""

from functools import partial

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, mailers
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import translation

from proposals.models import Proposal

OPENED = "opened"
DECIDED = "decided"


def proposal_opened(*, proposal: Proposal) -> None:
    _send_on_commit(proposal=proposal, event=OPENED, actor_id=proposal.author_id)


def proposal_decided(*, proposal: Proposal) -> None:
    _send_on_commit(proposal=proposal, event=DECIDED, actor_id=proposal.decided_by_id)


def _send_on_commit(*, proposal: Proposal, event: str, actor_id: int | None) -> None:
    transaction.on_commit(partial(send, proposal_id=proposal.pk, event=event, actor_id=actor_id), robust=True)


def recipients(*, proposal: Proposal, actor_id: int | None):
    return (
        get_user_model()
        .objects.filter(Q(watches__skill_id=proposal.skill_id) | Q(pk=proposal.author_id), is_active=True)
        .exclude(pk=actor_id)
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )


def absolute_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def send(*, proposal_id: int, event: str, actor_id: int | None) -> int:
    proposal = Proposal.objects.select_related("skill", "author", "decided_by").get(pk=proposal_id)
    # Recipients' languages are not known; mail goes out in the site's language, not the actor's.
    extra = {"change_count": proposal.changes.count()}
    with translation.override(settings.LANGUAGE_CODE):
        messages = [_message(proposal, event, user, extra) for user in recipients(proposal=proposal, actor_id=actor_id)]
    if not messages:
        return 0
    return mailers.default.send_messages(messages)


def _message(proposal: Proposal, event: str, recipient, extra: dict) -> EmailMessage:
    context = {
        **extra,
        "proposal": proposal,
        "recipient": recipient,
        "is_author": recipient.pk == proposal.author_id,
        "proposal_url": absolute_url(proposal.get_absolute_url()),
        "skill_url": absolute_url(proposal.skill.get_absolute_url()),
    }
    subject = render_to_string(f"proposals/email/proposal_{event}_subject.txt", context)
    body = render_to_string(f"proposals/email/proposal_{event}.txt", context)
    return EmailMessage(subject=" ".join(subject.split()), body=body, to=[recipient.email])
