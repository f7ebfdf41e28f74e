"""Writes of the community part: proposals, comments, watches.

Every function is keyword-only and runs in one transaction. Refusals are
raised, never returned: PermissionDenied (who), ValidationError (what was
sent), Conflict (the state of the data moved on: a closed proposal, a cell
changed since the proposal was written), RateLimited (the member writes
faster than the rate the caller passed).

Locks follow the order of skills/locking.py: the member's write-rate lock, then the skill's row,
then the proposal's row alone, then the cells. A comment, proposal or watch whose skill is merged
into another while it is written follows the skill where it can (comments and watches land on the
target) and is refused with the target's name where it cannot (a proposal's changes were written
against the source's cells).
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from proposals import access, notifications, revisions, throttling
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
from skillmatrix.lock_conflicts import retry_on_lock_conflict
from skills import locking
from skills.audit import audit_context
from skills.models import Expectation, Level, Role, Skill
from skills.services import CellChange, cell_delete, cell_save, cell_save_locked, cell_validate


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
        # By primary key, after the skill's row (skills/locking.py, taken by _lock_open).
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
                _("%(role)s · %(level)s is changed twice; keep one change per role and level.")
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
                _("%(expectation)s: the description is limited to %(max)d characters.")
                % {"expectation": label, "max": TEXT_MAX_LENGTH}
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
            errors.append(_("%(expectation)s: the change is identical to the current text.") % {"expectation": label})
            continue
        built.append(
            ProposalChange(
                role=change.role,
                level=change.level,
                description=description,
                required=change.required,
                proficiency=change.proficiency,
                base_version=current_version,
                base_description=cell.description if cell else None,
                base_required=cell.required if cell else None,
                base_proficiency=cell.proficiency if cell else None,
            )
        )
    if errors:
        raise ValidationError({"changes": errors})
    if conflicts:
        raise Conflict(
            _("Some expectations changed since you loaded them; reload and write your change again."), conflicts
        )
    return built


def _merged_away(error: IntegrityError, skill: Skill | None) -> Skill | None:
    """The skill `skill` went into, when a write on it failed because a merge deleted it meanwhile.

    The write read the skill, then waited for the merge's lock on its row (the foreign key's check), and
    found the row gone (SQLSTATE 23503). Inside a caller's transaction nothing more can be read: None.
    """
    if skill is None or getattr(error.__cause__, "sqlstate", None) != "23503":
        return None
    if transaction.get_connection().in_atomic_block:
        return None
    return locking.merged_into(skill)


@retry_on_lock_conflict
def proposal_create(
    *,
    author: AbstractBaseUser,
    skill: Skill,
    rationale: str,
    changes: Sequence[ChangeInput],
    rate: throttling.Rate | None = None,
) -> Proposal:
    """Open a proposal; with `rate`, only while the author is under it (RateLimited otherwise).

    The rate is checked after the author's write-rate lock, in the proposal's INSERT: two proposals
    sent at once by one member are counted one after the other (proposals/throttling.py).
    """
    access.require(access.can_propose(author), _("Sign in to suggest changes."))
    rationale = _clean_text(rationale, field="rationale", label=_("A rationale"))
    try:
        return _proposal_insert(author=author, skill=skill, rationale=rationale, changes=changes, rate=rate)
    except IntegrityError as error:
        target = _merged_away(error, skill)
        if target is None:
            raise
        # Not moved onto the target: the changes were written against the source's cells and texts.
        raise Conflict(
            _("%(skill)s was merged into %(target)s while you wrote; suggest your change there.")
            % {"skill": skill.name, "target": target.name}
        ) from None


@transaction.atomic
def _proposal_insert(
    *, author: AbstractBaseUser, skill: Skill, rationale: str, changes: Sequence[ChangeInput], rate
) -> Proposal:
    if rate is not None:
        throttling.lock_writer(rate, author.pk)
    built = _build_changes(skill=skill, changes=changes)
    proposal = Proposal(author=author, skill=skill, rationale=rationale)
    if rate is None:
        proposal.save(force_insert=True)
    elif not throttling.insert_within_rate(proposal, rate):
        raise RateLimited(throttling.wait_seconds(rate, author.pk) or 1.0)
    for change in built:
        change.proposal = proposal
    ProposalChange.objects.bulk_create(built)
    notifications.proposal_opened(proposal=proposal, change_count=len(built))
    return proposal


def _lock_skill_of(proposal: Proposal) -> None:
    """FOR NO KEY UPDATE on the proposal's skill, before the proposal's row (skills/locking.py).

    A merge may have moved the proposal to another skill since it was read: then its skill is gone,
    and the lock is taken on the skill the proposal has now.
    """
    skill_id = proposal.skill_id
    for _attempt in range(3):
        if locking.lock_skills([skill_id]):
            return
        skill_id = Proposal.objects.filter(pk=proposal.pk).values_list("skill_id", flat=True).first()
        if skill_id is None:
            raise Http404(_("This proposal no longer exists."))
    raise Conflict(_("This proposal's skill is being merged; try again in a moment."))


def _lock(proposal: Proposal, *, skill: bool = True, domain: bool = False) -> Proposal:
    """Lock the proposal's row and read it again; the caller checks its status on what this returns.

    skill: lock the skill's row first (skills/locking.py), for an approval or an undo (its cells are written)
    or an edit (a merge must not move the proposal half-way); a rejection or withdrawal writes the proposal alone.
    Only the proposal's row is locked, FOR NO KEY UPDATE: comments on it can still be written meanwhile.
    domain: with the skill's group and domain (what the proposal's detail shows).
    """
    if skill:
        _lock_skill_of(proposal)
    locked = (
        Proposal.objects.select_for_update(no_key=True, of=("self",))
        .select_related("skill__group__domain" if domain else "skill", "author")
        .filter(pk=proposal.pk)
        .first()
    )
    if locked is None:
        raise Http404(_("This proposal no longer exists."))
    return locked


def _lock_open(proposal: Proposal, *, skill: bool = True, domain: bool = False) -> Proposal:
    """Lock the proposal (see _lock) and check it is still open (another reviewer may have decided it meanwhile)."""
    locked = _lock(proposal, skill=skill, domain=domain)
    if not locked.is_open:
        raise Conflict(no_longer_open(locked))
    return locked


def no_longer_open(proposal: Proposal) -> str:
    return _("This proposal is no longer open (it is %(status)s).") % {"status": proposal.get_status_display().lower()}


class ProposalEdited(Conflict):
    """The proposal was edited after the revision the reviewer read: the decision would be on unseen text."""

    def __init__(self, edits: revisions.RevisionEdits):
        message = _(
            "The author edited this proposal after you opened it (you read revision %(seen)d; it is now revision "
            "%(now)d). Nothing was done: read the proposal again, then decide."
        ) % {"seen": edits.seen_revision, "now": edits.revision}
        super().__init__(message, details=edits.as_json())
        self.edits = edits


def require_revision(proposal: Proposal, revision: int | None) -> None:
    """The revision the reviewer read, when they say which, is still the current one (ProposalEdited if not).

    The decisions check it on the locked row; the approval's confirmation step checks it early, on the row read."""
    if revision is not None and revision != proposal.revision:
        raise ProposalEdited(revisions.edits_since(proposal, revision))


