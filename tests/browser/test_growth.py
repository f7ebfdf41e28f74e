"""Growth plan journey: a member sets role and level on the account page, opens the plan and ticks an item."""

import json
import re
import subprocess

import pytest
from django.test import Client
from playwright.sync_api import expect

from growth import selectors, services
from growth.models import Tick
from skills.models import Expectation, Level, Role
from tests.browser.helpers import DESKTOP, PHONE, axe_violations, require_tool, screenshot, sign_in

pytestmark = pytest.mark.browser


def test_a_member_sets_role_and_level_opens_the_plan_and_ticks_an_item(site, seeded_catalog, member):
    page = site.page
    sign_in(page.context, site.base_url, member)

    site.goto("/accounts/profile/")
    card = page.locator("#growth-plan")
    expect(card.get_by_role("heading", name="Growth plan")).to_be_visible()
    # The script offers only the chosen role's levels: a Technical Lead starts at Senior.
    card.get_by_label("Your role").select_option(label="Technical Lead")
    expect(card.locator("select[name=level] option[value=junior]")).to_be_disabled()
    card.get_by_label("Your role").select_option(label="Data Scientist")
    expect(card.locator("select[name=level] option[value=junior]")).to_be_enabled()
    card.get_by_label("Your current level").select_option(label="Middle")
    screenshot(page, "growth-account-card")
    card.get_by_role("button", name="Save my role and level").click()

    page.wait_for_url("**/me/plan/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Data Scientist: on the way to Senior")
    done = page.locator("[data-plan-done]")
    total = int(re.search(r"0 of (\d+)", done.inner_text()).group(1))
    assert total > 0
    screenshot(page, "growth-plan")

    first = page.locator(".plan-item").first
    skill = first.locator("h3").inner_text()
    first.get_by_role("button", name=re.compile("^Mark as done")).click()
    expect(done).to_have_text(f"1 of {total}")  # in place: the script asks for the item and the progress
    expect(page.locator(".plan-item", has_text=skill).first.locator(".flag--done")).to_have_text("Done")
    assert Tick.objects.filter(user=member).count() == 1

    # Phone width and the printable page.
    page.set_viewport_size(PHONE)
    screenshot(page, "growth-plan-phone")
    page.set_viewport_size(DESKTOP)
    page.get_by_role("link", name="Printable page").click()
    page.wait_for_url("**/me/plan/print/")
    expect(page.get_by_role("button", name="Print")).to_be_visible()  # shown by the script
    expect(page.locator("tbody tr")).to_have_count(total)
    page.emulate_media(media="print")
    expect(page.locator(".site-nav")).to_be_hidden()
    screenshot(page, "growth-plan-print")
    assert site.errors == []


def _planned_member_with_a_changed_tick(member) -> None:
    """The member as a Middle Data Scientist, one item ticked and edited since, one ticked and unchanged."""
    data_scientist = Role.objects.get(slug="data-scientist")
    services.plan_settings_save(user=member, role=data_scientist, level=Level.objects.get(slug="middle"))
    first, second = selectors.plan_for(user=member).items[:2]
    services.tick_set(user=member, cell=first.next)
    services.tick_set(user=member, cell=second.next)
    Expectation.objects.filter(pk=first.next.pk).update(description=first.next.description + " Also mentors others.")


GROWTH_PAGES = ["/me/plan/", "/me/plan/print/", "/accounts/profile/"]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_growth_pages_have_no_serious_accessibility_violation(site, node_tools, seeded_catalog, member, scheme):
    _planned_member_with_a_changed_tick(member)
    sign_in(site.page.context, site.base_url, member)
    site.page.emulate_media(color_scheme=scheme)
    for path in GROWTH_PAGES:
        site.goto(path)
        site.page.locator("details.plan-item__current").evaluate_all("(all) => all.forEach(d => d.open = true)")
        assert axe_violations(site.page) == [], path
    expect(site.page.locator("#growth-plan")).to_be_visible()
    site.goto("/me/plan/")
    expect(site.page.locator(".plan-item__changed")).to_contain_text("Changed since you ticked it")
    screenshot(site.page, f"growth-plan-changed-{scheme}")
    assert site.errors == []


def test_the_growth_pages_are_valid_html(tmp_path, node_tools, seeded_catalog, member):
    java = require_tool("java", "the Nu HTML Checker runs on Java (apt-get install default-jre-headless)")
    client = Client()
    client.force_login(member)
    pages = {"plan-unset": client.get("/me/plan/")}
    _planned_member_with_a_changed_tick(member)
    pages |= {path.strip("/").replace("/", "-"): client.get(path) for path in [*GROWTH_PAGES, "/me/plan/settings/"]}
    pages["settings-errors"] = client.post("/me/plan/settings/", {"role": "technical-lead", "level": "junior"})
    files = []
    for name, response in pages.items():
        assert response.status_code in (200, 400), name
        path = tmp_path / f"{name}.html"
        path.write_text(response.content.decode())
        files.append(path)
    result = subprocess.run(
        [java, "-jar", str(node_tools["vnu"]), "--errors-only", "--format", "json", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(result.stderr or result.stdout)["messages"]
    assert [f"{m['url'].rsplit('/', 1)[-1]}:{m.get('lastLine')}: {m['message']}" for m in messages] == []
