"""Assessments follow a skill merged into another: every dated row moves to the target, none is lost."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from skills.merge import Decision, merge_followers, skill_merge
from skills.models import Expectation, Proficiency
from teams import selectors, services
from teams.models import Assessment
from tests.factories import SkillFactory

KEEP, TAKE = Decision.KEEP_TARGET.value, Decision.TAKE_SOURCE.value


@pytest.fixture
def duplicate(world):
    """ "Tracking again", a duplicate of Tracking with one cell of the role at Senior: it clashes with Tracking's."""
    skill = SkillFactory(group=world.skills["tracking"].group, name="Tracking again", slug="tracking-again")
    cell = Expectation.objects.create(
        skill=skill,
        role=world.role,
        level=world.senior,
        description="Tracks every run with a tracker.",
        proficiency=Proficiency.WORKING,
    )
    return skill, cell


def _history(world, cast, skill):
    """The member's self assessments of Tracking (older) and of the duplicate (newer), and the lead's."""
    member, lead = cast["member"], cast["lead"]
    services.self_assessment_record(user=member, skill=world.skills["tracking"], level=world.middle)
    services.self_assessment_record(user=member, skill=skill, level=world.senior, note="Evidence kept.")
    services.lead_assessment_record(team=world.team, lead=lead, subject=member, skill=skill, level=None)
    Assessment.objects.filter(skill=world.skills["tracking"]).update(created=timezone.now() - datetime.timedelta(1))


@pytest.mark.parametrize("decision", [KEEP, TAKE])
def test_every_assessment_moves_to_the_target_and_the_latest_is_current(world, cast, staff, duplicate, decision):
    skill, _clash = duplicate
    _history(world, cast, skill)
    before = sorted(Assessment.objects.values_list("pk", "kind", "level_id", "note", "created"))
    label = "Self and lead assessments of the skill (every dated row)"
    assert dict(merge_followers(source=skill, target=world.skills["tracking"]))[label] == 2

    result = skill_merge(
        source=skill,
        target=world.skills["tracking"],
        decisions={(world.role.pk, world.senior.pk): decision},
        user=staff,
    )

    assert result.followers["assessments"] == 2
    assert sorted(Assessment.objects.values_list("pk", "kind", "level_id", "note", "created")) == before
    assert set(Assessment.objects.values_list("skill_id", flat=True)) == {world.skills["tracking"].pk}
    (person,) = selectors.people_skills([cast["member"]])
    cell = person.by_skill[world.skills["tracking"].pk]
    assert cell.self_assessment.level == world.senior  # the duplicate's row is the newer one
    assert cell.self_assessment.note == "Evidence kept."
    assert cell.lead_assessment.level is None
    moved = cell.self_assessment
    target_cell = world.cells["tracking@senior"]
    assert moved.expectation_id == target_cell.pk  # not left pointing at the deleted cell
    assert moved.description == "Tracks every run with a tracker."  # what the member assessed against
    target_cell.refresh_from_db()
    if decision == TAKE:  # the target now has the very words the member assessed against
        assert moved.version == target_cell.version and not moved.made_against_older_text
    else:  # same version number as the target's cell, other words: shown as older, with the diff
        assert moved.version == target_cell.version == 1
        assert moved.made_against_older_text and moved.text_segments()


def test_an_assessment_of_a_cell_that_moved_keeps_its_cell(world, cast, staff, duplicate):
    skill, _clash = duplicate
    services.self_assessment_record(user=cast["member"], skill=skill, level=world.senior)
    target = world.skills["elsewhere"]  # no cell of the member's role: the duplicate's cell moves there

    skill_merge(source=skill, target=target, decisions={}, user=staff)

    moved = Assessment.objects.get()
    assert (moved.skill_id, moved.expectation.skill_id) == (target.pk, target.pk)
    assert not moved.made_against_older_text


def test_an_assessment_of_a_merged_skill_is_refused_with_a_field_error(world, cast, staff, duplicate):
    skill, _clash = duplicate
    skill_merge(
        source=skill, target=world.skills["tracking"], decisions={(world.role.pk, world.senior.pk): KEEP}, user=staff
    )
    with pytest.raises(ValidationError) as gone:
        services.self_assessment_record(user=cast["member"], skill=skill, level=world.senior)
    assert "skill" in gone.value.message_dict
    assert not Assessment.objects.exists()
