"""Community pages: suggest a change, the proposals list and page, comment forms, the account page, watching.

Views stay thin: look objects up through proposals.access, validate a form,
call a service, then redirect (or re-render the page with the input and the
errors). Every write is a POST with CSRF; a GET never writes. Signed-out
visitors who post are sent to sign in; refusals by the services become 403
(PermissionDenied) or a page with a 409 message (Conflict).
"""

from collections import defaultdict
from dataclasses import dataclass
from dataclasses import field as dataclass_field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from rest_framework.authtoken.models import Token

from proposals import access, review_checks, selectors, services, throttling
from proposals.forms import CommentForm, HideForm, ProposalFilterForm, RejectForm, SuggestForm
from proposals.models import Comment, Proposal, ProposalChange
from skills.audit import not_audited
from skills.models import ExpectationEvent, Proficiency, Skill

# --- Shared helpers ----------------------------------------------------------------


def throttle_wait(request: HttpRequest, scope: str) -> int | None:
    """Seconds to wait if the user is over the scope's write rate, else None.

    The API's rate, counting the same rows: a member cannot double their
    rate by alternating between the pages and the API.
    """
    limit = throttling.rate(scope)
    wait = throttling.wait_seconds(limit, request.user.pk) if limit is not None else None
    return None if wait is None else whole_seconds(wait)


def whole_seconds(wait: float) -> int:
    """A wait in seconds as a member is told it: whole seconds, at least one."""
    return max(1, round(wait))


def throttled_message(wait: int) -> str:
    return ngettext(
        "You are going too fast. Please wait %(seconds)d second and try again.",
        "You are going too fast. Please wait %(seconds)d seconds and try again.",
        wait,
    ) % {"seconds": wait}


