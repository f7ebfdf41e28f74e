"""Limits for anonymous clients on the heavy reads, by client address, counted in the default cache.

The address is DRF's `get_ident` (REMOTE_ADDR, or X-Forwarded-For as far as REST_FRAMEWORK's
NUM_PROXIES trusts it), for the API and the pages alike; the default cache is shared by every
server process. Signed-in members are not limited here.
"""

from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle


class _AnonymousLimit(AnonRateThrottle):
    def get_rate(self):
        # Read when asked, not when the class was defined: the rate follows the settings.
        return api_settings.DEFAULT_THROTTLE_RATES[self.scope]


class HeavyApiThrottle(_AnonymousLimit):
    """The whole catalog and other large API answers."""

    scope = "heavy-anon"


class ComparePageThrottle(_AnonymousLimit):
    """Comparisons of two roles (/roles/compare/?a=&b=)."""

    scope = "compare-anon"


def anonymous_wait(request, throttle_class: type[_AnonymousLimit]) -> int | None:
    """None when this request is within the limit (or signed in), else the seconds to wait (at least one)."""
    throttle = throttle_class()
    if throttle.allow_request(request, None):
        return None
    return max(1, round(throttle.wait() or 1))
