"""What the browser tests share: signing in, screenshots, axe-core, and watching for script that should not run."""

import os
import re
import shutil
from pathlib import Path

import pytest
from django.test import Client
from playwright.sync_api import BrowserContext, Page

REPO = Path(__file__).resolve().parents[2]
NODE_PREFIX = REPO / ".cache" / "node"
AXE_JS = NODE_PREFIX / "node_modules" / "axe-core" / "axe.min.js"
VNU_JAR = NODE_PREFIX / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
SCREENSHOTS = REPO / "test-artifacts" / "screenshots"


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def require_tool(name: str, why: str) -> str:
    """The tool's path; skips the test where it is missing, fails on CI."""
    path = shutil.which(name)
    if path is None:
        message = f"`{name}` is not installed: {why}"
        if in_ci():
            pytest.fail(f"{message}. CI must run these tests: .ci/run installs it.", pytrace=False)
        pytest.skip(message)
    return path


PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
BLOCKING_IMPACTS = {"serious", "critical"}


def sign_in(context: BrowserContext, base_url: str, user) -> None:
    """Give the browser a session of `user`, as if they had signed in."""
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base_url}])


def screenshot(page: Page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{re.sub(r'[^a-z0-9-]+', '-', name.lower()).strip('-')}.png"
    page.evaluate("window.scrollTo(0, 0)")  # a sticky header would otherwise sit mid-page
    page.screenshot(path=path, full_page=True)
    return path


def axe_violations(page: Page) -> list[str]:
    """Serious and critical axe-core violations on the page once its scripts settled, one line each."""
    settled(page)
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # Evaluated through the DevTools protocol, which the page's Content Security Policy does not govern.
        page.evaluate(AXE_JS.read_text())
    results = page.evaluate(
        """async () => {
            const results = await axe.run(document, {resultTypes: ["violations"]});
            return results.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                targets: v.nodes.slice(0, 5).map(n => n.target.join(" ")),
            }));
        }"""
    )
    return [
        f"{v['impact']} {v['id']}: {v['help']} at {', '.join(v['targets'])}"
        for v in results
        if v["impact"] in BLOCKING_IMPACTS
    ]


def settled(page: Page) -> None:
    """Wait until the page's widgets have loaded what they fetch (they mark themselves aria-busy meanwhile)."""
    page.wait_for_load_state("load")
    page.wait_for_function("() => !document.querySelector('[aria-busy=\"true\"]')")


def script_hazards(page: Page) -> list[str]:
    """Elements in the rendered DOM that could run script: on* attributes, javascript: URLs, foreign script."""
    return page.evaluate(
        """() => {
            const found = [];
            for (const el of document.querySelectorAll("*")) {
                for (const attr of el.attributes) {
                    const name = attr.name.toLowerCase();
                    const value = attr.value.replace(/[\\s\\u0000-\\u001f]+/g, "").toLowerCase();
                    if (name.startsWith("on")) found.push(`${el.tagName} ${name}`);
                    const url = ["href", "src", "action", "formaction", "xlink:href", "data", "srcdoc"];
                    if (url.includes(name) && /^(javascript|vbscript|data):/.test(value)) {
                        found.push(`${el.tagName} ${name}=${attr.value}`);
                    }
                }
            }
            for (const script of document.scripts) {
                const src = script.getAttribute("src") || "";
                if (!src && script.type === "application/json") continue;
                if (!src.startsWith("/static/")) found.push(`SCRIPT ${src || script.textContent.slice(0, 60)}`);
            }
            for (const tag of ["iframe", "object", "embed", "base", "meta[http-equiv]", "form[action^=javascript]"]) {
                for (const el of document.querySelectorAll(`main ${tag}`)) found.push(el.outerHTML.slice(0, 80));
            }
            return found;
        }"""
    )


class Site:
    """The page of a test and the live server it talks to; records script errors and dialogs as they happen."""

    def __init__(self, page, base_url: str):
        self.page = page
        self.base_url = base_url
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        page.set_default_timeout(15_000)
        page.on("pageerror", lambda error: self.errors.append(f"page error: {error}"))
        page.on("console", self._console)
        page.on("response", self._response)
        page.on("dialog", self._dialog)

    def _console(self, message) -> None:
        # A failed load is reported with its address by _response.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.errors.append(message.text)

    def _response(self, response) -> None:
        # The favicon included: pages link one, and /favicon.ico is served too.
        if response.status >= 400:
            self.errors.append(f"{response.status} {response.request.method} {response.url}")

    def _dialog(self, dialog) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def url(self, path: str) -> str:
        return self.base_url + path

    def goto(self, path: str):
        response = self.page.goto(self.url(path))
        assert response is not None and response.status == 200, f"{path}: {response and response.status}"
        return response
