"""Ticks asked for in place (static/js/inplace.js): the item and the progress as they now stand; the plain form too."""

import re

import pytest
from django.test import Client

from growth import services
from growth.models import Tick
from growth.selectors import plan_answer, plan_cell, plan_for, step_segments
from growth.services import plan_settings_save, tick_clear, tick_set
from skills.diff import step_changes
from skills.models import Expectation
from tests.factories import UserFactory, make_catalog

PARTIAL = {"HTTP_X_REQUESTED_WITH": "partial"}


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_tick_in_place_answers_the_item_and_the_progress(planner, world):
    client = client_for(planner)
    response = client.post("/me/plan/ticks/zeta/senior/", {"action": "done"}, **PARTIAL)
    assert response.status_code == 200
    assert response["X-Partial"] == "true"
    html = response.content.decode()
    assert "<p data-inplace-status>Marked as done: Zeta</p>" in html
    assert '<section class="plan-progress" id="progress"' in html
    assert '<dd class="stat__value" data-plan-done>1 of 4</dd>' in html
    assert 'id="item-zeta"' in html and 'id="item-kappa"' not in html  # only the item ticked
    assert 'name="action" value="undo"' in html and "<!DOCTYPE" not in html
    assert Tick.objects.filter(user=planner, expectation=world.cells["zeta@senior"]).exists()

    undone = client.post("/me/plan/ticks/zeta/senior/", {"action": "undo"}, **PARTIAL).content.decode()
    assert "No longer marked as done: Zeta" in undone and "0 of 4" in undone
    assert not Tick.objects.filter(user=planner).exists()


def test_the_plain_form_still_redirects_to_the_item(planner, world):
    response = client_for(planner).post("/me/plan/ticks/zeta/senior/", {"action": "done"})
    assert response.status_code == 302
    assert response["Location"] == "/me/plan/#item-zeta"
    assert Tick.objects.filter(user=planner).count() == 1


def test_errors_in_place_are_the_servers_message(planner, world):
    client = client_for(planner)
    bad = client.post("/me/plan/ticks/zeta/senior/", {"action": "maybe"}, **PARTIAL)
    assert (bad.status_code, bad["Content-Type"]) == (400, "text/plain; charset=utf-8")
    assert bad.content.decode() == "Unknown action: use “done” or “undo”."
    missing = client.post("/me/plan/ticks/middle-only/senior/", {"action": "done"}, **PARTIAL)
    assert (missing.status_code, missing["Content-Type"]) == (404, "text/plain; charset=utf-8")
    assert missing.content.decode() == "This item is not in your growth plan."


@pytest.mark.parametrize("how", ["partial", "plain"])
def test_a_plan_changed_between_the_lookup_and_the_write_answers_not_in_the_plan(planner, world, monkeypatch, how):
    """Another tab moves the member to Senior while this tick is on its way: the write refuses it, the answer is the
    not-in-your-plan 404 (was a 500 in that moment)."""
    write = services.tick_set

    def moved_meanwhile(*, user, cell):
        services.plan_settings_save(user=user, role=world.role, level=world.senior)
        return write(user=user, cell=cell)

    monkeypatch.setattr(services, "tick_set", moved_meanwhile)
    response = client_for(planner).post(
        "/me/plan/ticks/zeta/senior/", {"action": "done"}, **(PARTIAL if how == "partial" else {})
    )
    assert response.status_code == 404
    if how == "partial":
        assert response.content.decode() == "This item is not in your growth plan."
    assert not Tick.objects.exists()


def test_the_plan_page_loads_the_script_and_marks_its_forms(planner, world):
    html = client_for(planner).get("/me/plan/").content.decode()
    assert "/static/js/inplace.js" in html
    assert 'class="inline-form plan-item__tick" data-inplace>' in html
    assert '<div id="inplace-status" class="visually-hidden" role="status" aria-live="polite"' in html


def _item_html(html: str, slug: str) -> str:
    start = html.index(f'id="item-{slug}"')
    item = html[start : html.index("</li>", start)]
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", item)


