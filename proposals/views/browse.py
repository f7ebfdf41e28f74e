"""The proposals list (and the reviewers' queue) and a proposal's page."""

from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from proposals import access, selectors
from proposals.forms import ProposalFilterForm
from proposals.models import Proposal
from proposals.pages import proposal_page, proposal_rows
from proposals.view_helpers import load_proposal


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
        "rows": proposal_rows(page.object_list),
        "queue": queue,
        "is_reviewer": is_reviewer,
        "queue_count": selectors.review_queue(reviewer=user).count() if is_reviewer else None,
        "filtered": any(request.GET.get(name) for name in ("status", "domain", "skill")),
    }
    return render(request, "proposals/proposal_list.html", context, status=status)


@require_GET
def proposal_detail(request, pk: int):
    return proposal_page(request, load_proposal(pk))
