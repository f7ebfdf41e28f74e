"""Writes of growth plans: the member's role and level, and their ticks.

The pages and the API both come here; refusals are ValidationErrors with a
message the member can act on.
"""

import copy
from typing import NoReturn

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from growth import selectors
from growth.models import PlanProfile, Tick
from skillmatrix.compiled import CompiledQuery, prepared_cursor
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


# A tick of a cell of the plan, in one statement: the cell's content, read as the member's plan stands when it runs
# (growth.selectors.plan_cells, the member's profile read by the statement itself), written as a first tick or as a
# tick again (the created date kept); nothing when the cell is not in the plan (the statement's trigger still moves
# the plans revision then: the member's next plan page is rendered afresh, no more).
TICK_SQL = f"""
INSERT INTO {Tick._meta.db_table}
    (user_id, ticked, created, expectation_id, version, description, required, proficiency)
SELECT %s, %s, %s, cell.* FROM ({{cells}}) cell
ON CONFLICT (user_id, expectation_id) DO UPDATE SET version = EXCLUDED.version, description = EXCLUDED.description,
    required = EXCLUDED.required, proficiency = EXCLUDED.proficiency, ticked = EXCLUDED.ticked
RETURNING id, version, description, required, proficiency, created
"""
# The cell among plan_cells, built and compiled once per process (the ORM spends longer on it than the database).
_TICK_CELL = CompiledQuery(
    lambda user, cell: (
        selectors.plan_cells(user=user)
        .filter(pk=cell)
        .values_list("pk", "version", "description", "required", "proficiency")
    ),
    user=-7_000_001,
    cell=-7_000_002,
)


def tick_set(*, user, cell: Expectation) -> Tick:
    """Mark a cell of the member's plan as done, against its current content.

    Ticking again an item that changed since records the new content: the
    member confirms it is still done. One statement, the check and the write: it needs no transaction of its own.
    The returned tick's cell carries the version it recorded.
    """
    cells_sql, cells_params = _TICK_CELL.bind(user=user.pk, cell=cell.pk)
    ticked = timezone.now()
    with prepared_cursor() as cursor:
        cursor.execute(TICK_SQL.format(cells=cells_sql), [user.pk, ticked, ticked, *cells_params])
        row = cursor.fetchone()
    if row is None:
        _refuse(user=user)
    pk, version, description, required, proficiency, created = row
    cell = copy.copy(cell)
    cell.version = version
    return Tick(
        pk=pk,
        user=user,
        expectation=cell,
        version=version,
        description=description,
        required=required,
        proficiency=proficiency,
        ticked=ticked,
        created=created,
    )


def _refuse(*, user) -> NoReturn:
    """Why a tick wrote nothing: no plan at all, or a cell outside it."""
    if not PlanProfile.objects.filter(user=user).exists():
        raise ValidationError(_("Choose your role and current level first."))
    raise ValidationError(_("This item is not in your growth plan."))


# QuerySet.delete() would wrap its one statement in a transaction of its own (two more round trips).
TICK_CLEAR_SQL = f"DELETE FROM {Tick._meta.db_table} WHERE user_id = %s AND expectation_id = %s"


def tick_clear(*, user, cell: Expectation) -> bool:
    """Undo a tick; True when there was one (one statement, like tick_set)."""
    with prepared_cursor() as cursor:
        cursor.execute(TICK_CLEAR_SQL, [user.pk, cell.pk])
        return cursor.rowcount > 0
