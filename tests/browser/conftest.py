"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

Chromium comes from the system (`apt-get install chromium`; .ci/run installs it),
never from Playwright's own download. Without it the browser tests are skipped
on a developer's machine, and fail on CI (CI=true), where they must run.

axe-core and the Nu HTML Checker come from npm, installed once into
.cache/node/ by the `node_tools` fixture.
"""

import fcntl
import os
import subprocess

import pytest
from django.core.cache import cache

from tests.browser.helpers import AXE_JS, NODE_PREFIX, SCREENSHOTS, VNU_JAR, Site, require_tool

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session", autouse=True)
def _orm_beside_playwright():
    # Playwright's sync API keeps an asyncio loop on the main thread for the rest of the session, and Django
    # refuses ORM calls while a loop runs there. The tests' own ORM calls are plain synchronous code.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    executable = require_tool("chromium", "the browser tests drive Debian's Chromium (apt-get install chromium)")
    return {**browser_type_launch_args, "executable_path": executable, "args": CHROMIUM_ARGS}


@pytest.fixture(autouse=True)
def _empty_cache(db):
    # Rate-limit counters live in the database cache, which flushing the test database leaves alone.
    cache.clear()


@pytest.fixture(scope="session")
def node_tools():
    """axe-core and vnu-jar from npm, installed into .cache/node/ when missing."""
    NODE_PREFIX.mkdir(parents=True, exist_ok=True)
    # Each xdist worker has its own session: one installs while the others wait, then finds both there.
    with open(NODE_PREFIX / ".install.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (AXE_JS.exists() and VNU_JAR.exists()):
            npm = require_tool("npm", "axe-core and the Nu HTML Checker are installed with npm (apt-get install npm)")
            options = ["--no-save", "--ignore-scripts", "--no-audit", "--no-fund", "--prefix", str(NODE_PREFIX)]
            subprocess.run(
                [npm, "install", *options, "axe-core", "vnu-jar"],
                check=True,
                capture_output=True,
                timeout=300,
            )
    return {"axe": AXE_JS, "vnu": VNU_JAR}


@pytest.fixture(scope="session")
def screenshots():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


@pytest.fixture
def site(page, live_server, settings):
    # Emails link to SITE_URL: in a browser test, that is the live server the browser talks to.
    settings.SITE_URL = live_server.url
    return Site(page, live_server.url)
