"""The history pages and their dates: an import as one entry, dates that agree with "Last updated", the way to the
page as it was, and the credit of an approved change."""

import copy
import json
import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from django.utils import formats, timezone

from proposals import services as proposal_services
from skills import as_of
from skills.audit import FIRST_IMPORT
from skills.catalog_io import import_catalog
from skills.models import Expectation, ExpectationEvent, Skill, SkillEvent
from tests.factories import make_catalog
from tests.proposals.helpers import change_for

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "catalog.json"
SEED = "/skills/ml-experiment-tracking/"
SEED_CELL = SEED + "data-scientist/middle/"
STARTER = "Imported with the starter catalog"
# As tests/skills/test_pages_skill.py pins them: the import's entry costs no query of its own.
HISTORY_QUERIES = 5  # skill, event count, event page, roles named on the page, levels
CELL_QUERIES = 4  # cell with skill/role/level, the role's other levels, the cell's audit events, its proposals


def load_fixture() -> dict:
    return json.loads(FIXTURE.read_text(encoding="utf-8"))


def html(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def text_of(page: str) -> str:
    page = page[page.find("<main") :] if "<main" in page else page
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


def entries(page: str) -> list[str]:
    return re.findall(r'<article class="event.*?</article>', page, re.S)


def long_date(day: date) -> str:
    return formats.date_format(day, "DATE_FORMAT")


def today_iso() -> str:
    return timezone.localdate(timezone=timezone.get_default_timezone()).isoformat()


# --- The first import: one entry, on the skill's history and on each cell's ------------------------------------


def test_the_first_import_marks_its_audit_context(db):
    import_catalog(load_fixture(), source_name="catalog.json")
    event = SkillEvent.objects.select_related("pgh_context").first()
    assert event.pgh_context.metadata[FIRST_IMPORT] is True
    changed = load_fixture()
    changed["skills"][0]["summary"] += " More."
    import_catalog(changed, source_name="catalog.json")
    later = SkillEvent.objects.select_related("pgh_context").order_by("-pgh_id").first()
    assert later.pgh_label == "update"
    assert FIRST_IMPORT not in later.pgh_context.metadata


def test_the_starter_catalog_is_one_entry_on_the_skill_history(client, seeded_catalog):
    page = html(client.get(SEED + "history/"))
    [entry] = entries(page)
    text = text_of(entry)
    assert STARTER in text
    assert "ML Experiment Tracking" in text
    assert "with its 10 expectations" in text
    assert "1 recorded change" in text_of(page)
    # No "by the system through Import" beside it: the label says it all.
    assert "through" not in text and "by the system" not in text


def test_the_starter_catalog_is_one_entry_on_a_cells_history(client, seeded_catalog):
    page = html(client.get(SEED_CELL))
    history = page[page.index('id="history-title"') :]
    [entry] = entries(history)
    assert STARTER in text_of(entry)
    assert "version 1" in text_of(entry)


def test_the_history_says_the_same_last_updated_as_the_skill(client, seeded_catalog):
    updated = Skill.objects.get(slug="ml-experiment-tracking").updated
    assert updated == date(2026, 2, 22)  # the source document's date, kept by the import
    shown = f"as last updated on {long_date(updated)}"
    assert long_date(updated) in text_of(html(client.get(SEED)))
    assert shown in text_of(entries(html(client.get(SEED + "history/")))[0])
    cell_page = html(client.get(SEED_CELL))
    assert shown in text_of(entries(cell_page[cell_page.index('id="history-title"') :])[0])
    assert f"Skill last updated {long_date(updated)}" in text_of(cell_page)


def test_a_later_change_shows_beside_the_import(client, seeded_catalog, author, reviewer):
    cell = Expectation.objects.select_related("skill", "role", "level").get(
        skill__slug="ml-experiment-tracking", role__slug="data-scientist", level__slug="middle"
    )
    proposal = proposal_services.proposal_create(
        author=author, skill=cell.skill, rationale="Clearer.", changes=[change_for(cell)]
    )
    proposal_services.proposal_approve(proposal=proposal, reviewer=reviewer)
    history = entries(html(client.get(SEED + "history/")))
    # The change to the cell, "Last updated" following it, and the import: still one entry for the import.
    assert [STARTER in text_of(entry) for entry in history] == [False, False, True]
    page = html(client.get(SEED_CELL))
    cell_history = entries(page[page.index('id="history-title"') :])
    assert len(cell_history) == 2
    assert STARTER in text_of(cell_history[1])
    today = timezone.localdate(timezone=timezone.get_default_timezone())
    assert f"Skill last updated {long_date(today)}" in text_of(page)


def test_a_later_import_that_adds_a_skill_shows_it_as_one_entry_too(client, seeded_catalog):
    data = load_fixture()
    new = copy.deepcopy(next(s for s in data["skills"] if s["slug"] == "ml-experiment-tracking"))
    new.update(slug="ml-experiment-tracking-2", name="ML Experiment Tracking 2", updated="2026-03-01")
    data["skills"].append(new)
    import_catalog(data, source_name="more.json")
    [entry] = entries(html(client.get("/skills/ml-experiment-tracking-2/history/")))
    text = text_of(entry)
    assert STARTER not in text
    assert "Added" in text and "through Import" in text
    assert "with its 10 expectations" in text
    assert f"as last updated on {long_date(date(2026, 3, 1))}" in text


def test_a_later_import_of_a_cell_into_an_existing_skill_is_an_entry_of_its_own(client, seeded_catalog):
    data = load_fixture()
    seed = next(s for s in data["skills"] if s["slug"] == "ml-experiment-tracking")
    seed["cells"] = [c for c in seed["cells"] if (c["role"], c["level"]) != ("data-scientist", "middle")]
    Expectation.objects.filter(skill__slug="ml-experiment-tracking", level__slug="middle").filter(
        role__slug="data-scientist"
    ).delete()
    seed["cells"].append({**seed["cells"][0], "level": "middle", "description": "Back again."})
    import_catalog(data, source_name="again.json")
    history = entries(html(client.get(SEED + "history/")))
    texts = [text_of(entry) for entry in history]
    assert any("Back again." in text and "through Import" in text for text in texts)
    assert sum(STARTER in text for text in texts) == 1


@pytest.mark.parametrize("roles", [2, 12])
def test_the_history_pages_of_an_import_cost_the_same_queries(client, db, django_assert_num_queries, roles):
    data = load_fixture()
    seed = next(s for s in data["skills"] if s["slug"] == "ml-experiment-tracking")
    levels = [level["slug"] for level in data["levels"]]
    seed["cells"] = [
        {"role": role["slug"], "level": level["level"], "required": False, "proficiency": "working", "description": "x"}
        for role in data["roles"][:roles]
        for level in role["levels"]
        if level["level"] in levels
    ]
    import_catalog(data)
    cells = Expectation.objects.filter(skill__slug="ml-experiment-tracking")
    assert cells.count() == len(seed["cells"]) > roles
    with django_assert_num_queries(HISTORY_QUERIES - 1):  # no role to name: the import's entry stands for the cells
        page = html(client.get(SEED + "history/"))
    assert len(entries(page)) == 1
    assert f"with its {len(seed['cells'])} expectations" in text_of(page)
    cell = cells.select_related("skill", "role", "level").first()
    with django_assert_num_queries(CELL_QUERIES):
        page = html(client.get(cell.get_absolute_url()))
    assert STARTER in text_of(page)


# --- The page as it was --------------------------------------------------------------------------------------


def test_the_history_page_has_a_date_picker_for_the_page_as_it_was(client, seeded_catalog):
    page = html(client.get(SEED + "history/"))
    form = re.search(r'<form class="as-of-picker" method="get" action="([^"]+)">(.*?)</form>', page, re.S)
    assert form.group(1) == SEED
    field = re.search(r'<input id="as-of-day" type="date" name="as_of"[^>]*>', form.group(2)).group(0)
    first = timezone.localtime(Skill.objects.get(slug="ml-experiment-tracking").created).date()
    assert f'min="{first.isoformat()}"' in field
    assert f'max="{today_iso()}"' in field
    assert '<label for="as-of-day">' in form.group(2)
    # What the form sends: the skill page of that day.
    past = client.get(SEED, {"as_of": today_iso()})
    assert "as it stood on" in html(past)


def test_each_entry_links_to_the_page_as_it_was_that_day(client, seeded_catalog):
    for url in (SEED + "history/", SEED_CELL):
        page = html(client.get(url))
        links = re.findall(r'<a class="event__as-of" href="([^"]+)">See the page as it was</a>', page)
        assert links == [f"{SEED}?as_of={today_iso()}"] * len(entries(page))
        assert "as it stood on" in html(client.get(links[0]))


def test_an_entrys_day_is_the_sites_day(client, seeded_catalog, settings):
    settings.TIME_ZONE = "Pacific/Kiritimati"  # UTC+14: late in a UTC day is the next day there
    event = ExpectationEvent.objects.order_by("pgh_id").first()
    moment = datetime(2026, 3, 1, 20, 0, tzinfo=UTC)
    ExpectationEvent.objects.filter(pk=event.pk).update(pgh_created_at=moment)
    Skill.objects.filter(pk=event.skill_id).update(created=moment)
    skill = Skill.objects.get(pk=event.skill_id)
    page = html(client.get(f"/skills/{skill.slug}/{event.role.slug}/{event.level.slug}/"))
    assert f'href="/skills/{skill.slug}/?as_of=2026-03-02"' in page
    assert as_of.day_end(date(2026, 3, 2)) > moment


# --- An approved change credits its author and its reviewer -------------------------------------------------


def test_an_approved_change_credits_author_and_reviewer(client, levels, author, reviewer):
    catalog = make_catalog(skills=1, roles=1, levels=levels)
    skill = catalog["skills"][0]
    cell = Expectation.objects.select_related("skill", "role", "level").get(skill=skill, level=levels[1])
    proposal = proposal_services.proposal_create(
        author=author, skill=skill, rationale="Better.", changes=[change_for(cell)]
    )
    proposal_services.proposal_approve(proposal=proposal, reviewer=reviewer)
    for url in (f"/skills/{skill.slug}/history/", cell.get_absolute_url()):
        page = html(client.get(url))
        changed = text_of(entries(page)[0])
        assert "suggested by author, approved by reviewer" in changed
        assert f'href="/proposals/{proposal.pk}/">proposal #{proposal.pk}</a>' in entries(page)[0]
        # No word twice: neither "through Approved proposal proposal #1" nor "by reviewer … approved by reviewer".
        assert "Approved proposal" not in changed
        assert changed.count("reviewer") == 1
        assert changed.count("proposal") == 1
