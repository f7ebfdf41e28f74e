"""Comments on skills and proposals: the forms that work without JavaScript (post, edit, delete, hide)."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from proposals import access, services, throttling
from proposals.forms import CommentForm, HideForm
from proposals.models import Comment
from proposals.pages import comment_location, proposal_page
from proposals.view_helpers import add_service_errors, load_proposal, throttled_message, whole_seconds
from skills.audit import not_audited


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
        return proposal_page(request, load_proposal(target["proposal"].pk), status=400, comment_form=form)
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
