"""A proposal's decisions: approve (after a confirmation), reject, withdraw, undo an approval, and the author's
rebase onto the current text."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from proposals import access, services
from proposals.forms import ApproveForm, RebaseForm, RejectForm, UndoForm
from proposals.models import Proposal
from proposals.pages import approve_confirmation, cell_label, conflict_cells, proposal_page
from proposals.view_helpers import add_service_errors, load_proposal


def _sign_in_first(request, proposal_pk: int):
    return redirect_to_login(reverse("proposals:proposal", args=[proposal_pk]))


def _labels(proposal: Proposal) -> dict[tuple[str, str], str]:
    return {(c.role.slug, c.level.slug): cell_label(c.role, c.level) for c in proposal.changes.all()}


@require_POST
def proposal_approve(request, pk: int):
    if not request.user.is_authenticated:
        return _sign_in_first(request, pk)
    proposal = load_proposal(pk)
    access.require_can_decide(
        request.user,
        proposal,
        not_reviewer=_("Only reviewers can approve proposals."),
        own_proposal=_("You cannot approve your own proposal."),
    )
    if not proposal.is_open:
        return proposal_page(request, proposal, status=409, error=services.no_longer_open(proposal))
    form = ApproveForm(request.POST)
    if not form.is_valid():
        if "revision" in form.errors:
            message = _("Reload the page, read the proposal, and approve.")
            return proposal_page(request, proposal, status=400, error=message)
        return approve_confirmation(request, proposal, form, revision=form.cleaned_data["revision"], status=400)
    try:
        if not form.cleaned_data["confirm"]:
            # The first step: what approving will do, and the button that does it (unless the text moved on).
            services.require_revision(proposal, form.cleaned_data["revision"])
            return approve_confirmation(request, proposal, form, revision=form.cleaned_data["revision"])
        services.proposal_approve(
            proposal=proposal,
            reviewer=request.user,
            revision=form.cleaned_data["revision"],
            note=form.cleaned_data["note"],
        )
    except ValidationError as error:
        add_service_errors(form, error, fields=("note",))
        return approve_confirmation(request, proposal, form, revision=form.cleaned_data["revision"], status=400)
    except services.ProposalEdited as edited:
        return proposal_page(request, load_proposal(pk), status=409, error=edited.message, edits=edited.edits)
    except services.Conflict as conflict:
        if conflict.conflicts:
            message = _(
                "Nothing was applied: these expectations changed since the proposal was written: %(expectations)s. "
                "The author can update the proposal to the current text."
            ) % {"expectations": conflict_cells(conflict, _labels(proposal))}
        else:
            message = conflict.message
        return proposal_page(request, load_proposal(pk), status=409, error=message)
    messages.success(
        request,
        _("Approved. The changes are now in the catalog. You can undo this for %(minutes)d minutes.")
        % {"minutes": access.undo_window_minutes()},
    )
    return redirect(proposal.get_absolute_url())


@require_POST
def proposal_undo(request, pk: int):
    if not request.user.is_authenticated:
        return _sign_in_first(request, pk)
    proposal = load_proposal(pk)
    form = UndoForm(request.POST)
    if not form.is_valid():
        access.require(access.can_decide(request.user, proposal), _("Only reviewers can undo an approval."))
        return proposal_page(request, proposal, status=400, undo_form=form)
    try:
        services.proposal_undo(proposal=proposal, reviewer=request.user, note=form.cleaned_data["note"])
    except ValidationError as error:
        add_service_errors(form, error, fields=("note",))
        return proposal_page(request, proposal, status=400, undo_form=form)
    except services.Conflict as conflict:
        if conflict.conflicts:
            message = _(
                "Nothing was undone: these expectations changed since the approval: %(changed)s. "
                "Suggest a new change to them instead."
            ) % {"changed": conflict_cells(conflict, _labels(proposal))}
        else:
            message = conflict.message
        return proposal_page(request, load_proposal(pk), status=409, error=message)
    messages.success(request, _("Approval undone. The expectations are back to the text they had before it."))
    return redirect(proposal.get_absolute_url())


@require_POST
def proposal_reject(request, pk: int):
    if not request.user.is_authenticated:
        return _sign_in_first(request, pk)
    proposal = load_proposal(pk)
    access.require(access.can_reject(request.user, proposal), _("Only reviewers can reject proposals."))
    form = RejectForm(request.POST)
    if not form.is_valid():
        return proposal_page(request, proposal, status=400, reject_form=form)
    try:
        services.proposal_reject(
            proposal=proposal,
            reviewer=request.user,
            reason=form.cleaned_data["reason"],
            note=form.cleaned_data["note"],
            revision=form.cleaned_data["revision"],
        )
    except ValidationError as error:
        add_service_errors(form, error, fields=("reason", "note"))
        return proposal_page(request, proposal, status=400, reject_form=form)
    except services.ProposalEdited as edited:
        # The reason and note typed are kept; the form now carries the revision shown.
        page = load_proposal(pk)
        return proposal_page(request, page, status=409, error=edited.message, edits=edited.edits, reject_form=form)
    except services.Conflict as conflict:
        return proposal_page(request, load_proposal(pk), status=409, error=conflict.message)
    messages.success(request, _("Rejected. The author has been told why."))
    return redirect(proposal.get_absolute_url())


@require_POST
def proposal_withdraw(request, pk: int):
    if not request.user.is_authenticated:
        return _sign_in_first(request, pk)
    proposal = load_proposal(pk)
    try:
        services.proposal_withdraw(proposal=proposal, user=request.user)
    except services.Conflict as conflict:
        return proposal_page(request, load_proposal(pk), status=409, error=conflict.message)
    messages.success(request, _("Your proposal is withdrawn."))
    return redirect(proposal.get_absolute_url())


@require_POST
def proposal_rebase(request, pk: int):
    """The author keeps the proposed texts and writes them against the cells as they are now."""
    if not request.user.is_authenticated:
        return _sign_in_first(request, pk)
    proposal = load_proposal(pk)
    access.require(access.can_edit_proposal(request.user, proposal), _("Only the author can update this proposal."))
    form = RebaseForm(request.POST)
    if not form.is_valid():
        # The author has not said that the proposal keeps what changed since: the page shows it again.
        return proposal_page(request, proposal, status=400, rebase_form=form)
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
        return proposal_page(request, load_proposal(pk), status=409, error=conflict.message)
    messages.success(
        request, _("Your proposal now applies to the current text of every expectation. Check the changes.")
    )
    return redirect(proposal.get_absolute_url())