def test_the_answer_in_place_agrees_with_the_plan_page(planner, world):
    """The answer reads the item and counts the progress in the database (plan_answer): the same item, the same
    counts as the plan page's, with a required item ticked and an item changed since its tick."""
    tick_set(user=planner, cell=world.cells["delta@senior"])
    Expectation.objects.filter(pk=world.cells["delta@senior"].pk).update(description="Writes tests for everything.")
    client = client_for(planner)
    answer = client.post("/me/plan/ticks/zeta/senior/", {"action": "done"}, **PARTIAL).content.decode()
    page = client.get("/me/plan/").content.decode()
    assert _item_html(answer, "zeta") == _item_html(page, "zeta")
    assert "Compare with your level (Middle)" in _item_html(answer, "zeta")  # the diff is there
    progress = re.compile(r'<section class="plan-progress".*?</section>', re.S)
    assert progress.search(answer).group(0) == progress.search(page).group(0)
    for key, action in [("zeta@senior", "undo"), ("zeta@senior", "done"), ("kappa@senior", "done")]:
        skill_slug, level_slug = key.split("@")
        found = plan_cell(user=planner, skill_slug=skill_slug, level_slug=level_slug)
        ticked = tick_set(user=planner, cell=found.cell) if action == "done" else None
        if action == "undo":
            tick_clear(user=planner, cell=found.cell)
        fast = plan_answer(user=planner, found=found, tick=ticked)
        full = plan_for(user=planner)
        counts = ("total", "done", "required_total", "required_done", "changed", "percent")
        assert [getattr(fast, name) for name in counts] == [getattr(full, name) for name in counts]
        item = next(item for item in full.items if item.next.pk == world.cells[key].pk)
        assert (fast.item.done, fast.item.changed_since_tick, fast.item.changes, fast.item.segments) == (
            item.done,
            item.changed_since_tick,
            item.changes,
            item.segments,
        )
        assert fast.next_level == full.next_level
        assert fast.level == (full.level if found.current is not None else None)  # shown only beside that cell
    assert full.changed == 1 and full.done == 3  # delta, ticked before it changed; zeta and kappa


# Session and user; the item's two cells (plan_cell: the next one in the plan, the member's profile read by the same
# query); the tick, checked against the plan and written in one statement; the progress counts. The answer's item is
# made of the cells read and the tick written.
TICK_ANSWER_QUERIES = 5
UNTICK_ANSWER_QUERIES = 5  # the same, the tick deleted


@pytest.mark.parametrize(("skills", "roles"), [(3, 2), (80, 6)])
def test_the_answer_in_place_costs_the_same_at_any_size(levels, skills, roles, django_assert_num_queries):
    catalog = make_catalog(skills=skills, roles=roles, levels=levels)
    user = UserFactory(username="counted")
    plan_settings_save(user=user, role=catalog["roles"][0], level=catalog["levels"][1])
    cell = Expectation.objects.filter(role=catalog["roles"][0], level=catalog["levels"][2]).select_related("skill")[0]
    client = client_for(user)
    client.get("/me/plan/")
    address = f"/me/plan/ticks/{cell.skill.slug}/{catalog['levels'][2].slug}/"
    with django_assert_num_queries(TICK_ANSWER_QUERIES):
        response = client.post(address, {"action": "done"}, **PARTIAL)
    assert re.search(rf"data-plan-done>\s*1 of {skills}\s*<", response.content.decode())
    with django_assert_num_queries(UNTICK_ANSWER_QUERIES):
        response = client.post(address, {"action": "undo"}, **PARTIAL)
    assert re.search(rf"data-plan-done>\s*0 of {skills}\s*<", response.content.decode())


def test_the_kept_diff_is_the_word_diff(planner, world):
    """step_segments keeps step_changes' diff per process: the plan's items show the same segments."""
    for item in plan_for(user=planner).items:
        if item.current is not None:
            expected, labels = step_changes(item.current, item.next)
            assert (item.segments, item.changes) == (expected, labels)
            assert step_segments(item.current.description, item.next.description) == tuple(expected)
