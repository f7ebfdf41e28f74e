"""Compare in Chromium: two levels of a skill read side by side with what changes in words, the redline on
request; two roles as a grid whose rows open onto both texts; no page scrolls sideways on a phone."""

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import DESKTOP, PHONE, axe_violations, screenshot
from tests.browser.world import SEED

pytestmark = pytest.mark.browser

LEVELS = f"/skills/{SEED}/compare/?a=junior&b=senior"
ROLES = "/roles/compare/?a=data-scientist&b=llm-engineer"


def no_sideways_scroll(page) -> None:
    width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], width


def test_from_a_skill_page_compare_two_levels_and_read_what_changes(site, seeded_catalog, node_tools):
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
    expect(data_scientist.get_by_role("list", name="What differs")).to_contain_text(
        "Proficiency rises from Working to Advanced"
    )
    # Both texts in full, side by side on a desktop; no redline until asked for.
    junior, senior = data_scientist.locator(".compare__col").all()
    expect(junior.locator(".prose")).to_contain_text("Uses MLflow or W&B")
    expect(senior.locator(".prose")).to_contain_text("Designs enterprise experiment tracking")
    assert junior.bounding_box()["y"] == senior.bounding_box()["y"]
    expect(page.locator("#results ins")).to_have_count(0)
    # The choice stays in the form, so that one side can be changed.
    expect(page.get_by_label("First level")).to_have_value("junior")
    expect(page.get_by_label("Second level")).to_have_value("senior")
    screenshot(page, "compare-levels")

    page.get_by_role("link", name="Show word-by-word changes").click()
    page.wait_for_url("**/compare/?a=junior&b=senior&redline=1#results")
    expect(data_scientist.locator(".redline ins").first).to_be_visible()
    expect(data_scientist.locator(".redline del").first).to_be_visible()
    assert axe_violations(page) == []
    screenshot(page, "compare-levels-redline")

    page.set_viewport_size(PHONE)
    junior, senior = data_scientist.locator(".compare__col").all()
    assert senior.bounding_box()["y"] > junior.bounding_box()["y"]  # stacked on a phone
    no_sideways_scroll(page)
    screenshot(page, "compare-levels-phone")
    page.get_by_role("link", name="Hide word-by-word changes").click()
    expect(page.locator("#results .redline")).to_have_count(0)
    assert site.errors == []


def test_compare_two_roles_from_the_roles_list_and_open_a_row(site, seeded_catalog, node_tools):
    page = site.page
    page.set_viewport_size(DESKTOP)
    site.goto("/roles/")
    page.get_by_role("link", name="Compare two roles").click()
    page.get_by_label("First role").select_option(label="Data Scientist")
    page.get_by_label("Second role").select_option(label="LLM Engineer")
    page.get_by_role("button", name="Compare", exact=True).click()
    page.wait_for_url("**/roles/compare/?a=data-scientist&b=llm-engineer")
    expect(page.locator("#summary-title")).to_have_text("Data Scientist and LLM Engineer")

    grid = page.locator("#different table")
    row = grid.locator("tbody").filter(has=page.get_by_role("link", name="ML Experiment Tracking", exact=True))
    expect(row.locator("td").first).to_have_text("Junior")
    texts = row.locator("details.compare-texts")
    expect(texts.locator(".prose").first).to_be_hidden()
    texts.locator("summary").click()
    expect(texts.locator(".prose").first).to_contain_text("Uses MLflow or W&B")
    expect(texts.locator(".prose").nth(1)).to_contain_text("Knows experiment tracking basics")
    expect(page.locator("main ins, main del")).to_have_count(0)
    assert axe_violations(page) == []
    screenshot(page, "compare-roles")

    page.set_viewport_size(PHONE)
    no_sideways_scroll(page)
    screenshot(page, "compare-roles-phone")
    assert site.errors == []


@pytest.mark.parametrize("language", ["en", "de", "es", "zh-hans"])
def test_no_compare_page_scrolls_sideways_on_a_phone(site, seeded_catalog, language):
    page = site.page
    page.set_viewport_size(PHONE)
    for path in (f"/skills/{SEED}/compare/", LEVELS + "&redline=1", ROLES):
        site.goto(f"{path}{'&' if '?' in path else '?'}lang={language}")
        page.locator("details").evaluate_all("(all) => all.forEach(d => d.open = true)")
        no_sideways_scroll(page)
    screenshot(page, f"compare-roles-phone-{language}")
    assert site.errors == []
