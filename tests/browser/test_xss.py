"""No payload of tests/payloads/xss.txt runs in the browser, wherever members can write.

The browser ignores the Content Security Policy here (bypass_csp): what is tested
is that the sanitizer alone holds. (tests/skillmatrix/test_security.py checks the policy.)
"""

from urllib.parse import quote

import pytest

from tests.browser.helpers import Site, script_hazards, settled, sign_in
from tests.payloads import SEED, plant, xss_payloads

pytestmark = pytest.mark.browser


def load_every_comment(page) -> None:
    more = page.locator("[data-comments-more]")
    while more.is_visible():
        more.get_by_role("button").click()
        settled(page)


def test_no_payload_runs_anywhere(browser, live_server, seeded_catalog, author, reviewer):
    payloads = xss_payloads()
    planted = plant(payloads, author=author, reviewer=reviewer)
    context = browser.new_context(bypass_csp=True)
    sign_in(context, live_server.url, reviewer)  # reviewers see the most: hidden comments too
    site = Site(context.new_page(), live_server.url)

    pages = [f"/skills/{SEED}/", f"/skills/{SEED}/suggest/", "/proposals/", f"/skills/{SEED}/history/"]
    pages += [f"/skills/{SEED}/history/?page=2", "/roles/data-scientist/"]
    pages += [f"/proposals/{pk}/" for pk in planted.proposals]
    pages += [f"/skills/{SEED}/{role}/{level}/" for role, level in planted.cells]
    pages += ["/search/?q=" + quote(payload) for payload in payloads[:10]]
    found = {}
    for path in pages:
        site.page.goto(site.url(path))
        settled(site.page)
        if path == f"/skills/{SEED}/" or path.startswith("/proposals/"):
            load_every_comment(site.page)
        site.page.wait_for_timeout(50)  # room for onload, onfocus, ontoggle and the like to fire
        if hazards := script_hazards(site.page):
            found[path] = hazards
    assert site.dialogs == []
    assert found == {}
    # The widget really rendered every payload comment (it could not have hidden any by failing).
    site.page.goto(site.url(f"/skills/{SEED}/"))
    settled(site.page)
    load_every_comment(site.page)
    assert site.page.locator("[data-comments-list] > li").count() == len(payloads)
    assert site.errors == []
    context.close()


def test_the_checks_catch_script_that_got_through(site):
    """The checks above can fail: the listener hears a dialog, and the DOM scan sees handlers and script URLs."""
    site.page.goto(site.url("/"))
    assert script_hazards(site.page) == []
    site.page.evaluate("setTimeout(() => alert('caught'), 0)")
    site.page.wait_for_timeout(100)
    assert site.dialogs == ["alert: caught"]
    site.page.evaluate(
        """document.querySelector("main").insertAdjacentHTML(
            "beforeend", '<a href=" java\tscript:x()" onmouseover="x()">x</a><svg onload="x()"></svg>')"""
    )
    assert len(script_hazards(site.page)) == 3
