"""Rate limits from the environment are checked at start-up."""

import pytest

from proposals.checks import rate_limits_parse


def test_the_shipped_rates_pass(settings):
    assert rate_limits_parse() == []


@pytest.mark.parametrize("rate", ["20", "20/fortnight", "many/min", "20/", "0/min", "-1/min"])
def test_a_malformed_api_rate_is_an_error(settings, rate):
    settings.REST_FRAMEWORK = settings.REST_FRAMEWORK | {"DEFAULT_THROTTLE_RATES": {"comments": rate}}
    assert [error.id for error in rate_limits_parse()] == ["proposals.E001"]


@pytest.mark.parametrize("rate", ["5/5x/ip", "five/m/ip", "5/m/moon", "1/2/3/4"])
def test_a_malformed_account_rate_is_an_error(settings, rate):
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": rate}
    assert [error.id for error in rate_limits_parse()] == ["proposals.E002"]
