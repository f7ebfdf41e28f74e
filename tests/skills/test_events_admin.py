"""The audit trail's events page in the admin: readable before and after, merges included; never a 500."""

import pytest

from skills.merge import Decision, skill_merge
from skills.models import Expectation, Proficiency, Skill
from tests.factories import ExpectationFactory, SkillFactory, SkillGroupFactory, make_role

EVENTS = "/admin/pghistory/events/"


@pytest.fixture
def signed_in(client, staff):
    client.force_login(staff)
    return client


def test_an_edit_reads_as_before_and_after_with_names_not_ids(signed_in, levels):
    role = make_role(levels, name="Data Scientist")
    cell = ExpectationFactory(role=role, level=levels[0], description="Logs runs by hand.")
    edited = {"description": "Logs runs with a tracker.", "proficiency": Proficiency.EXPERT}
    Expectation.objects.filter(pk=cell.pk).update(**edited)
    response = signed_in.get(EVENTS, {"obj": f"skills.Expectation:{cell.pk}", "method": "tracks"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<del>by hand</del>" in html and "<ins>with a tracker</ins>" in html
    assert "<del>Working</del> → <ins>Expert</ins>" in html
    assert f"Expectation: {cell.skill.name} · Data Scientist · Junior" in html
    assert "Changed" in html and "Added" in html
    assert '{"description"' not in html and "&quot;description&quot;" not in html


def test_a_merge_reads_as_a_move_between_named_skills(signed_in, staff, levels):
    role = make_role(levels)
    group = SkillGroupFactory()
    source = SkillFactory(group=group, name="ML Tracking", slug="ml-tracking")
    target = SkillFactory(group=group, name="Tracking", slug="tracking")
    moved = ExpectationFactory(skill=source, role=role, level=levels[1], description="Moves.")
    ExpectationFactory(skill=source, role=role, level=levels[0], description="Source text.")
    ExpectationFactory(skill=target, role=role, level=levels[0], description="Target text.")
    skill_merge(
        source=source,
        target=target,
        decisions={(role.pk, levels[0].pk): Decision.TAKE_SOURCE},
        user=staff,
    )
    html = signed_in.get(EVENTS, {"obj": f"skills.Skill:{target.pk}", "method": "references"}).content.decode()
    assert "in the merge of “ML Tracking” into “Tracking”" in html
    assert "<del>Target</del><ins>Source</ins> text." in html
    moved_html = signed_in.get(EVENTS, {"obj": f"skills.Expectation:{moved.pk}", "method": "tracks"}).content.decode()
    # The source skill is gone: its id shows as a number, the target by name.
    assert f"<del>#{source.pk}</del> → <ins>Tracking</ins>" in moved_html
    assert "staff · Admin" in moved_html


def test_the_page_of_every_event_loads(signed_in, seeded_catalog):
    skill = Skill.objects.get(slug="ml-experiment-tracking")
    skill.summary = "New summary."
    skill.save()
    Skill.objects.filter(pk=skill.pk).delete()
    response = signed_in.get(EVENTS)
    assert response.status_code == 200
    assert "Removed" in response.content.decode()


@pytest.mark.parametrize(
    "params",
    [
        {"obj": "skills.Skill:abc", "method": "tracks"},
        {"obj": "skills.Skill:999999", "method": "tracks"},
        {"obj": "skills.Skill:99999999999999999999999", "method": "references"},
        {"obj": "nosuch.Model:1", "method": "tracks"},
        {"obj": "skills.Skill:", "method": "tracks"},
        {"obj": "skills.Skill:1\x00", "method": "tracks"},
        {"obj": "skills.Skill:1"},
        {"model": "skills.Nope"},
        {"model": "skills.Skill", "event_model": "nope.nope"},
        {"label": "x" * 500},
        {"o": "99"},
        {"q": "\x00"},
    ],
)
def test_hostile_parameters_never_give_a_server_error(signed_in, db, params):
    response = signed_in.get(EVENTS, params)
    assert response.status_code in (200, 302, 400, 404), response.status_code
