"""Writes of growth plans: the member's role and level, and their ticks.

The pages and the API both come here; refusals are ValidationErrors with a
message the member can act on.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from growth import selectors
from growth.models import PlanProfile, Tick
from skills.models import Expectation, Level, Role, RoleLevel


@transaction.atomic
def plan_settings_save(*, user, role: Role, level: Level) -> PlanProfile:
    """Set the member's role and current level; the level must be one of the role's levels."""
    if not RoleLevel.objects.filter(role=role, level=level).exists():
        raise ValidationError(
            {"level": _("The role %(role)s has no level %(level)s.") % {"role": role.name, "level": level.name}}
        )
    profile, _created = PlanProfile.objects.update_or_create(user=user, defaults={"role": role, "level": level})
    return profile


def _require_in_plan(*, user, cell: Expectation) -> None:
    """Refuse a cell that is not in the member's plan (two queries: the profile, then the cell among plan_cells)."""
    profile = selectors.plan_profile(user=user)
    if profile is None:
        raise ValidationError(_("Choose your role and current level first."))
    if not selectors.plan_cells(profile).filter(pk=cell.pk).exists():
        raise ValidationError(_("This item is not in your growth plan."))


@transaction.atomic
def tick_set(*, user, cell: Expectation) -> Tick:
    """Mark a cell of the member's plan as done, against its current content.

    Ticking again an item that changed since records the new content: the
    member confirms it is still done.
    """
    _require_in_plan(user=user, cell=cell)
    # Lock the cell so that the version and the text recorded belong together.
    cell = Expectation.objects.select_for_update(of=("self",)).select_related("skill", "role", "level").get(pk=cell.pk)
    content = ["version", "description", "required", "proficiency", "ticked"]
    unique = ["user", "expectation"]
    tick = Tick(
        user=user,
        expectation=cell,
        version=cell.version,
        description=cell.description,
        required=cell.required,
        proficiency=cell.proficiency,
        ticked=timezone.now(),
    )
    # One statement (INSERT ... ON CONFLICT DO UPDATE): a first tick or a tick again, kept created date and all.
    Tick.objects.bulk_create([tick], update_conflicts=True, unique_fields=unique, update_fields=content)
    return tick


@transaction.atomic
def tick_clear(*, user, cell: Expectation) -> bool:
    """Undo a tick; True when there was one."""
    deleted, _rows = Tick.objects.filter(user=user, expectation=cell).delete()
    return bool(deleted)
