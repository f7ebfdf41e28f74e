"""Writes of the community part: proposals, comments, watches.

Every function is keyword-only and runs in one transaction. Refusals are
raised, never returned: PermissionDenied (who), ValidationError (what was
sent), Conflict (the state of the data moved on: a closed proposal, a cell
changed since the proposal was written), RateLimited (the member writes
faster than the rate the caller passed).
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from proposals import access, notifications, throttling
from proposals.models import (
    HIDE_REASON_MAX_LENGTH,
    TEXT_MAX_LENGTH,
    Comment,
    Proposal,
    ProposalChange,
    ProposalStatus,
    RejectReason,
    Watch,
)
from skillmatrix.exceptions import Conflict, RateLimited
from skills.audit import audit_context
from skills.models import Expectation, Level, Role, Skill
from skills.services import CellChange, cell_save, cell_validate


@dataclass(frozen=True)
class ChangeInput:
    """One cell as the author wants it. base_version None: "the version I see now"."""

    role: Role
    level: Level
    description: str
    required: bool
    proficiency: str
    base_version: int | None = None


@dataclass(frozen=True)
class CellConflict:
    role: str
    level: str
    base_version: int
    current_version: int


# --- Proposals -------------------------------------------------------------------


def _clean_text(value: str, *, field: str, label: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: _("%(label)s is required.") % {"label": label}})
    if len(value) > TEXT_MAX_LENGTH:
        raise ValidationError(
            {field: _("%(label)s is limited to %(max)d characters.") % {"label": label, "max": TEXT_MAX_LENGTH}}
        )
    return value


def _cells_by_axes(skill: Skill, changes: Sequence, *, lock: bool = False) -> dict[tuple[int, int], Expectation]:
    if not changes:
        return {}
    where = Q()
    for change in changes:
        where |= Q(role_id=change.role.pk, level_id=change.level.pk)
    cells = Expectation.objects.filter(where, skill=skill).order_by("pk")
    if lock:
        # A stable order (primary key) so that two approvals touching the same cells cannot deadlock.
        cells = cells.select_for_update()
    return {(cell.role_id, cell.level_id): cell for cell in cells}


def _build_changes(*, skill: Skill, changes: Sequence[ChangeInput]) -> list[ProposalChange]:
    """Validate the changes against the catalog as it is now; base versions come from the current cells."""
    if not changes:
        raise ValidationError({"changes": _("Propose at least one change.")})
    seen = set()
    errors = []
    for change in changes:
        key = (change.role.pk, change.level.pk)
        if key in seen:
            errors.append(
                _("%(role)s · %(level)s is changed twice; keep one change per cell.")
                % {"role": change.role, "level": change.level}
            )
        seen.add(key)
    if errors:
        raise ValidationError({"changes": errors})

    cells = _cells_by_axes(skill, changes)
    built, conflicts = [], []
    for change in changes:
        label = f"{change.role} · {change.level}"
        description = (change.description or "").strip()
        try:
            cell_validate(role=change.role, level=change.level, description=description, proficiency=change.proficiency)
        except ValidationError as error:
            errors.extend(f"{label}: {message}" for message in error.messages)
            continue
        if len(description) > TEXT_MAX_LENGTH:
            errors.append(
                _("%(cell)s: the description is limited to %(max)d characters.")
                % {"cell": label, "max": TEXT_MAX_LENGTH}
            )
            continue
        cell = cells.get((change.role.pk, change.level.pk))
        current_version = cell.version if cell else 0
        if change.base_version is not None and change.base_version != current_version:
            conflicts.append(CellConflict(change.role.slug, change.level.slug, change.base_version, current_version))
            continue
        if cell and (cell.description, cell.required, cell.proficiency) == (
            description,
            change.required,
            change.proficiency,
        ):
            errors.append(_("%(cell)s: the change is identical to the current text.") % {"cell": label})
            continue
        built.append(
            ProposalChange(
                role=change.role,
                level=change.level,
                description=description,
                required=change.required,
                proficiency=change.proficiency,
                base_version=current_version,
            )
        )
    if errors:
        raise ValidationError({"changes": errors})
    if conflicts:
        raise Conflict(_("Some cells changed since you loaded them; reload and write your change again."), conflicts)
    return built


@transaction.atomic
def proposal_create(
    *, author: AbstractBaseUser, skill: Skill, rationale: str, changes: Sequence[ChangeInput]
) -> Proposal:
    access.require(access.can_propose(author), _("Sign in to suggest changes."))
    rationale = _clean_text(rationale, field="rationale", label=_("A rationale"))
    built = _build_changes(skill=skill, changes=changes)
    proposal = Proposal.objects.create(author=author, skill=skill, rationale=rationale)
    for change in built:
        change.proposal = proposal
    ProposalChange.objects.bulk_create(built)
    notifications.proposal_opened(proposal=proposal)
    return proposal


def _lock_open(proposal: Proposal) -> Proposal:
    """Lock the proposal's row and check it is still open (another reviewer may have decided it meanwhile)."""
    locked = Proposal.objects.select_for_update().select_related("skill", "author").get(pk=proposal.pk)
    if not locked.is_open:
        raise Conflict(
            _("This proposal is no longer open (it is %(status)s).") % {"status": locked.get_status_display().lower()}
        )
    return locked


