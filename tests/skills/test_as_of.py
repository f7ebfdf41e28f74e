"""?as_of=YYYY-MM-DD: the skill and role pages and their API answers as they stood at the end of a past day.

The test's writes all happen inside one transaction, so their audit events
share one timestamp; the Clock moves the events written since its last call
to a chosen day, as if they had been written then.
"""

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from skills import selectors
from skills.models import (
    Expectation,
    ExpectationEvent,
    LevelEvent,
    Proficiency,
    Role,
    Skill,
)
from tests.factories import ExpectationFactory, SkillFactory, make_catalog, make_role
from tests.skills.helpers import Clock, at

# Days in the past, fixed when the module loads; "today" is asked when a test runs (a run may cross midnight).
DAY0 = timezone.localdate() - timedelta(days=30)  # before anything existed
DAY1 = DAY0 + timedelta(days=10)
DAY2 = DAY0 + timedelta(days=20)
TOMORROW = "tomorrow"  # in parametrize: the day after the test's today


def today():
    return timezone.localdate()


SKILL_QUERIES = 6  # skill, its group, its domain, its cells, their roles, their levels
ROLE_QUERIES = 7  # role, its role levels, the levels, its cells, their skills, groups, domains
# The pages add the live views' revision check (skills/freshness/conditional.py) to the above.
SKILL_PAGE_QUERIES = SKILL_QUERIES + 1
ROLE_PAGE_QUERIES = ROLE_QUERIES + 1


@dataclass
class Story:
    skill: Skill
    role: Role
    cell: Expectation


@pytest.fixture
def story(levels) -> Story:
    """A skill made on DAY1, changed on DAY2 and again today.

    DAY1: "Old name", the junior cell says "First text", a middle cell exists.
    DAY2: renamed "New name" (slug too), junior says "Second text", the middle cell is removed, a senior cell added.
    Today: junior says "Third text".
    """
    clock = Clock()
    clock.stamp(at(DAY0))  # the levels
    role = make_role(levels, name="Analyst", slug="analyst", tagline="Old tagline")
    skill = SkillFactory(name="Old name", slug="old-name", summary="Old summary.")
    cell = ExpectationFactory(skill=skill, role=role, level=levels[0], description="First text", required=True)
    middle = ExpectationFactory(skill=skill, role=role, level=levels[1], description="Middle text")
    clock.stamp(at(DAY1))

    skill.refresh_from_db()
    skill.name, skill.slug = "New name", "new-name"
    skill.save()
    cell.description = "Second text"
    cell.save()
    middle.delete()
    ExpectationFactory(skill=skill, role=role, level=levels[2], description="Senior text")
    role.tagline = "New tagline"
    role.save()
    clock.stamp(at(DAY2))

    cell.description = "Third text"
    cell.save()
    return Story(skill=skill, role=role, cell=cell)


def page(response) -> str:
    return response.content.decode()


# ------------------------------------------------------------------- skill page
def test_each_day_shows_the_text_of_that_day(client, story):
    day1 = client.get("/skills/new-name/", {"as_of": DAY1.isoformat()})
    assert day1.status_code == 200
    html = page(day1)
    assert "Old name" in html and "New name" not in html
    assert "First text" in html and "Second text" not in html and "Third text" not in html
    assert "Middle text" in html and "Senior text" not in html

    html = page(client.get("/skills/new-name/", {"as_of": DAY2.isoformat()}))
    assert "New name" in html and "Second text" in html
    assert "First text" not in html and "Third text" not in html
    assert "Middle text" not in html and "Senior text" in html

    html = page(client.get("/skills/new-name/", {"as_of": today().isoformat()}))
    assert "Third text" in html and "Second text" not in html


