"""My growth plan: the page, its settings form, ticks, the CSV export and the printable page.

Every page is for a signed-in member (others are sent to sign in); writes are
POST forms with CSRF that call growth.services and redirect back.
"""

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from growth import selectors, services
from growth.forms import PlanSettingsForm
from growth.models import PLANS_REVISION
from growth.selectors import Plan
from skillmatrix import partials
from skills import freshness
from skills.audit import not_audited
from skills.exports import neutralize

# Column order is part of the export's contract: scripts read these by position too.
CSV_COLUMNS = [
    "domain",
    "skill",
    "role",
    "level",
    "required",
    "proficiency",
    "description",
    "done",
    "changed_since_tick",
]


@login_required
@require_GET
@freshness.member_pages(freshness.CATALOG, freshness.TEAMS, PLANS_REVISION)
def plan(request):
    """The member's plan, kept whole until the catalog, their role and level (TEAMS) or a tick (PLANS) moves."""
    return render(request, "growth/plan.html", {"plan": selectors.plan_for(user=request.user)})


@login_required
@require_GET
def plan_print(request):
    return render(request, "growth/plan_print.html", {"plan": selectors.plan_for(user=request.user)})


@login_required
@require_GET
def plan_csv(request):
    plan = selectors.plan_for(user=request.user)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_csv_filename(plan)}"'
    writer = csv.writer(response)
    writer.writerow(CSV_COLUMNS)
    for item in plan.items:
        cell = item.next
        writer.writerow(
            [
                neutralize(cell.skill.group.domain.name),
                neutralize(cell.skill.name),
                neutralize(plan.role.name),
                neutralize(plan.next_level.name),
                _bool(cell.required),
                cell.proficiency,
                neutralize(cell.description),
                _bool(item.done),
                _bool(item.changed_since_tick),
            ]
        )
    return response


def _csv_filename(plan: Plan) -> str:
    if plan.next_level is None:
        return "growth-plan.csv"
    return f"growth-plan-{slugify(plan.role.slug)}-{slugify(plan.next_level.slug)}.csv"


def _bool(value: bool) -> str:
    return "true" if value else "false"


@login_required
@require_http_methods(["GET", "POST"])
def plan_settings(request):
    """The role and level form; the account page shows it too and posts here."""
    roles = selectors.roles_for_choice()
    if request.method == "POST":
        form = PlanSettingsForm(request.POST, roles=roles)
        if form.is_valid():
            try:
                services.plan_settings_save(
                    user=request.user, role=form.cleaned_data["role_obj"], level=form.cleaned_data["level_obj"]
                )
            except ValidationError as error:
                form.add_error("level", error.message_dict.get("level", error.messages))
            else:
                messages.success(request, _("Your growth plan is set."))
                if request.POST.get("show"):  # the home page's front door: on to the role at that level
                    role, level = form.cleaned_data["role_obj"], form.cleaned_data["level_obj"]
                    return redirect("skills:role-level", role.slug, level.slug)
                return redirect("growth:plan")
        return render(request, "growth/settings.html", {"form": form}, status=400)
    profile = selectors.plan_profile(user=request.user)
    initial = {"role": profile.role.slug, "level": profile.level.slug} if profile else {}
    form = PlanSettingsForm(initial=initial, roles=roles)
    return render(request, "growth/settings.html", {"form": form})


@login_required
@require_POST
@not_audited  # writes ticks only, which the audit trail does not track
def tick(request, skill: str, level: str):
    """action=done ticks the item (again, after a change); action=undo removes the tick.

    Asked in place, the answer is the item and the progress as they now stand, else back to the plan."""
    action = request.POST.get("action", "")
    if action not in {"done", "undo"}:
        return partials.message(_("Unknown action: use “done” or “undo”."), status=400)
    found = selectors.plan_cell(user=request.user, skill_slug=skill, level_slug=level)
    if found is None:
        raise Http404(_("This item is not in your growth plan."))
    cell, ticked = found.cell, None
    if action == "done":
        try:
            ticked = services.tick_set(user=request.user, cell=cell)
        except ValidationError as refused:  # the plan changed since plan_cell found the item (another tab)
            raise Http404(refused.messages[0]) from None
    else:
        services.tick_clear(user=request.user, cell=cell)
    if partials.wants_partial(request):
        answer = selectors.plan_answer(user=request.user, found=found, tick=ticked)
        context = {"plan": answer, "item": answer.item}
        return partials.fragment(request, "growth/partials/tick_answer.html", context)
    return redirect(reverse("growth:plan") + f"#item-{cell.skill.slug}")
