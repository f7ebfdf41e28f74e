"""Presenters of the community pages: what a template shows, built from what the selectors read.

The views and the template tags (proposals.templatetags.community) both use them;
neither imports the other. proposal_page renders the proposal page, which its
decision and comment forms show again with their errors.
"""

from collections import defaultdict
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import datetime

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.timesince import timesince
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from proposals import access, review_checks, revisions, selectors, services
from proposals.forms import ApproveForm, CommentForm, RebaseForm, RejectForm, UndoForm
from proposals.models import Comment, Proposal, ProposalChange
from skills.models import PROFICIENCY_ORDER, Level, Proficiency, Role, Skill
from skills.pages import SOURCE_LABELS


def decorate_comments(comments, user) -> list[Comment]:
    """What each comment offers this user: the templates and the no-JavaScript forms read these flags."""
    reviewer = access.is_reviewer(user)
    decorated = []
    for comment in comments:
        comment.can_edit = access.can_edit_comment(user, comment)
        comment.can_delete = access.can_delete_comment(user, comment)
        comment.can_hide = reviewer and not comment.hidden
        comment.can_see_body = access.can_see_comment(user, comment)
        decorated.append(comment)
    return decorated


def comment_widget_context(user, *, api_url: str, post_url: str, login_next: str) -> dict:
    return {
        "comments_api_url": api_url,
        "comments_post_url": post_url,
        "comments_login_next": login_next,
        "comments_can_hide": access.is_reviewer(user),
    }


def cell_label(role, level) -> str:
    return _("%(role)s · %(level)s") % {"role": role, "level": level}


def conflict_cells(conflict: services.Conflict, labels: dict[tuple[str, str], str]) -> str:
    names = [labels.get((cell.role, cell.level), f"{cell.role} · {cell.level}") for cell in conflict.conflicts]
    return ", ".join(names)


# --- Proposal list -------------------------------------------------------------------


def _proficiency_label(value: str) -> str:
    return Proficiency(value).label if value in Proficiency.values else value


def change_summary(changes: list[ProposalChange]) -> str:
    """One line that says what a proposal changes, from its changes and the texts they replace.

    E.g. "Rewrites 2 descriptions; proficiency Working → Advanced; makes 1 cell required".
    """
    added = rewritten = unknown = made_required = made_optional = raised = lowered = 0
    moves = []
    for change in changes:
        if not change.base_version:
            added += 1
            continue
        if not change.has_base_text:
            unknown += 1
            continue
        rewritten += change.description != change.base_description
        if change.required != change.base_required:
            made_required += change.required
            made_optional += not change.required
        if change.proficiency != change.base_proficiency:
            moves.append((change.base_proficiency, change.proficiency))
            higher = PROFICIENCY_ORDER.get(change.proficiency, 0) > PROFICIENCY_ORDER.get(change.base_proficiency, 0)
            raised += higher
            lowered += not higher
    parts = []
    if rewritten:
        parts.append(
            ngettext("rewrites %(n)d description", "rewrites %(n)d descriptions", rewritten) % {"n": rewritten}
        )
    if len(moves) == 1:
        old, new = moves[0]
        parts.append(
            _("proficiency %(old)s → %(new)s") % {"old": _proficiency_label(old), "new": _proficiency_label(new)}
        )
    else:
        if raised:
            parts.append(
                ngettext("raises proficiency in %(n)d expectation", "raises proficiency in %(n)d expectations", raised)
                % {"n": raised}
            )
        if lowered:
            parts.append(
                ngettext("lowers proficiency in %(n)d expectation", "lowers proficiency in %(n)d expectations", lowered)
                % {"n": lowered}
            )
    if made_required:
        parts.append(
            ngettext("makes %(n)d expectation required", "makes %(n)d expectations required", made_required)
            % {"n": made_required}
        )
    if made_optional:
        parts.append(
            ngettext("makes %(n)d expectation optional", "makes %(n)d expectations optional", made_optional)
            % {"n": made_optional}
        )
    if added:
        parts.append(ngettext("adds %(n)d expectation", "adds %(n)d expectations", added) % {"n": added})
    if unknown:
        parts.append(ngettext("changes %(n)d expectation", "changes %(n)d expectations", unknown) % {"n": unknown})
    return capfirst(_("; ").join(parts)) if parts else _("No change")


@dataclass(frozen=True)
class RoleLevels:
    role: Role
    levels: list[Level]