@transaction.atomic
def proposal_update_changes(
    *,
    proposal: Proposal,
    user: AbstractBaseUser,
    changes: Sequence[ChangeInput],
    rationale: str | None = None,
) -> Proposal:
    """The author edits an open proposal: new changes (rebased on the current cells) and, if given, rationale.

    The edit raises the revision, and the text it replaces is kept: a reviewer who read it is told what changed.
    """
    access.require(access.can_edit_proposal(user, proposal), _("Only the author can edit this proposal."))
    proposal = _lock_open(proposal)
    built = _build_changes(skill=proposal.skill, changes=changes)
    if rationale is not None:
        rationale = _clean_text(rationale, field="rationale", label=_("A rationale"))
    revisions.record(proposal)
    if rationale is not None:
        proposal.rationale = rationale
    proposal.changes.all().delete()
    for change in built:
        change.proposal = proposal
    ProposalChange.objects.bulk_create(built)
    proposal.revision += 1
    proposal.save(update_fields=["rationale", "revision", "updated"])
    return proposal


def _clean_note(note: str) -> str:
    """A reviewer's optional note on a decision or an undo, stripped, within TEXT_MAX_LENGTH."""
    note = (note or "").strip()
    if len(note) > TEXT_MAX_LENGTH:
        raise ValidationError({"note": _("The note is limited to %(max)d characters.") % {"max": TEXT_MAX_LENGTH}})
    return note


