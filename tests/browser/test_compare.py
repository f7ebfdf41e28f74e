"""Compare: from a skill page, put two levels side by side and read what changes; then two roles' matrices."""

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import DESKTOP, PHONE, screenshot
from tests.browser.world import SEED

pytestmark = pytest.mark.browser


def test_from_a_skill_page_compare_two_levels_and_see_the_diff(site, seeded_catalog):
    page = site.page
    page.set_viewport_size(DESKTOP)
    site.goto(f"/skills/{SEED}/")
    page.get_by_role("link", name="Compare levels or roles").click()
    page.wait_for_url(f"**/skills/{SEED}/compare/")
    expect(page.locator("h1")).to_have_text("ML Experiment Tracking")

    page.get_by_label("First level").select_option(label="Junior")
    page.get_by_label("Second level").select_option(label="Senior")
    page.get_by_role("button", name="Compare levels").click()
    page.wait_for_url("**/compare/?a=junior&b=senior#results")

    results = page.locator("#results")
    expect(results.get_by_role("heading", level=2)).to_have_text("Junior beside Senior")
    data_scientist = results.locator("article").filter(has=page.get_by_role("heading", name="Data Scientist"))
    expect(data_scientist.locator("ins").first).to_be_visible()
    expect(data_scientist.locator("del").first).to_be_visible()
    expect(data_scientist).to_contain_text("Proficiency: Working → Advanced")
    # The choice stays in the form, so that one side can be changed.
    expect(page.get_by_label("First level")).to_have_value("junior")
    expect(page.get_by_label("Second level")).to_have_value("senior")
    screenshot(page, "compare-levels")

    page.set_viewport_size(PHONE)
    screenshot(page, "compare-levels-phone")
    assert site.errors == []


def test_compare_two_roles_from_the_roles_list(site, seeded_catalog):
    page = site.page
    site.goto("/roles/")
    page.get_by_role("link", name="Compare two roles").click()
    page.get_by_label("First role").select_option(label="Data Scientist")
    page.get_by_label("Second role").select_option(label="LLM Engineer")
    page.get_by_role("button", name="Compare", exact=True).click()
    page.wait_for_url("**/roles/compare/?a=data-scientist&b=llm-engineer")
    expect(page.locator("#summary-title")).to_have_text("Data Scientist and LLM Engineer")
    expect(page.locator("main ins").first).to_be_visible()
    screenshot(page, "compare-roles")
    assert site.errors == []
