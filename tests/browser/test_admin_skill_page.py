"""The skill's change page in the admin at a laptop's size: every expectation fits, nothing scrolls sideways."""

import pytest
from playwright.sync_api import expect

from skills.models import Skill
from tests.browser.helpers import screenshot, sign_in

pytestmark = pytest.mark.browser

LAPTOP = {"width": 1280, "height": 800}


def test_the_skill_page_fits_1280_pixels_without_sideways_scrolling(site, seeded_catalog, staff):
    page = site.page
    page.set_viewport_size(LAPTOP)
    sign_in(page.context, site.base_url, staff)
    skill = Skill.objects.get(slug="ml-experiment-tracking")
    site.goto(f"/admin/skills/skill/{skill.pk}/change/")
    inline = page.locator("#expectations-group")
    expect(inline.locator(".inline-related.has_original")).to_have_count(10)
    screenshot(page, "admin-skill-change-1280")

    overflow = page.evaluate(
        """() => {
            const inline = document.querySelector('#expectations-group');
            const edge = inline.getBoundingClientRect().right;
            const wide = [...inline.querySelectorAll('*')].filter(el => el.getBoundingClientRect().right > edge + 1);
            return {
                page: document.documentElement.scrollWidth - document.documentElement.clientWidth,
                inline: inline.scrollWidth - inline.clientWidth,
                right: inline.getBoundingClientRect().right,
                wide: wide.slice(0, 5).map(el => el.tagName + '.' + el.className),
            };
        }"""
    )
    assert overflow["page"] <= 0, overflow
    assert overflow["inline"] <= 0, overflow
    assert overflow["right"] <= LAPTOP["width"], overflow
    assert overflow["wide"] == [], overflow

    # The description is the wide field; no related-object icons beside the role and level.
    box = inline.locator("textarea[name='expectations-0-description']").bounding_box()
    assert box["width"] > 600, box
    assert inline.locator(".related-widget-wrapper-link").count() == 0
    assert not site.errors, site.errors
