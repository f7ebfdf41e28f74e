"""Writes to the catalog's cells. The admin, the import and approved proposals all come here.

The database keeps the invariants that no caller may skip (see models.py):
each content change bumps the cell's version and the skill's "Last updated",
pghistory's triggers write the audit row, and a cell's role must have the
cell's level (CELL_HAS_ROLE_LEVEL). These functions add what the database
cannot say: validation with clear messages. A refusal is a ValidationError,
even when the database is the one to refuse (the catalog changed meanwhile).

Bulk writers that do not come through here say why where they write: the
import's bulk insert of new cells (skills/catalog_io.py) and the merge of two
skills (skills/merge.py).

Locks follow the order in skills/locking.py: the skill's row before its cells.
"""

import contextlib
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from skills import locking, translations
from skills.models import CELL_CONTENT, CELL_HAS_ROLE_LEVEL, Expectation, Level, Proficiency, Role, RoleLevel, Skill


@dataclass(frozen=True)
class CellChange:
    role: Role
    level: Level
    description: str
    required: bool
    proficiency: str
    # The description in the site's other languages (skills/translations.py). None keeps them while the description
    # stays the same, and drops them when it changes (they translated the old text).
    translations: dict | None = None


def violates(error: IntegrityError, constraint: str) -> bool:
    """Whether the database refused a write because of this constraint (by name)."""
    diag = getattr(error.__cause__, "diag", None)
    return getattr(diag, "constraint_name", None) == constraint


def skill_gone(skill: Skill) -> ValidationError:
    return ValidationError(
        {"skill": _("The skill %(skill)s no longer exists (it was merged or deleted); reload.") % {"skill": skill}}
    )


def role_lacks_level(role: Role, level: Level) -> str:
    return _("The role %(role)s has no level %(level)s.") % {"role": role, "level": level}


def _content_errors(*, description: str, proficiency: str) -> dict:
    errors = {}
    if not description or not description.strip():
        errors["description"] = _("A description is required.")
    if proficiency not in Proficiency.values:
        errors["proficiency"] = _("Choose one of: %(choices)s.") % {"choices": ", ".join(Proficiency.values)}
    return errors


def cell_validate(*, role: Role, level: Level, description: str, proficiency: str) -> None:
    errors = _content_errors(description=description, proficiency=proficiency)
    if not RoleLevel.objects.filter(role=role, level=level).exists():
        errors["level"] = role_lacks_level(role, level)
    if errors:
        raise ValidationError(errors)


@contextlib.contextmanager
def _refusal_as_validation_error(role: Role, level: Level):
    """The role lost the level between cell_validate and the write: the database refuses, the caller gets a message.

    No savepoint of its own: the error leaves cell_save's atomic block, which rolls back.
    """
    try:
        yield
    except IntegrityError as error:
        if not violates(error, CELL_HAS_ROLE_LEVEL):
            raise
        raise ValidationError({"level": role_lacks_level(role, level)}) from None


@transaction.atomic
def cell_save(*, skill: Skill, change: CellChange, cell: Expectation | None = None) -> tuple[Expectation, bool]:
    """Create or update one cell; returns the cell and whether anything changed.

    Without `cell`, the cell is the skill's at the change's role and level. With `cell` (an existing
    cell, as the admin edits it), that cell takes the skill, role and level given: it may move.
    """
    _validate(change)
    axes = {"skill": skill, "role": change.role, "level": change.level}
    if cell is not None and cell.pk is not None:
        # The cell may move to another skill: both skills' rows first (their "Last updated" both change).
        stored = Expectation.objects.filter(pk=cell.pk).values_list("skill_id", flat=True).first()
        locked = locking.lock_skills([skill.pk, stored])
        current = Expectation.objects.select_for_update().filter(pk=cell.pk).first()
        if current is not None and current.skill_id not in locked:
            # Moved by a merge between the two reads: its skill is not ours to write.
            raise ValidationError(_("This expectation moved to another skill meanwhile (a merge); reload."))
    else:
        locked = locking.lock_skills([skill.pk])
        current = Expectation.objects.select_for_update().filter(**axes).first()
    if skill.pk not in locked:
        raise skill_gone(skill)
    return _write(skill=skill, change=change, current=current)


def cell_save_locked(*, skill: Skill, change: CellChange, current: Expectation | None) -> tuple[Expectation, bool]:
    """cell_save for a caller that already holds the locks, in its own transaction: the skill's row, then `current`,
    the skill's cell at the change's role and level as read FOR UPDATE (None: there is none), in the order of
    skills/locking.py. What cell_save would do then, without locking and reading again, and without a savepoint
    of its own: a refusal (ValidationError, IntegrityError) leaves the caller's transaction to roll back.

    Two reads fewer again: an existing cell has its role's level (the foreign key CELL_HAS_ROLE_LEVEL, which its
    lock keeps), and its new version is the one the trigger gives (one more when its content changed).
    """
    _validate(change, level_known=current is not None)
    return _write(skill=skill, change=change, current=current, read_version=False)


def _validate(change: CellChange, *, level_known: bool = False) -> None:
    if level_known:
        errors = _content_errors(description=change.description, proficiency=change.proficiency)
        if errors:
            raise ValidationError(errors)
    else:
        cell_validate(
            role=change.role, level=change.level, description=change.description, proficiency=change.proficiency
        )
    if change.translations is not None:
        found = translations.problems(change.translations, translations.field_limits(Expectation))
        if found:
            raise ValidationError({"translations": found})


def _write(
    *, skill: Skill, change: CellChange, current: Expectation | None, read_version: bool = True
) -> tuple[Expectation, bool]:
    """Write the change onto `current` (locked by the caller), or create the cell when there is none.

    read_version: read the version the trigger gave; else count it (one more when the content changed)."""
    # The text as given (the forms strip it; an import keeps its file's bytes).
    content = {
        "description": change.description,
        "required": change.required,
        "proficiency": change.proficiency,
    }
    if change.translations is not None:
        content["translations"] = change.translations
    axes = {"skill": skill, "role": change.role, "level": change.level}
    if current is None:
        with _refusal_as_validation_error(change.role, change.level):
            return Expectation.objects.create(**axes, **content), True
    if change.translations is None and current.description != change.description and current.translations:
        # The translations of the description translated the text it had: shown now, they would tell readers of
        # another language something the catalog no longer says. The English text shows, marked, until retranslated.
        content["translations"] = _without_description(current.translations)
    new = {**{f"{name}_id": value.pk for name, value in axes.items()}, **content}
    changed = [field for field, value in new.items() if getattr(current, field) != value]
    if not changed:
        return current, False
    for field in changed:
        setattr(current, field, new[field])
    with _refusal_as_validation_error(change.role, change.level):
        current.save(update_fields=changed)
    if read_version:
        current.refresh_from_db(fields=["version"])
    elif any(field in CELL_CONTENT for field in changed):
        current.version += 1
    return current, True


def _without_description(value: dict) -> dict:
    kept = {language: {k: v for k, v in texts.items() if k != "description"} for language, texts in value.items()}
    return {language: texts for language, texts in kept.items() if texts}


@transaction.atomic
def cell_delete(*, cell: Expectation) -> None:
    # The skill's row first (the delete's trigger writes its "Last updated"); the skill as stored, which
    # a merge may have changed since the caller read the cell.
    locking.lock_skills(Expectation.objects.filter(pk=cell.pk).values_list("skill_id", flat=True))
    cell.delete()
