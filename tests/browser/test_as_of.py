"""A reader opens the seed skill as it stood on a past day, sees the banner and the old text, then today's version."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.helpers import axe_violations, screenshot
from tests.browser.world import SEED, cell
from tests.skills.helpers import Clock, at

# axe-core comes from npm: node_tools installs it when missing.
pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("node_tools")]

NEW_TEXT = "Keeps every run's parameters, metrics and artifacts in the team's tracking server."


def test_a_reader_sees_the_skill_as_it_stood_and_follows_the_link_to_today(site, seeded_catalog):
    day = timezone.localdate() - timedelta(days=7)
    Clock().stamp(at(day))  # the import happened a week ago
    junior = cell("data-scientist", "junior")
    old_text = junior.description
    junior.description = NEW_TEXT
    junior.save()

    page = site.page
    site.goto(f"/skills/{SEED}/?as_of={day.isoformat()}")
    banner = page.locator(".as-of-banner")
    expect(banner).to_contain_text("You are looking at this page as it stood on")
    expect(banner.locator("time")).to_have_attribute("datetime", day.isoformat())
    junior_row = page.locator("#level-junior tbody tr", has_text="Data Scientist")
    expect(junior_row).to_contain_text(old_text[:60])
    expect(junior_row).not_to_contain_text(NEW_TEXT)
    expect(page.locator("#community")).to_contain_text("not kept by date")
    screenshot(page, "skill-as-of")
    assert axe_violations(page) == []

    banner.get_by_role("link", name="See today's version").click()
    page.wait_for_url(f"**/skills/{SEED}/")
    expect(page.locator(".as-of-banner")).to_have_count(0)
    expect(page.locator("#level-junior tbody tr", has_text="Data Scientist")).to_contain_text(NEW_TEXT)

    site.goto(f"/roles/data-scientist/?as_of={day.isoformat()}")
    expect(page.locator(".as-of-banner")).to_contain_text("as it stood on")
    assert axe_violations(page) == []
    assert site.errors == []
