"""The plan page is kept whole per member (freshness.member_pages): exactly right on the very next request
after a tick, an undo, a catalog edit, a new role or level, and never another member's."""

import re

from django.test import Client

from growth import services
from skills.models import Expectation


def item(html: str, slug: str) -> str:
    return html.split(f'id="item-{slug}"', 1)[1].split("</li>", 1)[0]


def test_a_tick_and_an_undo_show_on_the_next_request(member_client, planner, world):
    assert "Mark as done" in item(member_client.get("/me/plan/").content.decode(), "kappa")
    assert member_client.post("/me/plan/ticks/kappa/senior/", {"action": "done"}).status_code == 302
    html = member_client.get("/me/plan/").content.decode()
    assert "Undo" in item(html, "kappa") and re.search(r"data-plan-done>\s*1 of", html)
    member_client.post("/me/plan/ticks/kappa/senior/", {"action": "undo"})
    assert "Mark as done" in item(member_client.get("/me/plan/").content.decode(), "kappa")


def test_a_tick_made_elsewhere_shows_on_the_next_request(member_client, planner, world):
    member_client.get("/me/plan/")
    services.tick_set(user=planner, cell=world.cells["kappa@senior"])  # the API, another tab: no cookie here
    assert "Undo" in item(member_client.get("/me/plan/").content.decode(), "kappa")


def test_a_catalog_edit_shows_on_the_next_request(member_client, planner, world):
    member_client.get("/me/plan/")
    Expectation.objects.filter(pk=world.cells["beta@senior"].pk).update(description="Builds **live** dashboards.")
    assert "<strong>live</strong>" in item(member_client.get("/me/plan/").content.decode(), "beta")


def test_a_new_level_shows_on_the_next_request(member_client, planner, world):
    assert "on the way to Senior" in member_client.get("/me/plan/").content.decode()
    services.plan_settings_save(user=planner, role=world.role, level=world.senior)
    assert "on the way to Lead" in member_client.get("/me/plan/").content.decode()


def test_each_member_gets_their_own_plan(member_client, planner, world):
    from tests.factories import UserFactory

    assert "on the way to Senior" in member_client.get("/me/plan/").content.decode()
    other = UserFactory(username="other")
    client = Client()
    client.force_login(other)
    assert "on the way to" not in client.get("/me/plan/").content.decode()  # no plan chosen: not the member's