def touched_cells(changes: list[ProposalChange]) -> list[RoleLevels]:
    """The roles a proposal touches, by name, each with its levels in order."""
    by_role: dict[int, RoleLevels] = {}
    for change in sorted(changes, key=lambda c: (c.role.name, c.level.position)):
        by_role.setdefault(change.role_id, RoleLevels(change.role, [])).levels.append(change.level)
    return list(by_role.values())


def age(moment: datetime) -> str:
    """How long ago, in its largest unit only ("3 days")."""
    return timesince(moment, timezone.now(), depth=1)


@dataclass(frozen=True)
class ProposalRow:
    """A proposal as the list and the review queue show it."""

    proposal: Proposal
    summary: str
    cells: list[RoleLevels]
    age: str


def proposal_rows(proposals) -> list[ProposalRow]:
    """Rows of the list, from proposals with their changes prefetched (selectors.proposal_page_list)."""
    rows = []
    for proposal in proposals:
        changes = list(proposal.changes.all())
        rows.append(ProposalRow(proposal, change_summary(changes), touched_cells(changes), age(proposal.created)))
    return rows


# --- Proposal page -----------------------------------------------------------------


@dataclass(frozen=True)
class CellMove:
    """What moved a stale change's cell since the change was written: the cell then and now, and who moved it."""

    before: revisions.CellText | None  # as the change was written against (None: a new cell, or not on record)
    after: revisions.CellText | None  # as it is now (None: the cell is gone)
    source_label: str
    username: str
    proposal: int | None  # the approved proposal that moved it, if one did

    @property
    def text_changed(self) -> bool:
        return (self.before.description if self.before else "") != (self.after.description if self.after else "")

    @property
    def required_changed(self) -> bool:
        return bool(self.before and self.after) and self.before.required != self.after.required

    @property
    def proficiency_changed(self) -> bool:
        return bool(self.before and self.after) and self.before.proficiency != self.after.proficiency


def cell_move(change: ProposalChange, event) -> CellMove:
    """A stale change's move: `event` is the audit event that left the cell as it is now (None if unknown)."""
    before = (
        revisions.CellText(change.base_description, change.base_required, change.base_proficiency)
        if change.base_version and change.has_base_text
        else None
    )
    after = (
        revisions.CellText(change.current_description, change.current_required, change.current_proficiency)
        if change.current_description is not None
        else None
    )
    metadata = (event.pgh_context.metadata if event is not None and event.pgh_context_id else None) or {}
    source = str(metadata.get("source") or "")
    proposal = metadata.get("proposal")
    return CellMove(
        before=before,
        after=after,
        source_label=str(SOURCE_LABELS.get(source, source)),
        username=str(metadata.get("username") or ""),
        proposal=proposal if isinstance(proposal, int) else None,
    )


@dataclass
class ChangeView:
    """One change as the page shows it: the text it replaces, and what else moves."""

    change: ProposalChange
    skill: Skill
    old_description: str | None
    old_required: bool | None
    old_proficiency: str | None
    compared_with: str  # "current" or "base"
    warnings: list[review_checks.ReviewWarning] = dataclass_field(default_factory=list)
    move: CellMove | None = None  # an open proposal's stale change: what changed the cell since

    @property
    def role(self):
        return self.change.role

    @property
    def level(self):
        return self.change.level

    @property
    def is_new(self) -> bool:
        return self.old_description is None

    @property
    def stale(self) -> bool:
        return self.change.current_version != self.change.base_version

    @property
    def required_changed(self) -> bool:
        return not self.is_new and self.old_required != self.change.required

    @property
    def proficiency_changed(self) -> bool:
        return not self.is_new and self.old_proficiency != self.change.proficiency

    @property
    def text_changed(self) -> bool:
        return self.is_new or self.old_description != self.change.description

    @property
    def old_proficiency_label(self) -> str:
        return Proficiency(self.old_proficiency).label if self.old_proficiency in Proficiency.values else ""

    @property
    def cell_url(self) -> str:
        if self.change.current_description is None:
            return ""
        return reverse("skills:cell", args=[self.skill.slug, self.role.slug, self.level.slug])


