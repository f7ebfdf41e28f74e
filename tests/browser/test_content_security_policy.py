"""The Content Security Policy in the browser: inline script is blocked; the API docs still work under it."""

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import screenshot

pytestmark = pytest.mark.browser


def test_swagger_ui_renders_every_operation_without_a_policy_violation(site):
    site.goto("/api/docs/")
    operations = site.page.locator(".opblock")
    expect(operations.first).to_be_visible()
    assert operations.count() >= 20
    expect(site.page.locator(".opblock-summary-path").filter(has_text="/api/skills/{slug}/").first).to_be_visible()
    screenshot(site.page, "api-docs")
    # A blocked script or style shows as a console error ("Refused to ..."): none.
    assert site.errors == []


def test_an_inline_script_that_got_into_a_page_does_not_run(site):
    site.goto("/")
    site.page.evaluate(
        """() => {
            const script = document.createElement("script");
            script.textContent = "window.injected = true";
            document.body.appendChild(script);
        }"""
    )
    assert site.page.evaluate("window.injected === undefined")
    assert any("Content Security Policy" in error for error in site.errors)
