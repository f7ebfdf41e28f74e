"""Where a tool of the browser tests is missing: skipped on a developer's machine, a failure on CI."""

import pytest

from tests.browser import helpers


@pytest.fixture
def no_chromium(monkeypatch):
    monkeypatch.setattr(helpers.shutil, "which", lambda name: None)


@pytest.mark.parametrize("value", ["true", "1"])
def test_on_ci_a_missing_tool_fails_the_test(no_chromium, monkeypatch, value):
    monkeypatch.setenv("CI", value)
    with pytest.raises(pytest.fail.Exception, match="CI must run these tests"):
        helpers.require_tool("chromium", "needed")


def test_elsewhere_a_missing_tool_skips_the_test(no_chromium, monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="`chromium` is not installed"):
        helpers.require_tool("chromium", "needed")


def test_a_present_tool_is_found(monkeypatch):
    monkeypatch.setenv("CI", "true")
    assert helpers.require_tool("sh", "needed").endswith("/sh")
