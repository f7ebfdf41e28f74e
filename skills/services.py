"""Writes to the catalog. Admin, import and approved proposals all come here.

The database keeps the invariants that no caller may skip (see models.py):
each content change bumps the cell's version and the skill's "Last updated",
and pghistory's triggers write the audit row. These functions add what the
database cannot know: validation with clear messages and the audit context.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from skills.models import Expectation, Level, Proficiency, Role, RoleLevel, Skill


@dataclass(frozen=True)
class CellChange:
    role: Role
    level: Level
    description: str
    required: bool
    proficiency: str


def cell_validate(*, role: Role, level: Level, description: str, proficiency: str) -> None:
    errors = {}
    if not description or not description.strip():
        errors["description"] = _("A description is required.")
    if proficiency not in Proficiency.values:
        errors["proficiency"] = _("Choose one of: %(choices)s.") % {"choices": ", ".join(Proficiency.values)}
    if not RoleLevel.objects.filter(role=role, level=level).exists():
        errors["level"] = _("The role %(role)s has no level %(level)s.") % {"role": role, "level": level}
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def cell_save(*, skill: Skill, change: CellChange) -> tuple[Expectation, bool]:
    """Create or update one cell; returns the cell and whether anything changed."""
    cell_validate(role=change.role, level=change.level, description=change.description, proficiency=change.proficiency)
    cell = Expectation.objects.select_for_update().filter(skill=skill, role=change.role, level=change.level).first()
    if cell is None:
        cell = Expectation.objects.create(
            skill=skill,
            role=change.role,
            level=change.level,
            description=change.description.strip(),
            required=change.required,
            proficiency=change.proficiency,
        )
        return cell, True
    new = {
        "description": change.description.strip(),
        "required": change.required,
        "proficiency": change.proficiency,
    }
    if all(getattr(cell, field) == value for field, value in new.items()):
        return cell, False
    for field, value in new.items():
        setattr(cell, field, value)
    cell.save(update_fields=list(new))
    cell.refresh_from_db(fields=["version"])
    return cell, True


@transaction.atomic
def cell_delete(*, cell: Expectation) -> None:
    cell.delete()