def add_service_errors(form, error: ValidationError, fields: tuple[str, ...] = ()) -> None:
    """Put a service's ValidationError on the form: on a field it names, else above the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for field, field_errors in error.message_dict.items():
        form.add_error(field if field in fields else None, field_errors)


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


def _cell_label(role, level) -> str:
    return _("%(role)s · %(level)s") % {"role": role, "level": level}


def conflict_cells(conflict: services.Conflict, labels: dict[tuple[str, str], str]) -> str:
    names = [labels.get((cell.role, cell.level), f"{cell.role} · {cell.level}") for cell in conflict.conflicts]
    return ", ".join(names)


# --- Suggest a change --------------------------------------------------------------


def _focus_slot(slots, query) -> tuple[selectors.CellSlot | None, bool]:
    role, level = query.get("role", "").strip(), query.get("level", "").strip()
    if not role and not level:
        return None, False
    slot = next((s for s in slots if s.role.slug == role and s.level.slug == level), None)
    return slot, slot is None


@login_required
@require_http_methods(["GET", "POST"])
def suggest(request, slug: str):
    """Edit one or more cells of a skill (existing or new) and send them as one proposal."""
    skill = get_object_or_404(Skill.objects.with_taxonomy(), slug=slug)
    slots = selectors.suggest_slots(skill=skill)
    focus, unknown_cell = _focus_slot(slots, request.GET)
    status = 200
    checked = False
    if request.method == "POST":
        form = SuggestForm(request.POST, slots=slots, focus=focus)
        if "check" in request.POST:
            # The "Check" button: the form again with the checks' warnings; nothing is saved or counted.
            if form.is_valid():
                cells = [slot.cell for slot in slots if slot.cell is not None]
                form.review_warnings = review_checks.check_changes(cells=cells, changes=form.changes)
                checked = True
            else:
                status = 400
        # Only a proposal that could be created counts against the rate: mistakes in the form are free.
        elif form.is_valid() and (wait := throttle_wait(request, "proposals")) is not None:
            form.add_error(None, throttled_message(wait))
            status = 429
        elif form.is_valid():
            try:
                proposal = services.proposal_create(
                    author=request.user, skill=skill, rationale=form.cleaned_data["rationale"], changes=form.changes
                )
            except ValidationError as error:
                add_service_errors(form, error, fields=("rationale",))
                status = 400
            except services.Conflict as conflict:
                labels = {(s.role.slug, s.level.slug): _cell_label(s.role, s.level) for s in slots}
                form.add_error(
                    None,
                    _(
                        "These cells changed while you were editing: %(cells)s. Their current text is shown "
                        "now; check your change against it and send again."
                    )
                    % {"cells": conflict_cells(conflict, labels)},
                )
                moved = {(cell.role, cell.level) for cell in conflict.conflicts}
                fresh = selectors.suggest_slots(skill=skill)
                form.refresh_slots(fresh, {s.prefix for s in fresh if (s.role.slug, s.level.slug) in moved})
                status = 409
            else:
                count = len(form.changes)
                messages.success(
                    request,
                    ngettext(
                        "Thank you! Your proposal to change %(count)d cell is open for review.",
                        "Thank you! Your proposal to change %(count)d cells is open for review.",
                        count,
                    )
                    % {"count": count},
                )
                return redirect(proposal.get_absolute_url())
        else:
            status = 400
    else:
        form = SuggestForm(slots=slots, focus=focus)
    context = {
        "skill": skill,
        "form": form,
        "focus": focus,
        "unknown_cell": unknown_cell,
        "has_slots": bool(slots),
        "checked": checked,
    }
    return render(request, "proposals/suggest.html", context, status=status)


# --- Proposals list ----------------------------------------------------------------


@require_GET
def proposal_list(request):
    """Proposals with filters; reviewers also get the review queue (?queue=1): open, oldest first."""
    user = request.user
    queue = request.GET.get("queue") == "1"
    if queue and not user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    is_reviewer = access.is_reviewer(user)
    access.require(not queue or is_reviewer, _("The review queue is for reviewers."))

    form = ProposalFilterForm(request.GET, skills=selectors.filter_skills())
    status = 200
    if form.is_valid():
        filters = form.cleaned_data
        if queue:
            proposals = selectors.review_queue(reviewer=user, skill=filters["skill"], domain=filters["domain"])
        else:
            proposals = selectors.proposal_page_list(**filters)
    else:
        proposals = Proposal.objects.none()
        status = 400
    page = Paginator(proposals, selectors.PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "proposals": list(page.object_list),
        "queue": queue,
        "is_reviewer": is_reviewer,
        "queue_count": selectors.review_queue(reviewer=user).count() if is_reviewer else None,
        "filtered": any(request.GET.get(name) for name in ("status", "domain", "skill")),
    }
    return render(request, "proposals/proposal_list.html", context, status=status)


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


def _base_events(proposal: Proposal, changes: list[ProposalChange]) -> dict[tuple[int, int], ExpectationEvent]:
    """For a decided proposal: each cell as it was at the change's base version, from the audit trail (one query)."""
    wanted = [change for change in changes if change.base_version]
    if not wanted:
        return {}
    where = Q()
    for change in wanted:
        where |= Q(role_id=change.role_id, level_id=change.level_id, version=change.base_version)
    events = (
        ExpectationEvent.objects.filter(where, skill_id=proposal.skill_id)
        .order_by("pgh_id")
        .only("role_id", "level_id", "version", "description", "required", "proficiency")
    )
    return {(event.role_id, event.level_id): event for event in events}


def change_views(proposal: Proposal) -> list[ChangeView]:
    """Open proposals compare with the cells as they are now (what approving would replace); decided ones with the
    text they were written against, so that an approved change still shows what it changed."""
    changes = list(proposal.changes.all())
    events = {} if proposal.is_open else _base_events(proposal, changes)
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
) -> HttpResponse:
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


def _load(pk: int) -> Proposal:
    return access.get_proposal_or_404(pk, selectors.proposal_detail())


@require_GET
def proposal_detail(request, pk: int):
    return proposal_page(request, _load(pk))


def _sign_in_first(request, proposal_pk: int):
    return redirect_to_login(reverse("proposals:proposal", args=[proposal_pk]))


def _labels(proposal: Proposal) -> dict[tuple[str, str], str]:
    return {(c.role.slug, c.level.slug): _cell_label(c.role, c.level) for c in proposal.changes.all()}


