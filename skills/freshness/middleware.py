"""Read your own writes: a browser that changed something is never sent the page from before its change."""

from django.conf import settings

# A browser that changed something reads the counters from the database for these seconds,
# whatever the listener knows yet: it sees its own change on the page it is sent to next.
WROTE_COOKIE = "sm_wrote"
WROTE_SECONDS = 10


class ReadYourWritesMiddleware:
    """After a browser's successful POST/PUT/PATCH/DELETE, its next pages read the counters from the database.

    The listener learns of a commit a moment after it happens; the browser that made the
    change must not be sent the page from before it in that moment.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.method not in ("GET", "HEAD", "OPTIONS") and response.status_code < 400:
            response.set_cookie(
                WROTE_COOKIE,
                "1",
                max_age=WROTE_SECONDS,
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response


def wrote_recently(request) -> bool:
    """Whether this browser changed something within WROTE_SECONDS (the middleware's cookie)."""
    return WROTE_COOKIE in request.COOKIES