def change_views(proposal: Proposal) -> list[ChangeView]:
    """Open proposals compare with the cells as they are now (what approving would replace); decided ones with the
    text they were written against, so that an approved change still shows what it changed."""
    changes = list(proposal.changes.all())
    events = {} if proposal.is_open else selectors.base_events(proposal=proposal, changes=changes)
    views = []
    for change in changes:
        event = events.get((change.role_id, change.level_id))
        if event is not None:
            old = (event.description, event.required, event.proficiency)
            compared_with = "base"
        else:
            old = (change.current_description, change.current_required, change.current_proficiency)
            compared_with = "current"
        if not proposal.is_open and change.base_version == 0:
            old, compared_with = (None, None, None), "base"
        views.append(ChangeView(change, proposal.skill, *old, compared_with=compared_with))
    return views


def _comment_page(request, proposal: Proposal):
    comments = selectors.comments_for(user=request.user, proposal=proposal)
    page = Paginator(comments, selectors.COMMENT_PAGE_SIZE).get_page(request.GET.get("comments"))
    return page, decorate_comments(page.object_list, request.user)


def proposal_page(
    request,
    proposal: Proposal,
    *,
    status: int = 200,
    approve_form: ApproveForm | None = None,
    reject_form: RejectForm | None = None,
    undo_form: UndoForm | None = None,
    rebase_form: RebaseForm | None = None,
    comment_form: CommentForm | None = None,
    error: str = "",
    edits: revisions.RevisionEdits | None = None,
) -> HttpResponse:
    """The proposal page; with edits, first what changed since the revision the reviewer read."""
    user = request.user
    views = change_views(proposal)
    warnings = selectors.proposal_warnings(proposal=proposal)
    by_cell = defaultdict(list)
    for warning in warnings:
        by_cell[(warning.role.pk, warning.level.pk)].append(warning)
    for view in views:
        view.warnings = by_cell[(view.role.pk, view.level.pk)]
    comment_page, comments = _comment_page(request, proposal)
    stale = [view for view in views if view.stale] if proposal.is_open else []
    if stale:
        events = selectors.moved_cell_events(proposal=proposal, changes=[view.change for view in stale])
        for view in stale:
            view.move = cell_move(view.change, events.get((view.role.pk, view.level.pk)))
    url = proposal.get_absolute_url()
    can_undo = access.can_undo(user, proposal)
    context = {
        "proposal": proposal,
        "skill": proposal.skill,
        "changes": views,
        "warnings": warnings,
        "stale": stale,
        "error": error,
        "edits": edits,
        "can_decide": proposal.is_open and access.can_decide(user, proposal),
        "can_withdraw": proposal.is_open and access.can_withdraw(user, proposal),
        "can_undo": can_undo,
        "undo_deadline": access.undo_deadline(proposal) if can_undo else None,
        "approve_form": approve_form or ApproveForm(),
        "reject_form": reject_form or RejectForm(),
        "undo_form": undo_form or UndoForm(),
        "rebase_form": rebase_form or RebaseForm(),
        "comment_form": comment_form or CommentForm(),
        "comments": comments,
        "comment_page": comment_page,
        **comment_widget_context(
            user,
            api_url=reverse("community-api:proposal-comments", args=[proposal.pk]),
            post_url=reverse("proposals:proposal-comment", args=[proposal.pk]),
            login_next=url + "#comments",
        ),
    }
    return render(request, "proposals/proposal_detail.html", context, status=status)


@dataclass(frozen=True)
class PlannedChange:
    """One change as the approval's confirmation lists it."""

    role: Role
    level: Level
    summary: str
    stale: bool


def approve_confirmation(
    request, proposal: Proposal, form: ApproveForm, *, revision: int | None, status: int = 200
) -> HttpResponse:
    """The step between "Approve" and the catalog write: what will be applied, the note, and the confirm button."""
    changes = list(proposal.changes.all())
    planned = [
        PlannedChange(
            change.role, change.level, change_summary([change]), change.current_version != change.base_version
        )
        for change in changes
    ]
    context = {
        "proposal": proposal,
        "skill": proposal.skill,
        "summary": change_summary(changes),
        "planned": planned,
        "stale": any(change.stale for change in planned),
        "form": form,
        "revision": revision,
    }
    return render(request, "proposals/approve_confirm.html", context, status=status)


# --- Comments ----------------------------------------------------------------------


def comment_location(comment: Comment) -> str:
    if comment.proposal_id:
        return reverse("proposals:proposal", args=[comment.proposal_id]) + f"#comment-{comment.pk}"
    skill = selectors.comment_skill(comment=comment)
    return skill.get_absolute_url() + f"#comment-{comment.pk}"