def test_the_banner_names_the_day_and_links_to_today(client, story):
    html = page(client.get("/skills/new-name/", {"as_of": DAY1.isoformat()}))
    assert "You are looking at this page as it stood on" in html
    assert f'<time datetime="{DAY1.isoformat()}">' in html
    assert '<a href="/skills/new-name/">See today\'s version</a>' in html
    assert '<meta name="robots" content="noindex">' in html
    # Today's page has no banner.
    assert "as it stood on" not in page(client.get("/skills/new-name/"))


def test_the_community_block_is_left_to_today(client, story):
    html = page(client.get("/skills/new-name/", {"as_of": DAY1.isoformat()}))
    assert "not kept by date" in html
    assert 'href="/skills/new-name/#community"' in html
    assert "community-watch" not in html


def test_stat_cards_count_the_cells_of_that_day(client, story):
    context = client.get("/skills/new-name/", {"as_of": DAY1.isoformat()}).context
    skill = context["skill"]
    assert (skill.role_count, skill.level_count, skill.required_count, context["optional_count"]) == (1, 2, 1, 1)
    skill = client.get("/skills/new-name/", {"as_of": DAY2.isoformat()}).context["skill"]
    assert (skill.role_count, skill.level_count, skill.cell_count) == (1, 2, 2)


def test_last_updated_is_the_date_recorded_then(client, levels):
    clock = Clock()
    skill = SkillFactory(slug="dated", updated=date(2025, 5, 5))
    clock.stamp(at(DAY1))
    Skill.objects.filter(pk=skill.pk).update(updated=date(2025, 6, 6))
    clock.stamp(at(DAY2))
    assert client.get("/skills/dated/", {"as_of": DAY1.isoformat()}).context["skill"].updated == date(2025, 5, 5)
    assert client.get("/skills/dated/", {"as_of": DAY2.isoformat()}).context["skill"].updated == date(2025, 6, 6)


def test_the_level_picker_compares_the_cells_of_that_day(client, story):
    response = client.get("/skills/new-name/", {"as_of": DAY1.isoformat(), "level": "junior"})
    assert response.context["comparison"].level.slug == "junior"
    step = response.context["comparison"].steps[0]
    assert (step.current.description, step.next.description) == ("First text", "Middle text")


def test_links_on_the_past_page_stay_on_that_day(client, story):
    day = DAY1.isoformat()
    html = page(client.get("/skills/new-name/", {"as_of": day, "level": "junior"}))
    assert f'<input type="hidden" name="as_of" value="{day}">' in html  # the level picker keeps the day
    assert f'<a class="level-picker__reset" href="/skills/old-name/?as_of={day}">' in html
    assert f'<a href="/roles/analyst/?as_of={day}">Analyst</a>' in html
    html = page(client.get("/skills/new-name/", {"as_of": day, "level": "nope"}))
    assert f'<a href="?level=junior&amp;as_of={day}#compare">' in html
    html = page(client.get("/roles/analyst/", {"as_of": day}))
    assert f'<a href="/skills/old-name/?as_of={day}">Old name</a>' in html
    # Downloads are today's data: they have no place on a past page.
    assert "career-track.pdf" not in html and "matrix.csv" not in html
    assert "career-track.pdf" in page(client.get("/roles/analyst/"))
    assert "cells.csv" not in page(client.get("/skills/new-name/", {"as_of": day}))
    assert "cells.csv" in page(client.get("/skills/new-name/"))


def test_an_old_address_still_answers_for_its_day(client, story):
    response = client.get("/skills/old-name/", {"as_of": DAY1.isoformat()})
    assert response.status_code == 200
    assert response.context["today_url"] == "/skills/new-name/"
    # On DAY2 the skill was already called new-name: the old address named nothing.
    response = client.get("/skills/old-name/", {"as_of": DAY2.isoformat()})
    assert response.status_code == 404
    assert "Nothing was at this address" in page(response)


def test_before_the_skill_existed_is_a_clear_404(client, story):
    response = client.get("/skills/new-name/", {"as_of": DAY0.isoformat()})
    assert response.status_code == 404
    html = page(response)
    assert "“New name” did not exist yet on" in html
    assert '<a class="button" href="/skills/new-name/">' in html