@require_POST
def proposal_approve(request, pk: int):
    if not request.user.is_authenticated:
        return _sign_in_first(request, pk)
    proposal = _load(pk)
    try:
        services.proposal_approve(proposal=proposal, reviewer=request.user)
    except services.Conflict as conflict:
        if conflict.conflicts:
            message = _(
                "Nothing was applied: these cells changed since the proposal was written: %(cells)s. "
                "The author can update the proposal to the current text."
            ) % {"cells": conflict_cells(conflict, _labels(proposal))}
        else:
            message = conflict.message
        return proposal_page(request, _load(pk), status=409, error=message)
    messages.success(request, _("Approved. The changes are now in the catalog."))
    return redirect(proposal.get_absolute_url())


@require_POST
def proposal_reject(request, pk: int):
    if not request.user.is_authenticated:
        return _sign_in_first(request, pk)
    proposal = _load(pk)
    access.require(access.can_reject(request.user, proposal), _("Only reviewers can reject proposals."))
    form = RejectForm(request.POST)
    if not form.is_valid():
        return proposal_page(request, proposal, status=400, reject_form=form)
    try:
        services.proposal_reject(
            proposal=proposal, reviewer=request.user, reason=form.cleaned_data["reason"], note=form.cleaned_data["note"]
        )
    except ValidationError as error:
        add_service_errors(form, error, fields=("reason", "note"))
        return proposal_page(request, proposal, status=400, reject_form=form)
    except services.Conflict as conflict:
        return proposal_page(request, _load(pk), status=409, error=conflict.message)
    messages.success(request, _("Rejected. The author has been told why."))
    return redirect(proposal.get_absolute_url())


@require_POST
def proposal_withdraw(request, pk: int):
    if not request.user.is_authenticated:
        return _sign_in_first(request, pk)
    proposal = _load(pk)
    try:
        services.proposal_withdraw(proposal=proposal, user=request.user)
    except services.Conflict as conflict:
        return proposal_page(request, _load(pk), status=409, error=conflict.message)
    messages.success(request, _("Your proposal is withdrawn."))
    return redirect(proposal.get_absolute_url())


@require_POST
def proposal_rebase(request, pk: int):
    """The author keeps the proposed texts and writes them against the cells as they are now."""
    if not request.user.is_authenticated:
        return _sign_in_first(request, pk)
    proposal = _load(pk)
    access.require(access.can_edit_proposal(request.user, proposal), _("Only the author can update this proposal."))
    changes = [
        services.ChangeInput(
            role=change.role,
            level=change.level,
            description=change.description,
            required=change.required,
            proficiency=change.proficiency,
        )
        for change in proposal.changes.all()
    ]
    try:
        services.proposal_update_changes(proposal=proposal, user=request.user, changes=changes)
    except ValidationError as error:
        message = _("The proposal could not be updated: %(errors)s") % {"errors": " ".join(error.messages)}
        return proposal_page(request, proposal, status=400, error=message)
    except services.Conflict as conflict:
        return proposal_page(request, _load(pk), status=409, error=conflict.message)
    messages.success(request, _("Your proposal now applies to the current text of every cell. Check the changes."))
    return redirect(proposal.get_absolute_url())


# --- Comments (the forms that work without JavaScript) -----------------------------


def comment_location(comment: Comment) -> str:
    if comment.proposal_id:
        return reverse("proposals:proposal", args=[comment.proposal_id]) + f"#comment-{comment.pk}"
    skill = Skill.objects.only("slug").get(pk=comment.skill_id)
    return skill.get_absolute_url() + f"#comment-{comment.pk}"


def _comment_form_page(request, form, *, title: str, action: str, back: str, status: int) -> HttpResponse:
    """The comment form alone, with the member's text and the errors: nothing typed is lost."""
    context = {"form": form, "title": title, "action": action, "back": back}
    return render(request, "proposals/comment_form.html", context, status=status)


def _create_comment(request, *, target_url: str, action: str, **target) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(target_url + "#comments")
    form = CommentForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            comment = services.comment_create(
                author=request.user, body=form.cleaned_data["body"], rate=throttling.rate("comments"), **target
            )
        except ValidationError as error:
            add_service_errors(form, error, fields=("body",))
        except services.RateLimited as error:
            form.add_error(None, throttled_message(whole_seconds(error.wait)))
            status = 429
        else:
            messages.success(request, _("Your comment is posted."))
            return redirect(target_url + f"#comment-{comment.pk}")
    if "proposal" in target and status == 400:
        return proposal_page(request, _load(target["proposal"].pk), status=400, comment_form=form)
    return _comment_form_page(
        request, form, title=_("Post a comment"), action=action, back=target_url + "#comments", status=status
    )


