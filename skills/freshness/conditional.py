"""Conditional GET: a revalidation is answered 304 Not Modified when nothing the page shows has moved.

The ETag and Last-Modified come from the revisions a page depends on, so a
browser keeps its copy and asks about it every time; the answer costs what
reading the counters costs.
"""

import hashlib
import math
from datetime import datetime, timedelta
from functools import wraps

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.contrib.messages.storage.session import SessionStorage
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date

from skills.freshness.current import revisions

# Last-Modified has whole seconds, and a change is stamped when its statement runs, a moment before
# it commits. A page answered within this margin of its last change is sent without Last-Modified
# (its ETag still works), so that a client revalidating by date alone can never be told "not
# modified" about a change that committed within the same second.
LAST_MODIFIED_MARGIN = timedelta(seconds=10)


def conditional(*depends: str, anonymous_only: bool = False, scope=None):
    """Answer GET with a weak ETag (and Last-Modified) from the revisions `depends`; 304 when unchanged.

    The ETag also covers the path and query, the language, the signed-in user and their
    CSRF cookie (forms on the page carry a token made from it), so a revalidated copy
    is always the page this visitor would be sent now. With `anonymous_only`, signed-in
    visitors always get the page: what it offers them depends on more than the counters
    (their groups, a comment's edit window). `scope`, given the view's arguments, names the
    counters of the page's own rows (counters.skill_page).
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if (
                request.method not in ("GET", "HEAD")
                or (anonymous_only and request.user.is_authenticated)
                or has_pending_messages(request)
            ):
                return view(request, *args, **kwargs)
            names = (*depends, *scope(**kwargs)) if scope is not None else depends
            current = revisions(request, names)
            revision = current.key(names)
            etag = _etag(request, revision)
            last_modified = _last_modified(current.changed_at)
            response = get_conditional_response(request, etag=etag, last_modified=last_modified)
            if response is None:
                response = view(request, *args, **kwargs)
                if response.status_code != 200:
                    return response
            response.headers["ETag"] = etag
            if last_modified is not None:
                response.headers["Last-Modified"] = http_date(last_modified)
            # Kept by the browser, but asked about every time: the 304 is what makes it cheap.
            patch_cache_control(response, private=True, no_cache=True)
            patch_vary_headers(response, ["Cookie", "Accept-Language"])
            return response

        return wrapper

    return decorator


def has_pending_messages(request) -> bool:
    # A 304 would leave a "saved" or "signed out" message unseen: such pages are always rendered.
    session = getattr(request, "session", None)
    return CookieStorage.cookie_name in request.COOKIES or bool(
        session is not None and session.get(SessionStorage.session_key)
    )


def _etag(request, revision: str) -> str:
    visitor = (
        request.get_full_path(),
        translation.get_language(),
        (request.user.pk, request.user.get_username()) if request.user.is_authenticated else None,
        request.COOKIES.get(settings.CSRF_COOKIE_NAME, ""),
    )
    digest = hashlib.sha256(repr((revision, visitor)).encode()).hexdigest()[:32]
    # Weak: the bytes differ from one answer to the next (forms carry a fresh mask of the CSRF token).
    return f'W/"{digest}"'


def _last_modified(changed_at: datetime | None) -> int | None:
    if changed_at is None:
        return None
    seconds = math.ceil(changed_at.timestamp())
    if timezone.now().timestamp() < seconds + LAST_MODIFIED_MARGIN.total_seconds():
        return None
    return seconds