def test_an_unknown_skill_is_a_404(client, db):
    response = client.get("/skills/no-such-skill/", {"as_of": DAY1.isoformat()})
    assert response.status_code == 404


def test_a_removed_skill_can_still_be_seen_as_it_stood(client, story):
    Skill.objects.filter(pk=story.skill.pk).delete()
    response = client.get("/skills/new-name/", {"as_of": DAY2.isoformat()})
    assert response.status_code == 200
    html = page(response)
    assert "Second text" in html
    assert "It has since been removed from the catalog." in html
    assert response.context["today_url"] is None


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (" ", "Give the date as YYYY-MM-DD"),
        ("yesterday", "Give the date as YYYY-MM-DD"),
        ("2026-2-1", "Give the date as YYYY-MM-DD"),
        ("20260201", "Give the date as YYYY-MM-DD"),
        ("２０２６-０２-０１", "Give the date as YYYY-MM-DD"),  # noqa: RUF001 (full-width digits are the point)
        ("2026-02-30", "is not a day of the calendar"),
        ("0000-01-01", "is not a day of the calendar"),
        ("9999-12-31", "is in the future"),
        (TOMORROW, "is in the future"),
        ("2026-01-01\x00", "Give the date as YYYY-MM-DD"),
    ],
)
def test_bad_dates_are_a_clear_400(client, story, value, message):
    if value == TOMORROW:
        value = (today() + timedelta(days=1)).isoformat()
    response = client.get("/skills/new-name/", {"as_of": value})
    assert response.status_code == 400
    assert message in page(response)
    response = client.get("/roles/analyst/", {"as_of": value})
    assert response.status_code == 400
    assert message in page(response)


@pytest.mark.parametrize(
    "url", ["/skills/new-name/", "/roles/analyst/", "/api/skills/new-name/", "/api/roles/analyst/"]
)
def test_an_empty_as_of_means_not_given(client, story, url):
    # As HTML forms send an empty field.
    response = client.get(url, {"as_of": ""})
    assert response.status_code == 200
    assert "as it stood on" not in page(response)


def test_the_first_day_of_the_calendar_is_simply_before_everything(client, story):
    assert client.get("/skills/new-name/", {"as_of": "0001-01-01"}).status_code == 404


def test_the_day_ends_at_midnight_in_the_site_time_zone(client, levels, settings):
    settings.TIME_ZONE = "Pacific/Auckland"  # far from UTC: a boundary taken in UTC would be half a day off
    clock = Clock()
    skill = SkillFactory(slug="late")
    cell = ExpectationFactory(skill=skill, description="Before midnight", role=make_role(levels), level=levels[0])
    clock.stamp(at(DAY1, 23, 59))
    cell.description = "After midnight"
    cell.save()
    clock.stamp(at(DAY2, 0, 1))
    assert "Before midnight" in page(client.get("/skills/late/", {"as_of": DAY1.isoformat()}))
    assert "After midnight" in page(client.get("/skills/late/", {"as_of": DAY2.isoformat()}))


def test_events_written_at_the_same_moment_keep_their_order(levels):
    # One transaction: every event has the same timestamp; the last written wins.
    clock = Clock()
    cell = ExpectationFactory(description="One", role=make_role(levels), level=levels[0])
    cell.description = "Two"
    cell.save()
    clock.stamp(at(DAY1))
    past = selectors.skill_as_of(slug=cell.skill.slug, day=DAY1)
    assert [c.description for c in past.cells] == ["Two"]


