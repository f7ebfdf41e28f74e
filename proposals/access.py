"""Who may do what in the community part, and the lookups that enforce it.

One place for each object kind: services, API permissions and pages all ask
here, so a rule changes in one spot. ``get_*_or_404`` return the object or
raise Http404; ``require`` turns a refusal into PermissionDenied (403).
"""

import copy
import functools
from datetime import timedelta

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from proposals.models import Comment, Proposal
from skills import freshness
from skills.models import Skill

REVIEWERS_GROUP = "Reviewers"
COMMENT_EDIT_WINDOW = timedelta(minutes=15)
# How long after an approval a reviewer can still undo it (proposals.services.proposal_undo).
UNDO_WINDOW = timedelta(minutes=10)

User = AbstractBaseUser | AnonymousUser


def is_reviewer(user: User) -> bool:
    """A superuser, or a member of the "Reviewers" group; asked once per request (the answer is kept on the user).

    A superuser reviews without being put in the group: they may do everything else already.
    """
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    cached = getattr(user, "_is_reviewer", None)
    if cached is None:
        cached = user.groups.filter(name=REVIEWERS_GROUP).exists()
        user._is_reviewer = cached
    return cached


def require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


# --- Skills ----------------------------------------------------------------------


def get_skill_or_404(slug: str, *, request=None) -> Skill:
    """The skill with this slug; given the request, kept per catalog revision (no query while nothing changed)."""
    if request is None:
        skill = Skill.objects.filter(slug=slug).first()
    else:
        skill = _skill_by_slug(freshness.revisions(request).key((freshness.CATALOG,)), slug)
        # Each caller gets its own copy of the process's instance.
        skill = copy.copy(skill) if skill is not None else None
    if skill is None:
        raise Http404(_("No skill with this slug."))
    return skill


@functools.lru_cache(maxsize=4096)
def _skill_by_slug(catalog_revision: str, slug: str) -> Skill | None:
    # Kept apart from the fragment cache, whose entries are whole pages: thousands of skills
    # looked up by slug would push those out.
    return Skill.objects.filter(slug=slug).first()


def can_watch(user: User) -> bool:
    return user.is_authenticated


def can_comment(user: User) -> bool:
    return user.is_authenticated


def can_propose(user: User) -> bool:
    return user.is_authenticated


# --- Proposals -------------------------------------------------------------------


def get_proposal_or_404(pk: int, queryset=None) -> Proposal:
    proposal = (queryset if queryset is not None else Proposal.objects.all()).filter(pk=pk).first()
    if proposal is None:
        raise Http404(_("No proposal with this id."))
    return proposal


def can_decide(user: User, proposal: Proposal) -> bool:
    """Approve or reject: a reviewer, never on their own proposal. Whether it is still open is checked apart."""
    return is_reviewer(user) and proposal.author_id != user.pk


def require_can_decide(user: User, proposal: Proposal, *, not_reviewer: str, own_proposal: str) -> None:
    """can_decide, or PermissionDenied with the message for the reason the user is refused."""
    require(can_decide(user, proposal), own_proposal if is_reviewer(user) else not_reviewer)


can_reject = can_decide


def undo_deadline(proposal: Proposal):
    """Until when the approval of this proposal can be undone (None: it is not an approved proposal)."""
    if not proposal.is_approved or proposal.decided_at is None:
        return None
    return proposal.decided_at + UNDO_WINDOW


def undo_window_open(proposal: Proposal) -> bool:
    deadline = undo_deadline(proposal)
    return deadline is not None and timezone.now() <= deadline


def can_undo(user: User, proposal: Proposal) -> bool:
    """Undo an approval: whoever may decide on the proposal, while the window is open."""
    return can_decide(user, proposal) and undo_window_open(proposal)


def undo_window_minutes() -> int:
    return int(UNDO_WINDOW.total_seconds() // 60)


def can_withdraw(user: User, proposal: Proposal) -> bool:
    return user.is_authenticated and proposal.author_id == user.pk


can_edit_proposal = can_withdraw


# --- Comments --------------------------------------------------------------------


def get_comment_or_404(pk: int) -> Comment:
    comment = Comment.objects.with_people().filter(pk=pk).first()
    if comment is None:
        raise Http404(_("No comment with this id."))
    return comment


def comments_visible_to(user: User, comments):
    """Hidden comments are shown to reviewers only."""
    return comments if is_reviewer(user) else comments.visible()


def can_see_comment(user: User, comment: Comment) -> bool:
    return not comment.hidden or is_reviewer(user) or comment.author_id == user.pk


def comment_edit_window_open(comment: Comment) -> bool:
    return timezone.now() <= comment_edit_window_end(comment)


def comment_edit_window_end(comment: Comment):
    """The last moment the comment's author may edit it."""
    return comment.created + COMMENT_EDIT_WINDOW


def _edit_window_closed() -> str:
    return _("Comments can be edited for %(minutes)d minutes after posting.") % {
        "minutes": COMMENT_EDIT_WINDOW.seconds // 60
    }


# Lazy: can_edit_comment asks comment_edit_refusal for every comment listed, and most answers are refusals.
NOT_THE_COMMENTS_AUTHOR = gettext_lazy("Only the author can edit this comment.")
HIDDEN_COMMENT = gettext_lazy("A hidden comment cannot be edited.")
EDIT_WINDOW_CLOSED = lazy(_edit_window_closed, str)()


def comment_edit_refusal(user: User, comment: Comment) -> str | None:
    """Why the user may not edit the comment, or None when they may."""
    if not user.is_authenticated or comment.author_id != user.pk:
        return NOT_THE_COMMENTS_AUTHOR
    if comment.hidden:
        return HIDDEN_COMMENT
    if not comment_edit_window_open(comment):
        return EDIT_WINDOW_CLOSED
    return None


def can_edit_comment(user: User, comment: Comment) -> bool:
    return comment_edit_refusal(user, comment) is None


def can_delete_comment(user: User, comment: Comment) -> bool:
    return user.is_authenticated and comment.author_id == user.pk


def can_hide_comment(user: User, comment: Comment) -> bool:
    return is_reviewer(user)
