"""axe-core on every main page, in light and dark mode and at phone width: no serious or critical violation.

Each page is also saved as a full-page screenshot per mode under test-artifacts/screenshots/.
"""

import pytest

from tests.browser.helpers import DESKTOP, PHONE, axe_violations, screenshot, sign_in
from tests.browser.world import MAIN_PAGES, build_world, page_path

pytestmark = pytest.mark.browser

MODES = {
    "light": {"viewport": DESKTOP, "color_scheme": "light"},
    "dark": {"viewport": DESKTOP, "color_scheme": "dark"},
    "phone": {"viewport": PHONE, "color_scheme": "light"},
}


@pytest.mark.parametrize("who", ["anonymous", "member", "reviewer"])
def test_main_pages_have_no_serious_accessibility_violations(
    request, site, node_tools, seeded_catalog, author, reviewer, who
):
    world = build_world(author=author, reviewer=reviewer)
    if who != "anonymous":
        sign_in(site.page.context, site.base_url, request.getfixturevalue(who))
    pages = [(name, page_path(path, world)) for name, viewer, path in MAIN_PAGES if (viewer or "anonymous") == who]
    problems = {}
    for mode, options in MODES.items():
        site.page.set_viewport_size(options["viewport"])
        site.page.emulate_media(color_scheme=options["color_scheme"])
        for name, path in pages:
            response = site.page.goto(site.url(path))
            assert response.status == (404 if name == "not-found" else 200), path
            if violations := axe_violations(site.page):
                problems[f"{name} ({mode}) {path}"] = violations
            screenshot(site.page, f"{name}-{mode}")
    assert problems == {}
    assert [error for error in site.errors if "/no-such-skill/" not in error] == []
