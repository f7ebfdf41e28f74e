"""A signed-in member's own pages, cached whole per member: the team heatmap, the growth plan.

What such a page shows depends on the member and on rows the revision counters cover (the catalog, the
teams, the plans): the page is kept under those revisions, the member, their staff flags, the language and
the URL, and served again with the visitor's own CSRF token in its forms, until a write moves a counter.
A hit then costs what the floor costs (the session and the member) and one cache read: no chrome rendered
again, no access lookups (a membership change moves the teams counter, so a member who leaves or is removed
is never sent the page kept from before).

Never cached: other methods, anonymous visitors (login_required sends them away first), a page with
messages waiting (they are shown once), an answer other than 200, or one that sets cookies.
"""

import re
from functools import wraps

from django.http import HttpResponse
from django.middleware import csrf

from skills.freshness import fragment
from skills.freshness.conditional import has_pending_messages

# The whole tag: text on a page (a note quoting this markup) has its "<" escaped, so it never matches.
_TOKEN_RE = re.compile(rb'<input type="hidden" name="csrfmiddlewaretoken" value="[^"]*"')
_TOKEN_VALUE = b'<input type="hidden" name="csrfmiddlewaretoken" value="%s"'


def member_page(*depends: str):
    """Serve a signed-in member's GETs of the view from their own copy, kept under the revisions `depends`.

    The view must show nothing beyond what those revisions cover and the member's own account (a renamed
    user moves the teams and community counters; a change of staff flags changes the key).
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            user = request.user
            if request.method != "GET" or not user.is_authenticated or has_pending_messages(request):
                return view(request, *args, **kwargs)
            key = (
                "member-page",
                request.get_host(),
                request.get_full_path(),
                user.pk,
                user.is_staff,
                user.is_superuser,
            )
            cached = fragment(request, *key, build=lambda: None, depends=depends, lookup_only=True)
            if cached is not None:
                content_type, pieces = cached
                token = csrf.get_token(request).encode()
                body = pieces[0] + b"".join(_TOKEN_VALUE % token + piece for piece in pieces[1:])
                return HttpResponse(body, content_type=content_type)
            response = view(request, *args, **kwargs)
            if response.status_code == 200 and not response.streaming and not response.cookies:
                pieces = _TOKEN_RE.split(response.content)
                fragment(request, *key, build=lambda: (response["Content-Type"], pieces), depends=depends)
            return response

        return wrapper

    return decorator
