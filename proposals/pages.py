"""Presenters of the community pages: what a template shows, built from what the selectors read.

The views and the template tags (proposals.templatetags.community) both use them;
neither imports the other. proposal_page renders the proposal page, which its
decision and comment forms show again with their errors.
"""

from collections import defaultdict
from dataclasses import dataclass
from dataclasses import field as dataclass_field

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from proposals import access, review_checks, revisions, selectors, services
from proposals.forms import CommentForm, RejectForm
from proposals.models import Comment, Proposal, ProposalChange
from skills.models import Proficiency, Skill


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


# --- Proposal page -----------------------------------------------------------------


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
    reject_form: RejectForm | None = None,
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
    url = proposal.get_absolute_url()
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
        "reject_form": reject_form or RejectForm(),
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


# --- Comments ----------------------------------------------------------------------


def comment_location(comment: Comment) -> str:
    if comment.proposal_id:
        return reverse("proposals:proposal", args=[comment.proposal_id]) + f"#comment-{comment.pk}"
    skill = selectors.comment_skill(comment=comment)
    return skill.get_absolute_url() + f"#comment-{comment.pk}"