def test_a_cell_moved_to_another_skill_leaves_the_first(levels):
    clock = Clock()
    cell = ExpectationFactory(description="Moving", role=make_role(levels), level=levels[0])
    first = cell.skill
    clock.stamp(at(DAY1))
    other = SkillFactory()
    Expectation.objects.filter(pk=cell.pk).update(skill=other)
    clock.stamp(at(DAY2))
    assert [c.description for c in selectors.skill_as_of(slug=first.slug, day=DAY1).cells] == ["Moving"]
    assert selectors.skill_as_of(slug=first.slug, day=DAY2).cells == []
    assert [c.description for c in selectors.skill_as_of(slug=other.slug, day=DAY2).cells] == ["Moving"]


def test_the_rebuilt_rows_are_model_instances_of_that_day(story):
    past = selectors.skill_as_of(slug="new-name", day=DAY1)
    assert isinstance(past.skill, Skill) and past.skill.name == "Old name" and past.skill.slug == "old-name"
    assert past.skill.pk == story.skill.pk and past.skill._state.adding
    assert [(c.role.slug, c.level.slug, c.description) for c in past.cells] == [
        ("analyst", "junior", "First text"),
        ("analyst", "middle", "Middle text"),
    ]
    assert past.cells[0].get_proficiency_display() == "Working"


# -------------------------------------------------------------------- role page
def test_the_role_page_as_it_stood(client, story):
    response = client.get("/roles/analyst/", {"as_of": DAY1.isoformat()})
    assert response.status_code == 200
    html = page(response)
    assert "Old tagline" in html and "New tagline" not in html
    assert "Old name" in html and "New name" not in html
    assert "You are looking at this page as it stood on" in html
    assert '<a href="/roles/analyst/">See today\'s version</a>' in html
    profile = response.context["profile"]
    assert [(c.skill.name, c.level.slug) for c in profile.cells] == [("Old name", "junior"), ("Old name", "middle")]
    assert (profile.skill_count, profile.level_count, profile.required_count, profile.cell_count) == (1, 2, 1, 2)
    assert len(profile.role_levels) == 5 and len(profile.levels) == 5

    profile = client.get("/roles/analyst/", {"as_of": DAY2.isoformat()}).context["profile"]
    cells = [(c.level.slug, c.description) for c in profile.cells]
    assert cells == [("junior", "Second text"), ("senior", "Senior text")]


def test_the_role_page_before_the_role_existed_is_a_404(client, story):
    response = client.get("/roles/analyst/", {"as_of": DAY0.isoformat()})
    assert response.status_code == 404
    assert "“Analyst” did not exist yet on" in page(response)


# -------------------------------------------------------------------------- API
@pytest.fixture
def api():
    return APIClient()


def test_the_skill_api_as_it_stood(api, story):
    response = api.get("/api/skills/new-name/", {"as_of": DAY1.isoformat()})
    assert response.status_code == 200
    data = response.json()
    assert (data["name"], data["slug"], data["summary"]) == ("Old name", "old-name", "Old summary.")
    assert (data["roles"], data["levels"], data["mandatory"], data["optional"]) == (1, 2, 1, 1)
    assert [(c["role"], c["level"], c["description"]) for c in data["cells"]] == [
        ("analyst", "junior", "First text"),
        ("analyst", "middle", "Middle text"),
    ]
    today = api.get("/api/skills/new-name/").json()
    assert set(data) == set(today)  # the same shape as today's answer
    assert [c["description"] for c in today["cells"]] == ["Third text", "Senior text"]


def test_the_role_api_as_it_stood(api, story):
    response = api.get("/api/roles/analyst/", {"as_of": DAY1.isoformat()})
    assert response.status_code == 200
    data = response.json()
    assert data["tagline"] == "Old tagline"
    assert len(data["levels"]) == 5
    assert [(row["name"], [c["description"] for c in row["cells"]]) for row in data["matrix"]] == [
        ("Old name", ["First text", "Middle text"])
    ]
    assert set(data) == set(api.get("/api/roles/analyst/").json())