@dataclass(frozen=True)
class Approval:
    """An approved proposal and its changes as shown (ProposalChangeQuerySet.with_axes' order), each with the target
    cell as the approval left it (with_current_cells' fields): what the proposal's detail shows, without a read."""

    proposal: Proposal
    changes: list[ProposalChange]


def proposal_approve(
    *, proposal: Proposal, reviewer: AbstractBaseUser, revision: int | None = None, note: str = ""
) -> Proposal:
    """Apply every change of the proposal, or none: if any target cell moved past its base, raise Conflict.

    revision: the one the reviewer read; if the author edited the proposal since, ProposalEdited (nothing applied).
    note: the reviewer's optional note, kept with the decision.
    """
    return proposal_approval(proposal=proposal, reviewer=reviewer, revision=revision, note=note).proposal


@transaction.atomic
def proposal_approval(
    *, proposal: Proposal, reviewer: AbstractBaseUser, revision: int | None = None, note: str = ""
) -> Approval:
    """proposal_approve, with the changes as applied (Approval)."""
    access.require_can_decide(
        reviewer,
        proposal,
        not_reviewer=_("Only reviewers can approve proposals."),
        own_proposal=_("You cannot approve your own proposal."),
    )
    note = _clean_note(note)
    proposal = _lock_open(proposal, domain=True)
    require_revision(proposal, revision)
    shown = list(proposal.changes.with_axes())
    changes = sorted(shown, key=lambda change: change.pk)
    cells = _cells_by_axes(proposal.skill, changes, lock=True)

    conflicts = []
    for change in changes:
        cell = cells.get((change.role_id, change.level_id))
        current_version = cell.version if cell else 0
        if current_version != change.base_version:
            conflicts.append(CellConflict(change.role.slug, change.level.slug, change.base_version, current_version))
    if conflicts:
        raise Conflict(_("Some expectations changed since this proposal was written; nothing was applied."), conflicts)

    # The history credits both: the author who suggested the change and the reviewer who approved it.
    with audit_context(source="proposal", user=reviewer, proposal=proposal.pk, author=proposal.author.get_username()):
        for change in changes:
            cell_change = CellChange(
                role=change.role,
                level=change.level,
                description=change.description,
                required=change.required,
                proficiency=change.proficiency,
            )
            try:
                # The skill's row and the cells are locked above: written without locking and reading them again.
                cell, _changed = cell_save_locked(
                    skill=proposal.skill, change=cell_change, current=cells.get((change.role_id, change.level_id))
                )
            except IntegrityError:
                # A cell this proposal creates was created by someone else a moment ago.
                raise Conflict(
                    _("Some expectations changed since this proposal was written; nothing was applied."),
                    [CellConflict(change.role.slug, change.level.slug, change.base_version, 1)],
                ) from None
            except ValidationError as error:
                # The catalog moved under the proposal (e.g. the role lost this level).
                raise Conflict(f"{change.role} · {change.level}: {' '.join(error.messages)}") from None
            change.show_cell(cell)
        proposal.status = ProposalStatus.APPROVED
        proposal.decision_note = note
        proposal.decided_by = reviewer
        proposal.decided_at = timezone.now()
        proposal.save(update_fields=["status", "decision_note", "decided_by", "decided_at", "updated"])
    notifications.proposal_decided(proposal=proposal, change_count=len(changes))
    return Approval(proposal=proposal, changes=shown)


def _undo_window_closed(proposal: Proposal) -> str:
    return _(
        "An approval can be undone for %(minutes)d minutes; this one was approved at %(when)s. "
        "Nothing was changed: suggest a new change to the expectations instead."
    ) % {
        "minutes": access.undo_window_minutes(),
        "when": date_format(timezone.localtime(proposal.decided_at), "DATETIME_FORMAT"),
    }


