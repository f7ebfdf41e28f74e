"""axe-core on every main page, in light and dark mode and at phone width: no serious or critical violation.

Each page is also saved as a full-page screenshot per mode under test-artifacts/screenshots/.
"""

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import DESKTOP, PHONE, axe_violations, screenshot, sign_in
from tests.browser.world import ERROR_STATUS, MAIN_PAGES, SEED, SHORT_TEXT, build_world, page_path

pytestmark = pytest.mark.browser

MODES = {
    "light": {"viewport": DESKTOP, "color_scheme": "light"},
    "dark": {"viewport": DESKTOP, "color_scheme": "dark"},
    "phone": {"viewport": PHONE, "color_scheme": "light"},
}


@pytest.mark.parametrize("who", ["anonymous", "member", "reviewer"])
def test_main_pages_have_no_serious_accessibility_violations(
    request, site, node_tools, seeded_catalog, member, author, reviewer, who
):
    world = build_world(author=author, reviewer=reviewer, member=member)
    if who != "anonymous":
        sign_in(site.page.context, site.base_url, request.getfixturevalue(who))
    pages = [(name, page_path(path, world)) for name, viewer, path in MAIN_PAGES if (viewer or "anonymous") == who]
    problems = {}
    for mode, options in MODES.items():
        site.page.set_viewport_size(options["viewport"])
        site.page.emulate_media(color_scheme=options["color_scheme"])
        for name, path in pages:
            response = site.page.goto(site.url(path))
            assert response.status == ERROR_STATUS.get(name, 200), path
            # The growth plan keeps the current level's text in a disclosure, and the comparison of two roles
            # each row's texts: check them open too.
            site.page.locator("details.plan-item__current, details.compare-texts").evaluate_all(
                "(all) => all.forEach(d => d.open = true)"
            )
            if violations := axe_violations(site.page):
                problems[f"{name} ({mode}) {path}"] = violations
            screenshot(site.page, f"{name}-{mode}")
        if who == "member":
            _check_a_suggestion(site)
            if violations := axe_violations(site.page):
                problems[f"suggest-checked ({mode})"] = violations
            screenshot(site.page, f"suggest-checked-{mode}")
    assert problems == {}
    expected = {f"{ERROR_STATUS[name]} GET {site.url(path)}" for name, path in pages if name in ERROR_STATUS}
    assert [error for error in site.errors if error not in expected] == []


def _check_a_suggestion(site) -> None:
    """The suggest form after pressing Check, with a warning on a shortened cell (nothing is sent)."""
    page = site.page
    site.goto(f"/skills/{SEED}/suggest/")
    role = page.locator("fieldset").filter(has=page.locator("legend", has_text="Data Scientist"))
    role.locator("details").filter(has_text="Middle").locator("summary").click()
    role.locator("details[open] textarea").fill(SHORT_TEXT)
    page.locator("textarea[name=rationale]").fill("Say it in fewer words.")
    page.get_by_role("button", name="Check", exact=True).click()
    page.wait_for_load_state("load")
    expect(page.locator("#checks")).to_contain_text("very short")