@transaction.atomic
def proposal_update_changes(
    *,
    proposal: Proposal,
    user: AbstractBaseUser,
    changes: Sequence[ChangeInput],
    rationale: str | None = None,
) -> Proposal:
    """The author edits an open proposal: new changes (rebased on the current cells) and, if given, rationale."""
    access.require(access.can_edit_proposal(user, proposal), _("Only the author can edit this proposal."))
    proposal = _lock_open(proposal)
    built = _build_changes(skill=proposal.skill, changes=changes)
    if rationale is not None:
        proposal.rationale = _clean_text(rationale, field="rationale", label=_("A rationale"))
    proposal.changes.all().delete()
    for change in built:
        change.proposal = proposal
    ProposalChange.objects.bulk_create(built)
    proposal.save(update_fields=["rationale", "updated"])
    return proposal


@transaction.atomic
def proposal_approve(*, proposal: Proposal, reviewer: AbstractBaseUser) -> Proposal:
    """Apply every change of the proposal, or none: if any target cell moved past its base, raise Conflict."""
    access.require_can_decide(
        reviewer,
        proposal,
        not_reviewer=_("Only reviewers can approve proposals."),
        own_proposal=_("You cannot approve your own proposal."),
    )
    proposal = _lock_open(proposal)
    changes = list(proposal.changes.select_related("role", "level").order_by("pk"))
    cells = _cells_by_axes(proposal.skill, changes, lock=True)

    conflicts = []
    for change in changes:
        cell = cells.get((change.role_id, change.level_id))
        current_version = cell.version if cell else 0
        if current_version != change.base_version:
            conflicts.append(CellConflict(change.role.slug, change.level.slug, change.base_version, current_version))
    if conflicts:
        raise Conflict(_("Some cells changed since this proposal was written; nothing was applied."), conflicts)

    with audit_context(source="proposal", user=reviewer, proposal=proposal.pk):
        for change in changes:
            cell_change = CellChange(
                role=change.role,
                level=change.level,
                description=change.description,
                required=change.required,
                proficiency=change.proficiency,
            )
            try:
                cell_save(skill=proposal.skill, change=cell_change)
            except IntegrityError:
                # A cell this proposal creates was created by someone else a moment ago.
                raise Conflict(
                    _("Some cells changed since this proposal was written; nothing was applied."),
                    [CellConflict(change.role.slug, change.level.slug, change.base_version, 1)],
                ) from None
            except ValidationError as error:
                # The catalog moved under the proposal (e.g. the role lost this level).
                raise Conflict(f"{change.role} · {change.level}: {' '.join(error.messages)}") from None
        proposal.status = ProposalStatus.APPROVED
        proposal.decided_by = reviewer
        proposal.decided_at = timezone.now()
        proposal.save(update_fields=["status", "decided_by", "decided_at", "updated"])
    notifications.proposal_decided(proposal=proposal)
    return proposal


@transaction.atomic
def proposal_reject(*, proposal: Proposal, reviewer: AbstractBaseUser, reason: str, note: str = "") -> Proposal:
    access.require_can_decide(
        reviewer,
        proposal,
        not_reviewer=_("Only reviewers can reject proposals."),
        own_proposal=_("You cannot reject your own proposal."),
    )
    if reason not in RejectReason.values:
        raise ValidationError(
            {"reason": _("Choose one of: %(choices)s.") % {"choices": ", ".join(RejectReason.values)}}
        )
    note = (note or "").strip()
    if reason == RejectReason.OTHER and not note:
        raise ValidationError({"note": _("Say why when the reason is “other”.")})
    if len(note) > TEXT_MAX_LENGTH:
        raise ValidationError({"note": _("The note is limited to %(max)d characters.") % {"max": TEXT_MAX_LENGTH}})
    proposal = _lock_open(proposal)
    proposal.status = ProposalStatus.REJECTED
    proposal.reason = reason
    proposal.decision_note = note
    proposal.decided_by = reviewer
    proposal.decided_at = timezone.now()
    proposal.save(update_fields=["status", "reason", "decision_note", "decided_by", "decided_at", "updated"])
    notifications.proposal_decided(proposal=proposal)
    return proposal


