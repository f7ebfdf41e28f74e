"""The merge preview pre-selects the sensible text per clash, says why, and explains its rule on the page."""

import datetime

import pytest
from django.urls import reverse

from skills.merge import Clash, Decision, Why, merge_plan, suggest, suggestions
from skills.models import Expectation, ExpectationEvent
from tests.factories import ExpectationFactory, SkillFactory, SkillGroupFactory, make_role

EARLY = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
LATE = datetime.datetime(2026, 2, 1, tzinfo=datetime.UTC)


def clash(source: str, target: str) -> Clash:
    return Clash(source=Expectation(pk=1, description=source), target=Expectation(pk=2, description=target))


@pytest.mark.parametrize(
    ("source", "target", "edited", "decision", "why"),
    [
        ("Same  text.", "Same text.", {1: LATE, 2: EARLY}, Decision.KEEP_TARGET, Why.SAME),
        ("A much longer text that says far more about it.", "Short.", {}, Decision.TAKE_SOURCE, Why.LONGER),
        (
            "Short.",
            "A much longer text that says far more about it.",
            {1: LATE, 2: EARLY},
            Decision.KEEP_TARGET,
            Why.LONGER,
        ),
        (
            "Writes tests for the code.",
            "Writes tests for code paths.",
            {1: LATE, 2: EARLY},
            Decision.TAKE_SOURCE,
            Why.RECENT,
        ),
        (
            "Writes tests for the code.",
            "Writes tests for code paths.",
            {1: EARLY, 2: LATE},
            Decision.KEEP_TARGET,
            Why.RECENT,
        ),
        ("Writes tests for the code.", "Writes tests for code paths.", {}, Decision.KEEP_TARGET, Why.DEFAULT),
    ],
)
def test_the_suggestion_rule(source, target, edited, decision, why):
    suggestion = suggest(clash(source, target), edited)
    assert (suggestion.decision, suggestion.why) == (decision, why)


@pytest.fixture
def pair(levels):
    group = SkillGroupFactory()
    source = SkillFactory(group=group, name="ML Tracking", slug="ml-tracking")
    target = SkillFactory(group=group, name="Tracking", slug="tracking")
    role = make_role(levels)
    cells = {
        # Junior: the source says more. Middle: same length, the target edited later. Senior: same text.
        "junior": (
            ExpectationFactory(
                skill=source, role=role, level=levels[0], description="Logs runs, compares them, and keeps models."
            ),
            ExpectationFactory(skill=target, role=role, level=levels[0], description="Logs runs."),
        ),
        "middle": (
            ExpectationFactory(skill=source, role=role, level=levels[1], description="Builds tracking for a team."),
            ExpectationFactory(skill=target, role=role, level=levels[1], description="Builds tracking for the team"),
        ),
        "senior": (
            ExpectationFactory(skill=source, role=role, level=levels[2], description="Sets standards."),
            ExpectationFactory(skill=target, role=role, level=levels[2], description="Sets standards."),
        ),
    }
    _, middle_target = cells["middle"]
    ExpectationEvent.objects.filter(pgh_obj_id=middle_target.pk).update(pgh_created_at=LATE)
    ExpectationEvent.objects.filter(pgh_obj_id=cells["middle"][0].pk).update(pgh_created_at=EARLY)
    return {"source": source, "target": target, "levels": levels, **cells}


def test_suggestions_read_the_last_edits_from_the_audit_trail(pair):
    plan = merge_plan(source=pair["source"], target=pair["target"])
    by_level = {
        clash.target.level.slug: suggestion for clash in plan.clashes for suggestion in [suggestions(plan)[clash.axes]]
    }
    assert {slug: (s.decision, s.why) for slug, s in by_level.items()} == {
        "junior": (Decision.TAKE_SOURCE, Why.LONGER),
        "middle": (Decision.KEEP_TARGET, Why.RECENT),
        "senior": (Decision.KEEP_TARGET, Why.SAME),
    }


def checked(html: str, cell) -> str:
    name = f"clash-{cell.role_id}-{cell.level_id}"
    for value in ("keep_target", "take_source"):
        if f'name="{name}" id="{name}-{value}" value="{value}" required checked' in html:
            return value
    return ""


def test_the_preview_pre_selects_each_clash_and_explains_the_rule(client, staff, pair):
    client.force_login(staff)
    url = reverse("admin:skills_skill_merge", args=[pair["source"].pk])
    html = client.get(url, {"target": pair["target"].pk}).content.decode()
    assert checked(html, pair["junior"][0]) == "take_source"
    assert checked(html, pair["middle"][0]) == "keep_target"
    assert checked(html, pair["senior"][0]) == "keep_target"
    assert "the text that says more (the longer one)" in html
    assert "(suggested: longer text)" in html and "(suggested: edited more recently)" in html
    assert "(suggested: same text)" in html


def test_a_preset_link_overrides_the_suggestions(client, staff, pair):
    client.force_login(staff)
    url = reverse("admin:skills_skill_merge", args=[pair["source"].pk])
    html = client.get(url, {"target": pair["target"].pk, "preset": "keep_target"}).content.decode()
    assert {checked(html, pair[level][0]) for level in ("junior", "middle", "senior")} == {"keep_target"}


def test_a_confirmation_without_decisions_preselects_nothing(client, staff, pair):
    client.force_login(staff)
    url = reverse("admin:skills_skill_merge", args=[pair["source"].pk])
    html = client.post(url, {"target": pair["target"].pk, "fingerprint": "x"}).content.decode()
    assert {checked(html, pair[level][0]) for level in ("junior", "middle", "senior")} == {""}
