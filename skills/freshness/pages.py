"""Whole pages, cached once and given each visitor's own CSRF token: for anonymous visitors, and for each member.

Anonymous visitors differ only in the CSRF token of the forms on the page (the
language switcher): the cached copy keeps the page around the tokens, and each
answer gets the visitor's own, so the page costs what the revisions query costs.

A member's page also shows who they are (the header's account menu) and what
they may do (watch, edit their own comment, hide one as a reviewer): their copy
is kept under their own key as well (member_key), in a cache of its own so
that members' copies never push out the pages everyone shares. Whatever a
member sees moves a counter when it changes (their name, flags and groups move
MEMBERS, accounts 0002), or passes with time: a page that shows something which
changes by itself (a comment's edit window closing) says when (changes_at), and
its copy is kept until then only.

A view may also list its pages' paths (`prerender`): its anonymous pages are then
kept as files that every process reads, and rendered ahead after each change
(shared_pages).

A part of a page that moves far more often than the rest (a skill's watch box: every watch and
unwatch) is a hole (Hole): the copy is kept whatever its counters, with their revisions; an answer
from a copy whose hole's counters have moved since renders the hole again for the request, so that a
watch leaves the page as it was kept.
"""

import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import wraps

from django.http import HttpResponse
from django.middleware import csrf
from django.template.loader import render_to_string
from django.utils import timezone

from skills.freshness.conditional import has_pending_messages
from skills.freshness.counters import MEMBERS
from skills.freshness.current import revisions
from skills.freshness.fragments import fragment, fragment_key
from skills.freshness.shared_pages import note_visit, prerendering, read_page, write_page

# The whole tag: text on a page (a comment quoting this markup) has its "<" escaped, so it never matches.
_TOKEN_RE = re.compile(rb'<input type="hidden" name="csrfmiddlewaretoken" value="[^"]*"')
_TOKEN_VALUE = b'<input type="hidden" name="csrfmiddlewaretoken" value="%s"'

MEMBER_PAGE_CACHE = "member-pages"


@dataclass(frozen=True)
class Hole:
    """A part of a kept page rendered again when its own counters move. The page marks it
    `<!--hole:NAME-->...<!--/hole:NAME-->` (the template renders the marks); `template` renders it again, marks
    included, with the request and the view's keyword arguments; `depends`, given those arguments, names the
    counters it shows (which the ETag carries, and the kept copy's key does not)."""

    template: str
    depends: Callable[..., tuple[str, ...]]


# As the token: a comment quoting these marks has its "<" escaped, so it never matches.
_HOLE_RE = re.compile(rb"<!--hole:([a-z]+)-->.*?<!--/hole:\1-->", re.DOTALL)


def _fill_holes(request, body: bytes, holes: dict[str, Hole], kwargs: dict, token: bytes) -> bytes:
    """The page with each hole rendered again for this request; its forms carry `token`, the page's own mask."""

    def fill(match) -> bytes:
        hole = holes.get(match[1].decode())
        if hole is None:
            return match[0]
        rendered = render_to_string(hole.template, kwargs, request=request).encode()
        found = _HOLE_RE.search(rendered)  # the marks and what is between them, as the page had them
        if found is None:
            raise ValueError(f"{hole.template} renders no <!--hole:{match[1].decode()}--> marks")
        return _TOKEN_RE.sub(lambda _tag: token, found[0])

    return _HOLE_RE.sub(fill, body)


def whole_pages(
    *depends: str,
    signed_in: bool = False,
    prerender: Callable[[], Iterable[str]] | None = None,
    scope: Callable[..., tuple[str, ...]] | None = None,
    holes: dict[str, Hole] | None = None,
):
    """Serve anonymous GETs (and with `signed_in`, members' GETs too) from whole pages cached under the
    revisions `depends` (and those `scope` names for the view's arguments: the page's own rows), the
    language and the URL (and the member).

    With `prerender` (every path of the view's pages, without query), the anonymous pages are also
    kept as files that every process reads, and rendered ahead after each change of `depends` (shared_pages);
    a page whose own counters moved is rendered again by its next visitor. `holes`: the parts of the page
    filled in for each answer (Hole), by the name their marks carry.
    """
    holes = holes or {}

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method != "GET" or has_pending_messages(request):
                return view(request, *args, **kwargs)
            names = (*depends, *scope(**kwargs)) if scope is not None else depends
            if not request.user.is_authenticated:
                key, kept = ("page", request.get_host(), request.get_full_path()), {"depends": names}
            elif signed_in:
                key = ("member-page", member_key(request.user), request.get_host(), request.get_full_path())
                kept = {"depends": (*names, MEMBERS), "cache_name": MEMBER_PAGE_CACHE}
            else:
                return view(request, *args, **kwargs)
            # The page's own counters and its holes' read with the others when they are read, else at once.
            in_holes = tuple(name for hole in holes.values() for name in hole.depends(**kwargs))
            revisions(request, (*names, *in_holes)).key((*names, *in_holes))
            cached = fragment(request, *key, build=lambda: None, lookup_only=True, **kept)
            shared = prerender is not None and key[0] == "page" and not request.META.get("QUERY_STRING")
            if shared:
                stored = (depends, revisions(request).key(depends), fragment_key(request, key, ())[1])
                full = revisions(request).key(names)
            if cached is None and shared:
                note_visit(request, depends, prerender)
                cached = read_page(*stored, full)
            if cached is not None:
                content_type, pieces, *holes_at = cached
                # One fresh mask of the visitor's token for every form, as a render gives (the template's
                # csrf_token is asked for once); asking for it also sets the cookie.
                token = _TOKEN_VALUE % csrf.get_token(request).encode()
                body = pieces[0] + b"".join(token + piece for piece in pieces[1:])
                if holes and holes_at != [revisions(request).key(in_holes)]:  # moved since the copy was kept
                    body = _fill_holes(request, body, holes, kwargs, token)
                return HttpResponse(body, content_type=content_type)
            response = view(request, *args, **kwargs)
            if response.status_code == 200 and not response.streaming and not response.cookies:
                timeout = _seconds_until(getattr(request, "_page_changes_at", None))
                if timeout is None or timeout > 0:
                    value = (response["Content-Type"], _TOKEN_RE.split(response.content))
                    if holes:  # the holes as they were at these revisions of theirs
                        value = (*value, revisions(request).key(in_holes))
                    if shared:
                        write_page(*stored, full, value)
                    if not (shared and prerendering.get()):
                        fragment(request, *key, build=lambda: value, timeout=timeout, **kept)
            return response

        return wrapper

    return decorator


def member_pages(*depends: str):
    """A page only members see (the team heatmap, the growth plan), kept whole for each member under the
    revisions `depends`: whole_pages for members alone (an anonymous visitor is sent away before it)."""
    return whole_pages(*depends, signed_in=True)


def member_key(user) -> tuple:
    """What the page shows of the member that is not under a counter: who they are and what they are.

    Their name and flags come with the request (the session's user is read on every request); their
    groups and permissions are under the MEMBERS counter, which the key's depends carry.
    """
    return (user.pk, user.get_username(), user.is_active, user.is_staff, user.is_superuser)


def changes_at(request, moment: datetime) -> None:
    """What this request's page shows changes by itself at `moment` (a comment's edit window closing):
    a whole-page copy of it is kept until then only."""
    if request is None:
        return
    known = getattr(request, "_page_changes_at", None)
    request._page_changes_at = moment if known is None else min(known, moment)


def _seconds_until(moment: datetime | None) -> float | None:
    if moment is None:
        return None
    return math.floor((moment - timezone.now()).total_seconds() * 1000) / 1000
