"""`?lang=` in any URL: show the page in that language and keep it for the pages that follow.

LocaleMiddleware has already picked the language from the cookie or the
browser's Accept-Language; a valid ``lang`` query parameter overrides both for
this request and is stored in the language cookie, as the switcher's
set_language view does. Unknown values are ignored (the page is served in the
language LocaleMiddleware chose), never an error.
"""

import re

from django.conf import settings
from django.utils import translation

QUERY_PARAMETER = "lang"
# A language tag such as "de", "zh", "zh-Hans" or "zh_CN"; anything else is not even looked up.
_TAG_RE = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8}){0,2}$")


def language_from_query(value: str | None) -> str | None:
    """The supported language code that ``value`` asks for ("zh" → "zh-hans"), or None."""
    if not value or not _TAG_RE.match(value):
        return None
    try:
        # Not strict: "zh", "zh-cn" and "zh-Hans" all land on "zh-hans", "de-AT" on "de".
        return translation.get_supported_language_variant(value.replace("_", "-").lower())
    except LookupError:
        return None


class QueryLanguageMiddleware:
    """Place after django.middleware.locale.LocaleMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = language_from_query(request.GET.get(QUERY_PARAMETER))
        if language is None:
            return self.get_response(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        if request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) != language:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                path=settings.LANGUAGE_COOKIE_PATH,
                domain=settings.LANGUAGE_COOKIE_DOMAIN,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            )
        return response
