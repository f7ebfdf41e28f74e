"""A newcomer finds the seed skill, picks their level, opens a cell, its role and the role's career track."""

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import screenshot

pytestmark = pytest.mark.browser


def test_newcomer_browses_from_home_to_the_career_track_pdf(site, seeded_catalog):
    page = site.page
    site.goto("/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    screenshot(page, "home")

    page.get_by_role("search").last.get_by_role("searchbox").fill("experiment tracking")
    page.get_by_role("search").last.get_by_role("button").click()
    page.wait_for_url("**/search/?q=*")
    screenshot(page, "search")
    page.get_by_role("link", name="ML Experiment Tracking", exact=True).first.click()

    page.wait_for_url("**/skills/ml-experiment-tracking/")
    expect(page.get_by_role("heading", level=1)).to_have_text("ML Experiment Tracking")
    screenshot(page, "skill")

    # The level picker submits itself when a level is chosen.
    page.get_by_label("Your current level").select_option("middle")
    page.wait_for_url("**/skills/ml-experiment-tracking/?level=middle*")
    expect(page.locator("#level-middle")).to_contain_text("Your level")
    expect(page.locator("#level-senior")).to_contain_text("Next level")
    screenshot(page, "skill-level-picker")

    # A click anywhere on a row opens its cell.
    page.locator("#level-middle tbody tr").first.locator("td").last.click()
    page.wait_for_url("**/skills/ml-experiment-tracking/*/middle/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Middle")
    screenshot(page, "cell")

    page.locator("aside").get_by_role("link", name="Data Scientist").click()
    page.wait_for_url("**/roles/data-scientist/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Data Scientist")
    screenshot(page, "role")

    with page.expect_response(lambda response: response.url.endswith("/career-track.pdf")) as pdf:
        page.get_by_role("link", name="Career track (PDF)").click()
    assert pdf.value.status == 200
    assert pdf.value.headers["content-type"] == "application/pdf"
    # Chromium shows the PDF in its viewer; the file itself, fetched again with the page's cookies:
    assert page.request.get(pdf.value.url).body().startswith(b"%PDF-")

    assert site.errors == []
