"""Ticks follow a skill merged into another: a clashing cell's tick moves to the target's cell, not lost."""

import pytest

from growth import services
from growth.models import Tick
from growth.selectors import plan_for
from skills.merge import Decision, merge_followers, skill_merge
from tests.factories import SkillFactory, UserFactory
from tests.growth.helpers import cell

KEEP, TAKE = Decision.KEEP_TARGET.value, Decision.TAKE_SOURCE.value


@pytest.fixture
def duplicate(world):
    """A duplicate of Zeta with its own Senior cell, which clashes with Zeta's."""
    source = SkillFactory(group=world.cells["zeta@senior"].skill.group, name="Zeta again", slug="zeta-again")
    return {
        "source": source,
        "clash": cell(source, world.role, world.senior, "Logs runs with a tracker."),
    }


@pytest.mark.parametrize("decision", [KEEP, TAKE])
def test_a_tick_on_a_clashing_cell_moves_to_the_target_cell(world, planner, duplicate, staff, decision):
    services.tick_set(user=planner, cell=duplicate["clash"])
    target_cell = world.cells["zeta@senior"]
    assert (
        dict(merge_followers(source=duplicate["source"], target=target_cell.skill))[
            "Growth plan ticks on the skill's expectations"
        ]
        == 1
    )

    result = skill_merge(
        source=duplicate["source"],
        target=target_cell.skill,
        decisions={(world.role.pk, world.senior.pk): decision},
        user=staff,
    )

    tick = Tick.objects.get(user=planner)
    assert tick.expectation_id == target_cell.pk
    assert tick.description == "Logs runs with a tracker."  # what the member ticked
    assert result.followers["growth_ticks"] == 1
    item = next(item for item in plan_for(user=planner).items if item.next.pk == target_cell.pk)
    assert item.done
    # Kept the target's text: the member ticked other words, which the plan shows as changed since (the tick's
    # version, 1, is the source cell's and equals the target's by chance). Took the source's: what they ticked.
    assert item.changed_since_tick is (decision == KEEP)


def test_a_member_who_ticked_both_keeps_the_target_tick(world, planner, duplicate, staff):
    target_cell = world.cells["zeta@senior"]
    services.tick_set(user=planner, cell=duplicate["clash"])
    services.tick_set(user=planner, cell=target_cell)
    other = UserFactory()
    services.plan_settings_save(user=other, role=world.role, level=world.middle)
    services.tick_set(user=other, cell=duplicate["clash"])

    skill_merge(
        source=duplicate["source"],
        target=target_cell.skill,
        decisions={(world.role.pk, world.senior.pk): KEEP},
        user=staff,
    )

    assert sorted(Tick.objects.values_list("user_id", "expectation_id", "description")) == sorted(
        [
            (planner.pk, target_cell.pk, "Logs runs automatically."),
            (other.pk, target_cell.pk, "Logs runs with a tracker."),
        ]
    )
