"""A person's skills over time: the chart on their page (for their leads and staff) and on /me/skills/."""

import datetime
import re

import pytest
from django.utils import timezone

from teams import pages, services
from teams.models import Assessment
from teams.selectors import DayCount
from tests.teams.helpers import client_for

PERSONAS = ["anonymous", "outsider", "invitee", "teammate", "member", "lead", "other_lead", "staff"]


def _on(days_ago: int, **rows) -> None:
    when = timezone.now() - datetime.timedelta(days=days_ago)
    Assessment.objects.filter(**rows).update(created=when)


@pytest.fixture
def history(world, cast):
    """Day 1: the member meets Tracking by their own account. Day 2: Dashboards "none" (below), Testing at
    Middle (meets). Day 3: the lead says Tracking is Junior (below) and Testing Senior (meets)."""
    member, lead = cast["member"], cast["lead"]
    services.self_assessment_record(user=member, skill=world.skills["tracking"], level=world.senior)
    _on(3)
    services.self_assessment_record(user=member, skill=world.skills["dashboards"], level=None)
    services.self_assessment_record(user=member, skill=world.skills["testing"], level=world.middle)
    _on(2, created__gt=timezone.now() - datetime.timedelta(hours=1))
    for skill, level in (("tracking", world.junior), ("testing", world.senior)):
        services.lead_assessment_record(
            team=world.team, lead=lead, subject=member, skill=world.skills[skill], level=level
        )
    _on(1, created__gt=timezone.now() - datetime.timedelta(hours=1))
    today = timezone.localdate()
    return [today - datetime.timedelta(days=n) for n in (3, 2, 1)]


def _table(html: str) -> list[tuple[str, str, str]]:
    rows = re.findall(r'<tr data-day="([\d-]+)">.*?<td data-self>(.*?)</td><td data-lead>(.*?)</td>', html)
    return [tuple(row) for row in rows]


@pytest.mark.parametrize(("persona", "url"), [("member", "/me/skills/"), ("lead", "/teams/core/people/member/")])
def test_the_chart_follows_the_assessment_history(world, cast, history, persona, url):
    html = client_for(cast[persona]).get(url).content.decode()
    assert _table(html) == [
        (history[0].isoformat(), "1", "—"),
        (history[1].isoformat(), "2", "—"),
        (history[2].isoformat(), "2", "1"),
    ]
    svg = html[html.index('<svg class="skills-chart__svg"') : html.index("</svg>")]
    assert "<title" in svg and "<desc" in svg and 'role="img"' in svg
    assert "Of the role's 3 skills" in svg
    assert svg.count("<circle") == 3  # self: a circle per day it changed
    assert svg.count("<rect") == 1  # lead: a square, one day
    assert "stroke-dasharray" in svg  # the lead's line is dashed: the series differ without colour
    assert "data-chart-empty" not in html


def test_someone_with_no_assessment_gets_the_empty_state(world, cast, history):
    html = client_for(cast["teammate"]).get("/me/skills/").content.decode()
    assert "data-chart-empty" in html and "skills-chart__svg" not in html
    html = client_for(cast["lead"]).get("/teams/core/people/teammate/").content.decode()
    assert "data-chart-empty" in html and "skills-chart__svg" not in html


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_chart_of_a_member_shows_only_to_who_may_see_their_assessments(world, cast, history, persona):
    response = client_for(cast[persona]).get("/teams/core/people/member/")
    html = response.content.decode()
    if persona in {"lead", "staff"}:
        assert response.status_code == 200 and len(_table(html)) == 3
    else:
        assert response.status_code in {302, 403, 404}
        assert "data-chart" not in html and history[0].isoformat() not in html
    own = client_for(cast[persona]).get("/me/skills/")
    if persona != "member" and own.status_code == 200:  # their own chart: not the member's history
        assert _table(own.content.decode()) == []


def test_the_coordinates_are_plain_numbers_and_the_line_steps():
    days = [
        DayCount(datetime.date(2026, 1, 1), 1, None),
        DayCount(datetime.date(2026, 1, 11), 2, 1),
        DayCount(datetime.date(2026, 1, 21), 2, 3),
    ]
    chart = pages.skills_chart(total=4, days=days)
    own, lead = chart.series
    assert (own.kind, lead.kind) == ("self", "lead")
    assert own.path == "M44 139 H332 V98 H620 V98"  # a step per day with an assessment
    assert lead.path == "M332 139 H620 V57"  # starts on its first day
    assert [tick.label for tick in chart.y_ticks] == [0, 2, 4]
    assert [tick.label for tick in chart.x_ticks] == [days[0].day, days[-1].day]
    single = pages.skills_chart(total=4, days=days[:1])
    assert single.series[0].path == "M332 139" and len(single.x_ticks) == 1


def _walked(person) -> list[DayCount]:
    """The chart's days as walking the history row by row in Python counts them (the reference)."""
    cells = person.by_skill
    met: dict[str, set[int]] = {"self": set(), "lead": set()}
    assessed: set[str] = set()
    days: list[DayCount] = []
    rows = Assessment.objects.filter(subject=person.user, skill__in=list(cells)).order_by("created", "id")
    for kind, skill_id, level_id, created in rows.values_list("kind", "skill_id", "level_id", "created"):
        assessed.add(kind)
        cell = cells[skill_id]
        (met[kind].add if cell.steps.get(level_id, -1) >= cell.met_from else met[kind].discard)(skill_id)
        count = DayCount(
            timezone.localdate(created),
            len(met["self"]) if "self" in assessed else None,
            len(met["lead"]) if "lead" in assessed else None,
        )
        if days and days[-1].day == count.day:
            days[-1] = count
        else:
            days.append(count)
    return days


@pytest.mark.parametrize("zone", ["UTC", "America/Los_Angeles", "Asia/Kolkata"])
@pytest.mark.parametrize("seed", range(4))
def test_the_databases_count_is_the_histories_walked_row_by_row(world, cast, levels, zone, seed):
    """Random histories over a week near midnight, both kinds, "none", a level outside the role, a skill outside
    it, rows at the same instant: the days and counts are those of the history walked in order."""
    import random

    from teams.selectors import person_skills, skills_over_time

    rng = random.Random(seed)
    member, lead = cast["member"], cast["lead"]
    start = timezone.now().replace(hour=23, minute=0, second=0, microsecond=0) - datetime.timedelta(days=7)
    instants = [start + datetime.timedelta(hours=rng.choice([0, 1, 2, 3, 24, 25, 49, 72, 100])) for _ in range(6)]
    rows = []
    for _ in range(40):
        kind = rng.choice(["self", "lead"])
        level = rng.choice([None, *levels])  # the principal level is not the role's
        rows.append(
            Assessment(
                subject=member,
                assessor=member if kind == "self" else lead,
                kind=kind,
                skill=world.skills[rng.choice(["tracking", "dashboards", "testing", "elsewhere"])],
                role=world.role,
                level=level,
                version=1 if level else None,
                description="Text." if level else "",
                created=rng.choice(instants) + datetime.timedelta(minutes=rng.choice([0, 0, 1])),
            )
        )
    Assessment.objects.bulk_create(rows)
    with timezone.override(zone):
        person = person_skills(member)
        expected = _walked(person)
        assert len(expected) >= 2
        assert skills_over_time(person=person) == expected
