"""cell_save_locked (for a caller that holds the locks: an approval) writes as cell_save does: the same text, flags,
version and translations, the same refusals; only the locking and the second read are the caller's."""

import pytest
from django.core.exceptions import ValidationError

from skills.models import Expectation, RoleLevel
from skills.services import CellChange, cell_save, cell_save_locked
from tests.factories import make_catalog

DE = {"de": {"description": "Tests."}}


def fields(cell: Expectation) -> tuple:
    return (
        cell.role_id,
        cell.level_id,
        cell.description,
        cell.required,
        cell.proficiency,
        cell.version,
        cell.translations,
    )


def state(cell: Expectation | None):
    """The cell as returned, which must be the cell as stored."""
    if cell is None:
        return None
    returned = fields(cell)
    cell.refresh_from_db()
    assert returned == fields(cell)
    return returned


def through_both(twins, role, level, **values):
    """The change applied to the first skill by cell_save and to the second by cell_save_locked; each outcome."""
    outcomes = []
    for skill, locked in zip(twins, (False, True), strict=True):
        change = CellChange(role=role, level=level, **values)
        try:
            if locked:
                current = Expectation.objects.select_for_update().filter(skill=skill, role=role, level=level).first()
                cell, changed = cell_save_locked(skill=skill, change=change, current=current)
            else:
                cell, changed = cell_save(skill=skill, change=change)
        except ValidationError as error:
            outcomes.append(("refused", error.message_dict))
        else:
            outcomes.append((changed, state(cell)))
    return outcomes


@pytest.mark.django_db
def test_the_two_write_alike(levels):
    catalog = make_catalog(skills=2, roles=2, levels=levels)
    twins, (role, other_role) = catalog["skills"], catalog["roles"]
    level = levels[0]
    for skill in twins:
        Expectation.objects.filter(skill=skill, role=role, level=level).update(
            description="Writes tests.", translations={"de": {"description": "Schreibt Tests."}}
        )
    Expectation.objects.filter(skill__in=twins, role=other_role, level=levels[1]).delete()
    Expectation.objects.filter(role=other_role, level=levels[2]).delete()
    RoleLevel.objects.filter(role=other_role, level=levels[2]).delete()
    steps = [
        (role, level, {"description": "Writes tests.", "required": False, "proficiency": "working"}),  # the text it has
        (role, level, {"description": "Writes tests.", "required": True, "proficiency": "working"}),  # a flag
        (role, level, {"description": "Writes thorough tests.", "required": True, "proficiency": "working"}),
        (role, level, {"description": "Tests.", "required": True, "proficiency": "expert", "translations": {}}),
        # The translations alone: no new version.
        (role, level, {"description": "Tests.", "required": True, "proficiency": "expert", "translations": DE}),
        (role, level, {"description": "Y.", "required": True, "proficiency": "working", "translations": {"fr": {}}}),
        (role, level, {"description": "", "required": True, "proficiency": "nonsense"}),
        (other_role, levels[1], {"description": "A new cell.", "required": False, "proficiency": "awareness"}),
        (other_role, levels[2], {"description": "No such level.", "required": False, "proficiency": "working"}),
    ]
    for role_, level_, values in steps:
        plain, locked = through_both(twins, role_, level_, **values)
        # The same outcome, but for the skill each cell is on (the state names role and level, not the skill).
        assert plain == locked, values
    # Version 1, then the update above and four writes that changed the content (translations alone, refused: none).
    assert state(Expectation.objects.get(skill=twins[1], role=role, level=level))[5] == 6
