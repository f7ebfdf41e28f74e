"""A role of 250 skills: a reader pages through its matrix and jumps to a domain; the pages are valid and accessible."""

import json
import re
import subprocess

import pytest
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.helpers import DESKTOP, PHONE, axe_violations, require_tool, screenshot
from tests.skills.helpers import big_role

pytestmark = pytest.mark.browser


def test_a_reader_pages_through_a_large_matrix_and_jumps_to_a_domain(site, levels):
    big = big_role(levels)
    url = big.role.get_absolute_url()
    page = site.page
    site.goto(url)
    rows = page.locator("#matrix tbody th[scope=row]")
    expect(rows).to_have_count(100)

    page.get_by_role("navigation", name="Skill matrix pages").get_by_role("link", name="Next").click()
    page.wait_for_url(f"**{url}?page=2#matrix")
    expect(rows).to_have_count(100)
    expect(rows.first).to_have_text(re.compile(f"^{big.names[100]}"))
    expect(page.locator("#matrix .matrix-domain__title").first).to_have_text("Beta (continued)")
    expect(page.locator("#matrix")).to_be_in_viewport()

    beta = big.domains["Beta"].slug
    page.get_by_role("navigation", name="Domains").get_by_role("link", name="Beta").click()
    page.wait_for_url(f"**{url}?page=1#domain-{beta}")
    expect(page.locator(f"#domain-{beta} h3")).to_have_text("Beta")
    expect(page.locator(f"#domain-{beta}")).to_be_in_viewport()

    page.evaluate("window.scrollTo(0, 0)")
    page.get_by_role("link", name="Skill matrix", exact=True).click()
    page.wait_for_url(f"**{url}?page=1#matrix")
    expect(page.locator("#matrix")).to_be_in_viewport()
    assert site.errors == []


def test_matrix_pages_have_no_serious_accessibility_violations(site, levels):
    big = big_role(levels)
    url = big.role.get_absolute_url()
    problems = {}
    modes = {"light": (DESKTOP, "light"), "dark": (DESKTOP, "dark"), "phone": (PHONE, "light")}
    for mode, (viewport, scheme) in modes.items():
        site.page.set_viewport_size(viewport)
        site.page.emulate_media(color_scheme=scheme)
        site.goto(f"{url}?page=2")
        if violations := axe_violations(site.page):
            problems[mode] = violations
        # Nothing wider than the screen but the matrix tables, which scroll in their own region.
        assert site.page.evaluate("document.documentElement.scrollWidth") <= viewport["width"], mode
        screenshot(site.page, f"role-matrix-page-2-{mode}")
    assert problems == {}
    assert site.errors == []


def test_matrix_pages_are_valid_html(tmp_path, node_tools, levels):
    java = require_tool("java", "the Nu HTML Checker runs on Java (apt-get install default-jre-headless)")
    big = big_role(levels)
    url = big.role.get_absolute_url()
    day = timezone.localdate().isoformat()
    files = []
    for name, query in [
        ("page-1", {}),
        ("page-2", {"page": 2}),
        ("page-3", {"page": 3}),
        ("as-of", {"as_of": day, "page": 2}),
    ]:
        response = Client().get(url, query)
        assert response.status_code == 200
        path = tmp_path / f"{name}.html"
        path.write_bytes(response.content)
        files.append(path)
    result = subprocess.run(
        [java, "-jar", str(node_tools["vnu"]), "--errors-only", "--format", "json", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(result.stderr or result.stdout)["messages"]
    errors = [f"{m['url'].rsplit('/', 1)[-1]}:{m.get('lastLine')}: {m['message']}" for m in messages]
    assert not errors, "\n".join(errors)
    assert result.returncode == 0