@transaction.atomic
def proposal_withdraw(*, proposal: Proposal, user: AbstractBaseUser) -> Proposal:
    access.require(access.can_withdraw(user, proposal), _("Only the author can withdraw this proposal."))
    proposal = _lock_open(proposal)
    proposal.status = ProposalStatus.WITHDRAWN
    proposal.decided_by = user
    proposal.decided_at = timezone.now()
    proposal.save(update_fields=["status", "decided_by", "decided_at", "updated"])
    return proposal


# --- Comments --------------------------------------------------------------------


def comment_create(
    *,
    author: AbstractBaseUser,
    body: str,
    skill: Skill | None = None,
    proposal: Proposal | None = None,
    rate: throttling.Rate | None = None,
) -> Comment:
    """Post a comment; with `rate`, only while the author is under it (RateLimited otherwise).

    The rate is checked in the INSERT itself: a post is one statement, atomic on its own, with no
    transaction around it (which would cost a BEGIN and a COMMIT, two round trips, on every post).
    """
    access.require(access.can_comment(author), _("Sign in to comment."))
    if (skill is None) == (proposal is None):
        raise ValueError("A comment belongs to exactly one skill or one proposal.")
    body = _clean_text(body, field="body", label=_("A comment"))
    comment = Comment(author=author, skill=skill, proposal=proposal, body=body)
    if rate is None:
        comment.save(force_insert=True)
    elif not throttling.insert_within_rate(comment, rate):
        # Rows that aged out of the period between the two statements: the member may retry at once.
        raise RateLimited(throttling.wait_seconds(rate, author.pk) or 1.0)
    return comment


@transaction.atomic
def comment_edit(*, comment: Comment, user: AbstractBaseUser, body: str) -> Comment:
    refusal = access.comment_edit_refusal(user, comment)
    access.require(refusal is None, refusal)
    comment.body = _clean_text(body, field="body", label=_("A comment"))
    comment.edited = timezone.now()
    comment.save(update_fields=["body", "edited"])
    return comment


@transaction.atomic
def comment_delete(*, comment: Comment, user: AbstractBaseUser) -> None:
    access.require(access.can_delete_comment(user, comment), _("Only the author can delete this comment."))
    comment.delete()


@transaction.atomic
def comment_hide(*, comment: Comment, reviewer: AbstractBaseUser, reason: str) -> Comment:
    access.require(access.can_hide_comment(reviewer, comment), _("Only reviewers can hide comments."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the comment is hidden.")})
    if len(reason) > HIDE_REASON_MAX_LENGTH:
        raise ValidationError(
            {"reason": _("The reason is limited to %(max)d characters.") % {"max": HIDE_REASON_MAX_LENGTH}}
        )
    comment.hidden = True
    comment.hidden_by = reviewer
    comment.hidden_at = timezone.now()
    comment.hidden_reason = reason
    comment.save(update_fields=["hidden", "hidden_by", "hidden_at", "hidden_reason"])
    return comment


# --- Watches ---------------------------------------------------------------------


@transaction.atomic
def watch_set(*, user: AbstractBaseUser, skill: Skill) -> Watch:
    access.require(access.can_watch(user), _("Sign in to watch skills."))
    # get_or_create reads, then inserts in a savepoint; when a concurrent watch inserted first, it reads
    # again, and a concurrent unwatch may have deleted that row in between: then it raises the
    # IntegrityError, and another round inserts the watch (the unwatch came first).
    for _retry in range(2):
        try:
            return Watch.objects.get_or_create(user=user, skill=skill)[0]
        except IntegrityError:
            pass
    return Watch.objects.get_or_create(user=user, skill=skill)[0]


@transaction.atomic
def watch_clear(*, user: AbstractBaseUser, skill: Skill) -> None:
    access.require(access.can_watch(user), _("Sign in to watch skills."))
    Watch.objects.filter(user=user, skill=skill).delete()