@pytest.mark.parametrize("url", ["/api/skills/new-name/", "/api/roles/analyst/"])
def test_the_api_refuses_bad_dates_and_days_before_with_json(api, story, url):
    response = api.get(url, {"as_of": "2026-13-01"})
    assert response.status_code == 400
    assert "is not a day of the calendar" in response.json()["as_of"][0]
    response = api.get(url, {"as_of": (today() + timedelta(days=1)).isoformat()})
    assert response.status_code == 400
    response = api.get(url, {"as_of": DAY0.isoformat()})
    assert response.status_code == 404
    assert "did not exist yet" in response.json()["detail"]


def test_the_schema_documents_as_of(api, db):
    schema = api.get("/api/schema/", {"format": "json"}).json()
    for path in ("/api/skills/{slug}/", "/api/roles/{slug}/"):
        operation = schema["paths"][path]["get"]
        parameter = next(p for p in operation["parameters"] if p["name"] == "as_of")
        assert parameter["schema"] == {"type": "string", "format": "date"}
        assert "400" in operation["responses"]


def test_a_parent_without_a_state_that_day_is_taken_as_today(levels, django_assert_num_queries):
    # Rows the audit trail never saw (written with the triggers off) cannot break a page.
    clock = Clock()
    cell = ExpectationFactory(description="Kept", role=make_role(levels), level=levels[0])
    clock.stamp(at(DAY1))
    LevelEvent.objects.all().delete()
    with django_assert_num_queries(SKILL_QUERIES + 1):  # one more: the levels as they are today
        past = selectors.skill_as_of(slug=cell.skill.slug, day=DAY1)
    assert [(c.level.name, c.description) for c in past.cells] == [("Junior", "Kept")]


def test_a_cell_without_events_has_no_past(levels):
    clock = Clock()
    cell = ExpectationFactory(description="Unrecorded", role=make_role(levels), level=levels[0])
    clock.stamp(at(DAY1))
    ExpectationEvent.objects.filter(pgh_obj_id=cell.pk).delete()
    assert selectors.skill_as_of(slug=cell.skill.slug, day=DAY1).cells == []


# ------------------------------------------------------------------ query counts
def _history(levels, size: int, edits: int) -> dict:
    """A catalog of `size` skills, then `edits` changes to every cell of the first skill, all on DAY1."""
    clock = Clock()
    catalog = make_catalog(skills=size, roles=3, levels=levels)
    cells = list(Expectation.objects.filter(skill=catalog["skills"][0]))
    for number in range(edits):
        for cell in cells:
            cell.description = f"Edit {number} of {cell.pk}."
            cell.proficiency = Proficiency.values[number % 4]
        Expectation.objects.bulk_update(cells, ["description", "proficiency"])
    clock.stamp(at(DAY1))
    return catalog


@pytest.mark.parametrize(("size", "edits"), [(2, 0), (60, 12)])
def test_query_counts_do_not_grow(client, api, levels, django_assert_num_queries, size, edits):
    catalog = _history(levels, size, edits)
    skill, role = catalog["skills"][0], catalog["roles"][0]
    day = DAY1.isoformat()

    with django_assert_num_queries(SKILL_QUERIES):
        past = selectors.skill_as_of(slug=skill.slug, day=DAY1)
    assert len(past.cells) == 3 * len(levels)
    with django_assert_num_queries(ROLE_QUERIES):
        past = selectors.role_as_of(slug=role.slug, day=DAY1)
    assert len(past.profile.cells) == size * len(levels)

    with django_assert_num_queries(SKILL_PAGE_QUERIES):
        assert client.get(skill.get_absolute_url(), {"as_of": day}).status_code == 200
    with django_assert_num_queries(ROLE_PAGE_QUERIES):
        assert client.get(role.get_absolute_url(), {"as_of": day}).status_code == 200
    with django_assert_num_queries(SKILL_QUERIES):
        assert api.get(f"/api/skills/{skill.slug}/", {"as_of": day}).status_code == 200
    with django_assert_num_queries(ROLE_QUERIES):
        assert api.get(f"/api/roles/{role.slug}/", {"as_of": day}).status_code == 200
