"""Whole pages for anonymous visitors, cached once and given each visitor's own CSRF token.

Anonymous visitors differ only in the CSRF token of the forms on the page (the
language switcher): the cached copy keeps the page around the tokens, and each
answer gets the visitor's own, so the page costs what the revisions query costs.
"""

import re
from collections.abc import Callable, Iterable
from functools import wraps

from django.http import HttpResponse
from django.middleware import csrf

from skills.freshness.conditional import has_pending_messages
from skills.freshness.fragments import fragment, fragment_key
from skills.freshness.shared_pages import note_visit, prerendering, read_page, write_page

# The whole tag: text on a page (a comment quoting this markup) has its "<" escaped, so it never matches.
_TOKEN_RE = re.compile(rb'<input type="hidden" name="csrfmiddlewaretoken" value="[^"]*"')
_TOKEN_VALUE = b'<input type="hidden" name="csrfmiddlewaretoken" value="%s"'


def anonymous_pages(*depends: str, prerender: Callable[[], Iterable[str]] | None = None):
    """Serve anonymous GETs from whole pages cached under the revisions `depends`, the language and the URL.

    With `prerender` (every path of the view's pages, without query), those pages are also kept as
    files that every process reads, and rendered ahead after each change (shared_pages).
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method != "GET" or request.user.is_authenticated or has_pending_messages(request):
                return view(request, *args, **kwargs)
            key = ("page", request.get_host(), request.get_full_path())
            cached = fragment(request, *key, build=lambda: None, depends=depends, lookup_only=True)
            shared = prerender is not None and not request.META.get("QUERY_STRING")
            if cached is None and shared:
                note_visit(request, depends, prerender)
                revision, digest = fragment_key(request, key, depends)
                cached = read_page(depends, revision, digest)
            if cached is not None:
                content_type, pieces = cached
                # Each form gets a fresh mask of the visitor's token; asking for it also sets the cookie.
                body = pieces[0] + b"".join(
                    _TOKEN_VALUE % csrf.get_token(request).encode() + piece for piece in pieces[1:]
                )
                return HttpResponse(body, content_type=content_type)
            response = view(request, *args, **kwargs)
            if response.status_code == 200 and not response.streaming and not response.cookies:
                pieces = _TOKEN_RE.split(response.content)
                value = (response["Content-Type"], pieces)
                if shared:
                    write_page(depends, *fragment_key(request, key, depends), value)
                if not prerendering.get():
                    fragment(request, *key, build=lambda: value, depends=depends)
            return response

        return wrapper

    return decorator