def _not_approved(proposal: Proposal) -> str:
    if proposal.status == ProposalStatus.REVERTED:
        return _("This approval was already undone.")
    return _("Only an approved proposal can be undone (this one is %(status)s).") % {
        "status": proposal.get_status_display().lower()
    }


@transaction.atomic
def proposal_undo(*, proposal: Proposal, reviewer: AbstractBaseUser, note: str = "") -> Proposal:
    """Undo an approval within access.UNDO_WINDOW: put every cell it changed back as it was, or none.

    The reverse change is a catalog write like any other (skills.services: versions, "Last updated", the
    audit trail, whose context names the proposal and the source "undo"): a cell the approval changed gets its
    text back, a cell it created is deleted. Conflict when the window has closed, when the proposal is not
    approved (any more), or when a cell moved since the approval (its version is no longer the one the
    approval left: base_version + 1, since an approval writes each cell once). The proposal ends "reverted",
    closed for good. Locks: the skill, the proposal, the cells (skills/locking.py), as an approval takes them.
    """
    access.require_can_decide(
        reviewer,
        proposal,
        not_reviewer=_("Only reviewers can undo an approval."),
        own_proposal=_("You cannot undo the approval of your own proposal."),
    )
    note = _clean_note(note)
    proposal = _lock(proposal)
    if not proposal.is_approved:
        raise Conflict(_not_approved(proposal))
    if not access.undo_window_open(proposal):
        raise Conflict(_undo_window_closed(proposal))
    changes = list(proposal.changes.select_related("role", "level").order_by("pk"))
    cells = _cells_by_axes(proposal.skill, changes, lock=True)

    conflicts = []
    for change in changes:
        cell = cells.get((change.role_id, change.level_id))
        applied, current = change.base_version + 1, cell.version if cell else 0
        if current != applied:
            conflicts.append(CellConflict(change.role.slug, change.level.slug, applied, current))
    if conflicts:
        raise Conflict(_("Some expectations changed since this approval; nothing was undone."), conflicts)
    if any(change.base_version and not change.has_base_text for change in changes):
        raise Conflict(_("The text this approval replaced is not on record; nothing was undone."))

    with audit_context(source="undo", user=reviewer, proposal=proposal.pk):
        for change in changes:
            cell = cells[(change.role_id, change.level_id)]
            if not change.base_version:
                cell_delete(cell=cell)
                continue
            previous = CellChange(
                role=change.role,
                level=change.level,
                description=change.base_description,
                required=change.base_required,
                proficiency=change.base_proficiency,
            )
            try:
                cell_save(skill=proposal.skill, change=previous)
            except ValidationError as error:
                raise Conflict(f"{change.role} · {change.level}: {' '.join(error.messages)}") from None
        proposal.status = ProposalStatus.REVERTED
        proposal.reverted_by = reviewer
        proposal.reverted_at = timezone.now()
        proposal.revert_note = note
        proposal.save(update_fields=["status", "reverted_by", "reverted_at", "revert_note", "updated"])
    notifications.proposal_reverted(proposal=proposal, change_count=len(changes))
    return proposal


