"""Suggest a change: edit one or more cells of a skill and send them as one proposal."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from proposals import review_checks, selectors, services, throttling
from proposals.forms import SuggestForm
from proposals.pages import cell_label, conflict_cells
from proposals.view_helpers import add_service_errors, throttle_wait, throttled_message, whole_seconds
from skills.models import Skill


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
        # This early refusal spares the checks below; the service's check is the exact one.
        elif form.is_valid() and (wait := throttle_wait(request, "proposals")) is not None:
            form.add_error(None, throttled_message(wait))
            status = 429
        elif form.is_valid():
            try:
                proposal = services.proposal_create(
                    author=request.user,
                    skill=skill,
                    rationale=form.cleaned_data["rationale"],
                    changes=form.changes,
                    rate=throttling.rate("proposals"),
                )
            except ValidationError as error:
                add_service_errors(form, error, fields=("rationale",))
                status = 400
            except services.RateLimited as error:
                form.add_error(None, throttled_message(whole_seconds(error.wait)))
                status = 429
            except services.Conflict as conflict:
                labels = {(s.role.slug, s.level.slug): cell_label(s.role, s.level) for s in slots}
                form.add_error(
                    None,
                    _(
                        "These expectations changed while you were editing: %(expectations)s. Their current text is "
                        "shown now; check your change against it and send again."
                    )
                    % {"expectations": conflict_cells(conflict, labels)},
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
                        "Thank you! Your proposal to change %(count)d expectation is open for review.",
                        "Thank you! Your proposal to change %(count)d expectations is open for review.",
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
