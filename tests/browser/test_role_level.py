"""The role at a level in Chromium: readable on a phone, the redline behind a click, nothing but the text in print."""

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import DESKTOP, PHONE, axe_violations, screenshot

pytestmark = pytest.mark.browser

PAGE = "/roles/data-scientist/middle/"


@pytest.mark.parametrize("language", ["en", "de", "es", "zh-hans"])
def test_no_sideways_scroll_on_a_phone(site, seeded_catalog, language):
    site.page.set_viewport_size(PHONE)
    site.goto(f"{PAGE}?lang={language}")
    width = site.page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], width
    if language == "en":
        screenshot(site.page, "role-level-390")
    assert site.errors == []


def test_reads_well_on_a_desktop(site, seeded_catalog):
    site.page.set_viewport_size(DESKTOP)
    site.goto(PAGE)
    page = site.page
    expect(page.locator("h1")).to_have_text("Data Scientist at Middle")
    expect(page.locator(".level-switcher [aria-current=page]")).to_have_text("Middle")
    expect(page.locator("#next-title")).to_have_text("To reach Senior")
    screenshot(page, "role-level-1280")
    assert site.errors == []


def test_the_redline_shows_on_request_without_script(site, seeded_catalog, node_tools):
    site.page.set_viewport_size(PHONE)
    site.goto(PAGE)
    page = site.page
    expect(page.locator(".redline")).to_have_count(0)
    page.get_by_role("link", name="Show word-by-word changes").click()
    page.wait_for_url("**/middle/?redline=1#next")
    expect(page.locator(".redline ins").first).to_be_visible()
    assert axe_violations(page) == []
    width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], width
    screenshot(page, "role-level-redline-390")
    page.get_by_role("link", name="Hide word-by-word changes").click()
    expect(page.locator(".redline")).to_have_count(0)


def test_print_shows_the_text_without_header_or_switcher(site, seeded_catalog):
    site.goto(PAGE + "?redline=1")
    page = site.page
    page.emulate_media(media="print")
    for selector in (".site-header", ".level-switcher", ".reading-toc", ".redline >> nth=0", ".redline-toggle"):
        expect(page.locator(selector)).to_be_hidden()
    expect(page.locator(".reading-item .prose").first).to_be_visible()


def test_the_front_door_lands_in_two_clicks_and_offers_the_choice_again(site, seeded_catalog, node_tools):
    page = site.page
    page.set_viewport_size(PHONE)
    site.goto("/")
    page.get_by_label("Your role").select_option("data-scientist")
    page.locator(".front-door__buttons").get_by_role("button", name="Middle", exact=True).click()
    page.wait_for_url("**/roles/data-scientist/middle/")
    expect(page.locator("h1")).to_have_text("Data Scientist at Middle")

    site.goto("/")
    offer = page.get_by_role("link", name="Continue as Data Scientist · Middle")
    expect(offer).to_be_visible()
    assert axe_violations(page) == []
    width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], width
    screenshot(page, "home-front-door-390")
    offer.click()
    page.wait_for_url("**/roles/data-scientist/middle/")
    assert site.errors == []