@transaction.atomic
def proposal_reject(
    *, proposal: Proposal, reviewer: AbstractBaseUser, reason: str, note: str = "", revision: int | None = None
) -> Proposal:
    """Close the proposal with a reason; given the revision the reviewer read, only if it is still the current one."""
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
    note = _clean_note(note)
    if reason == RejectReason.OTHER and not note:
        raise ValidationError({"note": _("Say why when the reason is “other”.")})
    proposal = _lock_open(proposal, skill=False)
    require_revision(proposal, revision)
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
    proposal = _lock_open(proposal, skill=False)
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

    With a rate, the post is a short transaction: the author's write-rate lock, then the INSERT that
    checks the rate itself (throttling.insert_within_rate). The lock makes the count exact when one
    member posts many comments at once: each INSERT counts the comments committed before it.
    A skill merged into another while the comment was written: the comment lands on the target.
    """
    access.require(access.can_comment(author), _("Sign in to comment."))
    if (skill is None) == (proposal is None):
        raise ValueError("A comment belongs to exactly one skill or one proposal.")
    body = _clean_text(body, field="body", label=_("A comment"))
    comment = Comment(author=author, skill=skill, proposal=proposal, body=body)
    try:
        written = _comment_insert(comment, rate)
    except IntegrityError as error:
        target = _merged_away(error, skill)
        if target is None:
            raise
        comment = Comment(author=author, skill=target, body=body)
        written = _comment_insert(comment, rate)
    if not written:
        # Rows that aged out of the period between the two statements: the member may retry at once.
        raise RateLimited(throttling.wait_seconds(rate, author.pk) or 1.0)
    if comment.proposal_id is not None:
        notifications.proposal_commented(comment=comment)
    return comment


@retry_on_lock_conflict
def _comment_insert(comment: Comment, rate: throttling.Rate | None) -> bool:
    if rate is None:
        comment.save(force_insert=True)
        return True
    # savepoint=False: inside a caller's transaction, no SAVEPOINT and RELEASE around two statements.
    with transaction.atomic(savepoint=False):
        throttling.lock_writer(rate, comment.author_id)
        return throttling.insert_within_rate(comment, rate)


def _lock_comment(comment: Comment) -> Comment:
    """Lock the comment's row and read it again: edit, hide and delete of one comment take turns.

    The rules are checked on what this returns, never on the caller's copy, which may be older than a
    hide or a delete that committed meanwhile. A comment deleted meanwhile is a 404.
    """
    locked = (
        Comment.objects.select_for_update(of=("self",)).select_related("author", "hidden_by").filter(pk=comment.pk)
    ).first()
    if locked is None:
        raise Http404(_("No comment with this id."))
    return locked


@transaction.atomic
def comment_edit(*, comment: Comment, user: AbstractBaseUser, body: str) -> Comment:
    comment = _lock_comment(comment)
    refusal = access.comment_edit_refusal(user, comment)
    access.require(refusal is None, refusal)
    comment.body = _clean_text(body, field="body", label=_("A comment"))
    comment.edited = timezone.now()
    comment.save(update_fields=["body", "edited"])
    return comment


@transaction.atomic
def comment_delete(*, comment: Comment, user: AbstractBaseUser) -> None:
    comment = _lock_comment(comment)
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
    comment = _lock_comment(comment)
    comment.hidden = True
    comment.hidden_by = reviewer
    comment.hidden_at = timezone.now()
    comment.hidden_reason = reason
    comment.save(update_fields=["hidden", "hidden_by", "hidden_at", "hidden_reason"])
    return comment


# --- Watches ---------------------------------------------------------------------


def watch_set(*, user: AbstractBaseUser, skill: Skill) -> Watch:
    """Watch the skill; one merged into another meanwhile: watch the target (as the merge moved the others)."""
    access.require(access.can_watch(user), _("Sign in to watch skills."))
    try:
        return _watch_insert(user=user, skill=skill)
    except IntegrityError as error:
        target = _merged_away(error, skill)
        if target is None:
            raise
        return _watch_insert(user=user, skill=target)


@transaction.atomic
def _watch_insert(*, user: AbstractBaseUser, skill: Skill) -> Watch:
    """The watch (unsaved, without its id, if the member watched already): one statement, INSERT ... ON CONFLICT
    DO NOTHING, so that a concurrent watch or unwatch settles on the unique constraint without a read or a
    retry; only a skill deleted meanwhile (a merge) raises the IntegrityError that watch_set handles."""
    watch = Watch(user=user, skill=skill)
    Watch.objects.bulk_create([watch], ignore_conflicts=True)
    return watch


@transaction.atomic
def watch_clear(*, user: AbstractBaseUser, skill: Skill) -> None:
    """Stop watching; a skill merged into another meanwhile took its watchers along: stop watching the target."""
    access.require(access.can_watch(user), _("Sign in to watch skills."))
    deleted, _counts = Watch.objects.filter(user=user, skill=skill).delete()
    if not deleted and (target := locking.merged_into(skill)) is not None:
        Watch.objects.filter(user=user, skill=target).delete()
