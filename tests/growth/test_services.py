"""Growth plan services and the database constraints behind them."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from growth import selectors, services
from growth.models import PlanProfile, Tick
from skills.models import Expectation, Level, Role
from tests.factories import UserFactory


def test_the_level_must_be_one_of_the_roles_levels(member, world, levels):
    with pytest.raises(ValidationError) as error:
        services.plan_settings_save(user=member, role=world.role, level=levels[4])
    assert error.value.message_dict == {"level": ["The role Data Scientist has no level Principal."]}
    assert not PlanProfile.objects.exists()


def test_saving_again_updates_the_one_profile(planner, world):
    services.plan_settings_save(user=planner, role=world.other_role, level=world.junior)
    profile = PlanProfile.objects.get()
    assert (profile.user, profile.role, profile.level) == (planner, world.other_role, world.junior)


def test_a_tick_records_the_cells_content(planner, world):
    tick = services.tick_set(user=planner, cell=world.cells["kappa@senior"])
    assert (tick.version, tick.description, tick.required, tick.proficiency) == (
        1,
        "Designs the **evaluation** plan.",
        True,
        "working",
    )


@pytest.mark.parametrize("key", ["zeta@middle", "zeta@lead", "other@senior", "middle-only@middle"])
def test_ticking_a_cell_outside_the_plan_is_refused(planner, world, key):
    with pytest.raises(ValidationError, match="not in your growth plan"):
        services.tick_set(user=planner, cell=world.cells[key])
    assert not Tick.objects.exists()


def test_ticking_with_a_level_the_role_does_not_have_is_refused(planner, world, levels):
    PlanProfile.objects.filter(user=planner).update(level=levels[4])  # Principal: the plan's level is gone
    with pytest.raises(ValidationError, match="not in your growth plan"):
        services.tick_set(user=planner, cell=world.cells["zeta@senior"])
    assert selectors.plan_cell(user=planner, skill_slug="zeta", level_slug="senior") is None
    assert not Tick.objects.exists()


@pytest.mark.parametrize("change", ["level", "role", "gone", "deleted"])
def test_a_tick_checks_the_plan_as_it_stands_when_it_is_written(planner, world, levels, change):
    """The cell was found in the plan (plan_cell), then the plan changed before the tick was written (another tab,
    the account page): the tick of a cell no longer in the plan is refused, in the statement that would write it."""
    found = selectors.plan_cell(user=planner, skill_slug="zeta", level_slug="senior")
    if change == "deleted":
        PlanProfile.objects.filter(user=planner).delete()
    elif change == "gone":
        PlanProfile.objects.filter(user=planner).update(level=levels[4])
    else:
        moved = {"level": (world.role, world.senior), "role": (world.other_role, world.middle)}[change]
        services.plan_settings_save(user=planner, role=moved[0], level=moved[1])
    message = "Choose your role and current level first" if change == "deleted" else "not in your growth plan"
    with pytest.raises(ValidationError, match=message):
        services.tick_set(user=planner, cell=found.cell)
    assert not Tick.objects.exists()


def test_the_tick_records_the_content_the_statement_read(planner, world):
    """The cell changed after the view found it: the tick records the content as it is when written, and says so."""
    found = selectors.plan_cell(user=planner, skill_slug="zeta", level_slug="senior")
    Expectation.objects.filter(pk=found.cell.pk).update(description="Changed meanwhile.")
    version = Expectation.objects.get(pk=found.cell.pk).version
    tick = services.tick_set(user=planner, cell=found.cell)
    stored = Tick.objects.get()
    assert version > found.cell.version
    assert (tick.version, tick.description, tick.expectation.version) == (version, "Changed meanwhile.", version)
    assert (stored.pk, stored.version, stored.description) == (tick.pk, version, "Changed meanwhile.")
    assert stored.created == tick.created and stored.ticked == tick.ticked
    assert found.cell.description == "Logs runs automatically."  # the caller's cell is left as it was read


def test_ticking_again_records_the_new_content_in_the_same_tick(planner, world):
    target = world.cells["zeta@senior"]
    first = services.tick_set(user=planner, cell=target)
    created = Tick.objects.get().created
    Expectation.objects.filter(pk=target.pk).update(description="Now more.", version=2, required=True)
    again = services.tick_set(user=planner, cell=target)
    tick = Tick.objects.get()
    assert (tick.version, tick.description, tick.required, tick.created) == (2, "Now more.", True, created)
    assert tick.ticked == again.ticked and tick.ticked >= first.ticked


def test_ticking_without_a_plan_is_refused(member, world):
    with pytest.raises(ValidationError, match="Choose your role and current level first"):
        services.tick_set(user=member, cell=world.cells["zeta@senior"])


def test_clearing_says_whether_there_was_a_tick(planner, world):
    target = world.cells["zeta@senior"]
    services.tick_set(user=planner, cell=target)
    assert services.tick_clear(user=planner, cell=target) is True
    assert services.tick_clear(user=planner, cell=target) is False


def test_the_database_keeps_one_tick_per_member_and_cell(planner, world):
    target = world.cells["zeta@senior"]
    services.tick_set(user=planner, cell=target)
    with pytest.raises(IntegrityError), transaction.atomic():
        Tick.objects.create(
            user=planner, expectation=target, version=1, description="x", required=False, proficiency="working"
        )


@pytest.mark.parametrize(
    "fields",
    [
        {"version": 0},
        {"description": ""},
        {"proficiency": "guru"},
    ],
)
def test_the_database_refuses_impossible_ticks(planner, world, fields):
    values = {"version": 1, "description": "x", "required": False, "proficiency": "working", **fields}
    with pytest.raises(IntegrityError), transaction.atomic():
        Tick.objects.create(user=planner, expectation=world.cells["zeta@senior"], **values)


def test_the_database_keeps_one_profile_per_member(planner, world):
    with pytest.raises(IntegrityError), transaction.atomic():
        PlanProfile.objects.create(user=planner, role=world.role, level=world.senior)


def test_deleting_a_cell_deletes_its_ticks_and_a_member_their_plan(planner, world):
    services.tick_set(user=planner, cell=world.cells["beta@senior"])
    world.cells["beta@senior"].delete()
    assert not Tick.objects.exists()
    planner.delete()
    assert not PlanProfile.objects.exists()


def test_deleting_the_role_resets_the_plan(levels):
    user = UserFactory(username="lonely")
    role = Role.objects.create(name="Empty role", slug="empty-role", family="X")
    role.role_levels.create(level=levels[0])
    services.plan_settings_save(user=user, role=role, level=levels[0])
    role.delete()
    assert selectors.plan_for(user=user).state == selectors.PlanState.UNSET


def test_the_next_level_is_the_roles_next_level(planner, world):
    """Levels the role does not have are skipped; a level added to the role after Lead makes Lead not the top."""
    extra = Level.objects.create(name="Fellow", short="Fel", slug="fellow", position=25)
    world.role.role_levels.create(level=extra)
    plan = selectors.plan_for(user=planner)
    assert plan.next_level == world.senior
    services.plan_settings_save(user=planner, role=world.role, level=world.lead)
    assert selectors.plan_for(user=planner).next_level == extra
