"""A reader searches a tool's name and lands on the expectation that names it; on the history, picks a day and sees
the page as it was then. On a phone and on a desktop, without horizontal scrolling."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.helpers import DESKTOP, PHONE, axe_violations, screenshot
from tests.browser.world import SEED

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("node_tools")]


def scrolls_sideways(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth")


@pytest.mark.parametrize(("size", "viewport"), [("phone", PHONE), ("desktop", DESKTOP)])
def test_searching_a_tool_lands_on_the_expectation_that_names_it(site, seeded_catalog, size, viewport):
    page = site.page
    page.set_viewport_size(viewport)
    site.goto("/search/?q=MLflow")
    first = page.locator(".search-result").first
    expect(first.locator(".search-result__title")).to_have_text("ML Experiment Tracking")
    expect(first.locator(".search-result__where")).to_contain_text("Found in")
    expect(first.locator(".search-result__snippet mark").first).to_have_text("MLflow")
    assert not scrolls_sideways(page)
    assert axe_violations(page) == []
    screenshot(page, f"search-mlflow-{size}")

    first.locator(".search-result__where a").click()
    page.wait_for_url(f"**/skills/{SEED}/*/*/")
    expect(page.locator("main")).to_contain_text("MLflow")
    assert site.errors == []


@pytest.mark.parametrize(("size", "viewport"), [("phone", PHONE), ("desktop", DESKTOP)])
def test_the_history_leads_to_the_page_as_it_was(site, seeded_catalog, size, viewport):
    page = site.page
    page.set_viewport_size(viewport)
    site.goto(f"/skills/{SEED}/history/")
    entry = page.locator(".timeline > li")
    expect(entry).to_have_count(1)
    expect(entry).to_contain_text("Imported with the starter catalog")
    assert not scrolls_sideways(page)
    assert axe_violations(page) == []
    screenshot(page, f"skill-history-{size}")

    today = timezone.localdate().isoformat()
    page.get_by_label("See the page as it was on").fill(today)
    page.get_by_role("button", name="Show", exact=True).click()
    page.wait_for_url(f"**/skills/{SEED}/?as_of={today}")
    expect(page.locator(".as-of-banner")).to_contain_text("as it stood on")

    page.go_back()
    page.get_by_role("link", name="See the page as it was").first.click()
    page.wait_for_url(f"**/skills/{SEED}/?as_of={today}")
    expect(page.locator(".as-of-banner time")).to_have_attribute("datetime", today)
    assert site.errors == []
