"""Start-up checks: rate limits come from the environment, so a typo must stop the server, not pass silently."""

from django.conf import settings
from django.core import checks


def _drf_rate_error(rate: str) -> str | None:
    from rest_framework.throttling import SimpleRateThrottle

    try:
        count, _ = SimpleRateThrottle.parse_rate(None, rate)  # does not use self
    except (AttributeError, IndexError, KeyError, TypeError, ValueError):
        return "use a count and s/min/hour/day, e.g. 20/min"
    if count < 1:
        return "the count must be at least 1"
    return None


def _allauth_rate_error(rate: str) -> str | None:
    from allauth.core.internal.ratelimit import parse_rates

    try:
        rates = parse_rates(rate)
    except (AttributeError, TypeError, ValueError):
        return "use count/duration/key, e.g. 5/5m/ip,5/5m/key"
    if any(r.per not in {"ip", "key", "user"} for r in rates):
        return "use count/duration/key, e.g. 5/5m/ip,5/5m/key"
    return None


@checks.register(checks.Tags.security)
def rate_limits_parse(app_configs=None, **kwargs):
    errors = []
    for scope, rate in settings.REST_FRAMEWORK.get("DEFAULT_THROTTLE_RATES", {}).items():
        if problem := _drf_rate_error(rate):
            errors.append(checks.Error(f"API rate {scope}={rate!r}: {problem}.", id="proposals.E001"))
    for action, rate in getattr(settings, "ACCOUNT_RATE_LIMITS", {}).items():
        if rate and (problem := _allauth_rate_error(rate)):
            errors.append(checks.Error(f"Account rate {action}={rate!r}: {problem}.", id="proposals.E002"))
    return errors