@not_audited
@require_POST
def skill_comment(request, slug: str):
    skill = access.get_skill_or_404(slug)
    action = reverse("proposals:skill-comment", args=[slug])
    return _create_comment(request, target_url=skill.get_absolute_url(), action=action, skill=skill)


@not_audited
@require_POST
def proposal_comment(request, pk: int):
    proposal = access.get_proposal_or_404(pk)
    action = reverse("proposals:proposal-comment", args=[pk])
    return _create_comment(request, target_url=proposal.get_absolute_url(), action=action, proposal=proposal)


def _comment_for_post(request, pk: int) -> tuple[Comment | None, HttpResponse | None]:
    comment = access.get_comment_or_404(pk)
    if not request.user.is_authenticated:
        return None, redirect_to_login(comment_location(comment))
    return comment, None


@not_audited
@require_POST
def comment_edit(request, pk: int):
    comment, response = _comment_for_post(request, pk)
    if response:
        return response
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.comment_edit(comment=comment, user=request.user, body=form.cleaned_data["body"])
        except ValidationError as error:
            add_service_errors(form, error, fields=("body",))
        else:
            messages.success(request, _("Your comment is updated."))
            return redirect(comment_location(comment))
    back = comment_location(comment)
    return _comment_form_page(
        request,
        form,
        title=_("Edit your comment"),
        action=reverse("proposals:comment-edit", args=[pk]),
        back=back,
        status=400,
    )


@not_audited
@require_POST
def comment_delete(request, pk: int):
    comment, response = _comment_for_post(request, pk)
    if response:
        return response
    back = comment_location(comment).split("#")[0] + "#comments"
    services.comment_delete(comment=comment, user=request.user)
    messages.success(request, _("Your comment is deleted."))
    return redirect(back)


@not_audited
@require_POST
def comment_hide(request, pk: int):
    comment, response = _comment_for_post(request, pk)
    if response:
        return response
    access.require(access.can_hide_comment(request.user, comment), _("Only reviewers can hide comments."))
    form = HideForm(request.POST)
    if form.is_valid():
        try:
            services.comment_hide(comment=comment, reviewer=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_service_errors(form, error, fields=("reason",))
        else:
            messages.success(request, _("The comment is hidden."))
            return redirect(comment_location(comment))
    context = {"form": form, "comment": comment, "back": comment_location(comment)}
    return render(request, "proposals/comment_hide.html", context, status=400)


# --- Watching ----------------------------------------------------------------------


@require_POST
def watch(request, slug: str):
    """Watch (action=watch) or stop watching (action=unwatch) a skill, then back to its page."""
    skill = access.get_skill_or_404(slug)
    if not request.user.is_authenticated:
        return redirect_to_login(skill.get_absolute_url())
    action = request.POST.get("action")
    if action not in ("watch", "unwatch"):
        return HttpResponse(_("Choose to watch or to unwatch."), status=400, content_type="text/plain; charset=utf-8")
    if action == "unwatch":
        services.watch_clear(user=request.user, skill=skill)
    else:
        services.watch_set(user=request.user, skill=skill)
    return redirect(skill.get_absolute_url() + "#community")


# --- Account -----------------------------------------------------------------------


def account_page(request, *, new_key: str = "", status: int = 200) -> HttpResponse:
    user = request.user
    context = {
        "token": Token.objects.filter(user=user).only("created").first(),
        "new_key": new_key,
        "proposals": list(Proposal.objects.filter(author=user).with_summary().newest_first()[:10]),
        "api_example_url": request.build_absolute_uri(reverse("community-api:proposal-list")),
    }
    response = render(request, "proposals/account.html", context, status=status)
    if new_key:
        # The key is shown once: no cache may keep a copy of this page.
        response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def account(request):
    return account_page(request)


@login_required
@require_POST
def token_create(request):
    token = services.token_create(user=request.user)
    return account_page(request, new_key=token.key)


@login_required
@require_POST
def token_revoke(request):
    services.token_revoke(user=request.user)
    messages.success(request, _("Your API token is revoked; scripts that used it are signed out."))
    return redirect("proposals:account:profile")
