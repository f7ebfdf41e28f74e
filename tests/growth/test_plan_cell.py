"""plan_cell, the tick's lookup: plan_item_cells' SQL compiled once (skillmatrix.compiled) answers what the queryset
answers, and only cells of the member's plan are found."""

import pytest

from growth import selectors, services
from growth.models import PlanProfile
from skills.models import Expectation
from tests.factories import UserFactory

ASKED = ["zeta@senior", "kappa@senior", "zeta@middle", "zeta@lead", "middle-only@senior", "nothing@senior"]


def _slow(user, key):
    """plan_cell as the ORM finds it: plan_item_cells, with the skill, role and level of each cell."""
    skill_slug, level_slug = key.split("@")
    rows = selectors.plan_item_cells(user=user, skill_slug=skill_slug, level_slug=level_slug)
    upcoming, current = None, None
    for cell in rows.select_related("skill", "role", "level"):
        if cell.level_id == cell.plan_level_id:
            current = cell
        else:
            upcoming = cell
    return (upcoming, current) if upcoming is not None else None


def _seen(cell):
    if cell is None:
        return None
    return (
        (cell.pk, cell.version, cell.description, cell.translations, cell.required, cell.proficiency),
        (cell.skill.pk, cell.skill.name, cell.skill.slug, cell.skill.translations),
        (cell.role.pk, cell.role.slug, cell.level.pk, cell.level.slug, cell.level.name, cell.level.translations),
    )


def _fast(user, key):
    skill_slug, level_slug = key.split("@")
    found = selectors.plan_cell(user=user, skill_slug=skill_slug, level_slug=level_slug)
    return (found.cell, found.current) if found is not None else None


@pytest.mark.parametrize("where", ["middle", "senior", "lead", "gone", "none"])
def test_the_fast_lookup_agrees_with_its_queryset(member, world, levels, where):
    german = {"de": {"description": "Protokolliert Läufe automatisch."}}
    Expectation.objects.filter(pk=world.cells["zeta@senior"].pk).update(translations=german)
    if where == "gone":
        services.plan_settings_save(user=member, role=world.role, level=world.middle)
        PlanProfile.objects.filter(user=member).update(level=levels[4])  # the role has no Principal
    elif where != "none":
        services.plan_settings_save(user=member, role=world.role, level=getattr(world, where))
    found = {key: _fast(member, key) for key in ASKED}
    for key in ASKED:
        slow = _slow(member, key)
        assert (found[key] is None) == (slow is None), key
        if slow is not None:
            assert [_seen(cell) for cell in found[key]] == [_seen(cell) for cell in slow], key
    reachable = {key for key, cells in found.items() if cells is not None}
    assert reachable == {"middle": {"zeta@senior", "kappa@senior"}, "senior": {"zeta@lead"}}.get(where, set())


def test_the_item_comes_with_the_members_cell_at_their_level(planner, world):
    found = selectors.plan_cell(user=planner, skill_slug="zeta", level_slug="senior")
    assert (found.cell, found.current) == (world.cells["zeta@senior"], world.cells["zeta@middle"])
    assert (found.cell.level, found.current.level) == (world.senior, world.middle)
    assert found.cell.skill.name == "Zeta" and found.cell.role == world.role
    alone = selectors.plan_cell(user=planner, skill_slug="kappa", level_slug="senior")
    assert (alone.cell, alone.current) == (world.cells["kappa@senior"], None)


def test_another_members_plan_is_not_theirs(planner, world):
    other = UserFactory(username="other")
    services.plan_settings_save(user=other, role=world.other_role, level=world.middle)
    assert selectors.plan_cell(user=other, skill_slug="zeta", level_slug="senior").cell == world.cells["other@senior"]
    assert selectors.plan_cell(user=planner, skill_slug="zeta", level_slug="senior").cell == world.cells["zeta@senior"]
