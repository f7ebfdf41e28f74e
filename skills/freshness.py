"""Fast pages that are never stale: revision counters, cached fragments and conditional GET.

The database moves a counter forward on every statement that writes a group of
tables ("catalog" for the catalog, "community" for proposals, comments and
watches; triggers in skills 0004 and 0006 and proposals 0003). A page reads the counters
once (one query) and

- keys the fragments it caches on them, so the first request after any change,
  on any path (approval, admin, import, shell), renders afresh: stale text is
  impossible, not merely unlikely;
- answers a revalidation with 304 Not Modified when nothing it shows has moved
  (ETag and Last-Modified).

Fragments live in the "fragments" cache, memory local to each server process
by default: the revision in the key makes every process's copy correct on its
own, and reading it costs no network round trip.
"""

import hashlib
import logging
import math
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import wraps
from typing import Any

import psycopg
from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.contrib.messages.storage.session import SessionStorage
from django.core.cache import caches
from django.db import connections, router
from django.http import HttpResponse
from django.middleware import csrf
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date

from skills.models import Revision

logger = logging.getLogger(__name__)

CATALOG = "catalog"
COMMUNITY = "community"
FRAGMENT_CACHE = "fragments"
# Last-Modified has whole seconds, and a change is stamped when its statement runs, a moment before
# it commits. A page answered within this margin of its last change is sent without Last-Modified
# (its ETag still works), so that a client revalidating by date alone can never be told "not
# modified" about a change that committed within the same second.
LAST_MODIFIED_MARGIN = timedelta(seconds=10)


@dataclass(frozen=True)
class Revisions:
    values: dict[str, str]
    changed_at: datetime | None

    def key(self, names: tuple[str, ...]) -> str:
        """The counters `names` as one string.

        A counter that was never set reads 0: its tables have not been written since they
        were created (a rolled-back write leaves no row either, and no change).
        """
        return "/".join(self.values.get(name, "0") for name in names)


_READ_REVISIONS = "SELECT name, sum(weight), max(stamp), max(changed_at) FROM skills_revision GROUP BY name"
CHANNEL = "skillmatrix_revision"
# A browser that changed something reads the counters from the database for these seconds,
# whatever the listener knows yet: it sees its own change on the page it is sent to next.
WROTE_COOKIE = "sm_wrote"
WROTE_SECONDS = 10


def revisions(request=None) -> Revisions:
    """The counters, once per request: from this process's listener, or one query on a table of a few rows."""
    known = getattr(request, "_revisions", None)
    if known is not None:
        return known
    result = None
    if listening() and not (request is not None and WROTE_COOKIE in request.COOKIES):
        result = listener.current()
    if result is None:
        with connections[router.db_for_read(Revision)].cursor() as cursor:
            result = _read(cursor)
    if request is not None:
        request._revisions = result
    return result


def _value(total, stamp) -> str:
    """A counter as page keys carry it, from the database's read or the listener's sums alike."""
    # The sum moves with every committed write; the greatest stamp never comes back after a TRUNCATE.
    return f"{total}.{stamp}"


def _read(cursor) -> Revisions:
    cursor.execute(_READ_REVISIONS)
    rows = cursor.fetchall()
    return Revisions(
        values={name: _value(total, stamp) for name, total, stamp, _changed in rows},
        changed_at=max((changed for *_counter, changed in rows), default=None),
    )


def listening() -> bool:
    # Notifications come from the primary; with replicas, a page must key on the counters of the
    # replica it reads its rows from, so it asks that replica.
    return settings.REVISION_LISTENER and not settings.DATABASE_REPLICA_URLS


# The counters with the snapshot they were read in (one statement, so one snapshot): the listener's base.
_READ_WITH_SNAPSHOT = (
    "SELECT name, sum(weight), max(stamp), max(changed_at), NULL FROM skills_revision GROUP BY name "
    "UNION ALL SELECT NULL, NULL, NULL, NULL, pg_current_snapshot()::text"
)


@dataclass(frozen=True)
class Snapshot:
    """Which transactions a read saw: all before xmin, none from xmax on, none of those running between."""

    xmin: int
    xmax: int
    running: frozenset[int]

    @classmethod
    def parse(cls, text: str) -> "Snapshot":
        xmin, xmax, running = text.split(":")
        return cls(int(xmin), int(xmax), frozenset(int(xid) for xid in running.split(",") if xid))

    def saw(self, xid: int) -> bool:
        """Whether a transaction that has committed was already committed for this snapshot."""
        return xid < self.xmin or (xid < self.xmax and xid not in self.running)


class Counters:
    """The counters read once with their snapshot, then moved on by each notification's mark.

    A notification carries one mark (skills 0008): counter, stamp, transaction, microseconds.
    Its transaction has committed; if the snapshot of the read saw it, the mark is in the sums
    already. Otherwise it adds its weight (1) and may raise the stamp, exactly as it does in the
    table, so every process arrives at the values a read of the table gives at that commit.
    """

    def __init__(self, rows) -> None:
        self.totals: dict[str, int] = {}
        self.stamps: dict[str, int] = {}
        self.changed_at: datetime | None = None
        snapshots = [Snapshot.parse(snapshot) for name, *_counter, snapshot in rows if name is None]
        for name, total, stamp, changed_at, _snapshot in rows:
            if name is not None:
                self.totals[name], self.stamps[name] = int(total), int(stamp)
                self.changed_at = max(self.changed_at or changed_at, changed_at)
        (self.snapshot,) = snapshots  # _READ_WITH_SNAPSHOT returns exactly one

    def add(self, payload: str) -> bool:
        """Count the mark a notification announces; False if the read had it. ValueError: read again."""
        name, stamp, xid, micros = payload.split(" ")
        if self.snapshot.saw(int(xid)):
            return False
        self.totals[name] = self.totals.get(name, 0) + 1
        self.stamps[name] = max(self.stamps.get(name, 0), int(stamp))
        changed_at = datetime.fromtimestamp(int(micros) / 1_000_000, tz=UTC)
        self.changed_at = max(self.changed_at or changed_at, changed_at)
        return True

    def revisions(self) -> Revisions:
        return Revisions(
            values={name: _value(total, self.stamps[name]) for name, total in self.totals.items()},
            changed_at=self.changed_at,
        )


class RevisionListener:
    """This process's copy of the counters, moved on by the notification PostgreSQL sends at each commit.

    A thread of its own holds a connection that LISTENs; it starts on first use (in each
    server process, after gunicorn forks). It reads the counters once, with their snapshot,
    then adds up the marks the notifications carry: no query per commit. Until it has read
    the counters, and whenever its connection is lost, current() is None and pages ask the
    database. It reads again every REFRESH seconds and when told the table changed otherwise.
    """

    REFRESH = 5.0
    # After each wake-up the thread lets this much time pass before it takes what else has arrived.
    # Under a stream of commits (hundreds of comments a second) it then wakes at most 50 times a
    # second in each process, not once per commit, each wake-up taking the GIL from the requests;
    # a page learns of another member's change this much later at most. The member who made the
    # change never waits for it (WROTE_COOKIE).
    GATHER = 0.02

    def __init__(self) -> None:
        self._current: Revisions | None = None
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._lock = threading.Lock()

    def current(self) -> Revisions | None:
        if self._thread is None:
            self.start()
        return self._current

    def start(self) -> None:
        with self._lock:
            if self._thread is None:
                self._stop.clear()
                self._thread = threading.Thread(target=self._run, name="revision-listener", daemon=True)
                self._thread.start()

    def stop(self) -> None:
        with self._lock:
            thread, self._thread = self._thread, None
        self._stop.set()
        if thread is not None:
            thread.join(self.REFRESH + 5)
        self._current = None

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                params = connections["default"].get_connection_params()
                with psycopg.connect(**params, autocommit=True) as connection:
                    connection.execute(f"LISTEN {CHANNEL}")
                    while not self._stop.is_set():
                        # Read after LISTEN: a commit between the two is in the read or in a notification.
                        counters = Counters(connection.execute(_READ_WITH_SNAPSHOT).fetchall())
                        self._current = counters.revisions()
                        self._follow(connection, counters)
            except Exception as error:  # any failure: pages fall back to the database; retry
                if not self._stop.is_set():
                    logger.warning("Revision listener lost its connection (%s); pages ask the database", error)
            self._current = None
            self._stop.wait(1)

    def _follow(self, connection, counters: Counters) -> None:
        """Add up the notifications for REFRESH seconds, or until one asks for a new read."""
        deadline = time.monotonic() + self.REFRESH
        while (remaining := deadline - time.monotonic()) > 0:
            # Everything that has arrived, once at least one notification has (stop_after counts
            # what is read at once: all of it).
            arrived = list(connection.notifies(timeout=remaining, stop_after=1))
            if self._stop.is_set():
                return
            try:
                added = [counters.add(notification.payload) for notification in arrived]
            except ValueError:  # "reset", or a payload from another version of the trigger
                return
            if any(added):
                self._current = counters.revisions()
            self._stop.wait(self.GATHER)


listener = RevisionListener()


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


def fragment(
    request,
    *parts: Any,
    build: Callable[[], Any],
    depends: tuple[str, ...] = (CATALOG,),
    lookup_only: bool = False,
) -> Any:
    """What `build()` returns, cached under `parts`, the revisions `depends` and the active language.

    `build` must not depend on the visitor: the same value is served to everyone.
    With `lookup_only`, a miss returns None and builds nothing.
    """
    revision = revisions(request).key(depends)
    digest = hashlib.sha256(repr((revision, translation.get_language(), parts)).encode()).hexdigest()
    key = f"fragment:{digest}"
    cache = caches[FRAGMENT_CACHE]
    value = cache.get(key)
    if value is None and not lookup_only:
        # One thread of the process builds; the others wait for its copy instead of all rendering
        # the same large page at once (the first requests after a change, or after start-up).
        with _building_guard:
            lock = _building.setdefault(key, threading.Lock())
        with lock:
            value = cache.get(key)
            if value is None:
                value = build()
                cache.set(key, value, timeout=None)
        with _building_guard:
            _building.pop(key, None)
    return value


_building: dict[str, threading.Lock] = {}
_building_guard = threading.Lock()


def conditional(*depends: str, anonymous_only: bool = False):
    """Answer GET with a weak ETag (and Last-Modified) from the revisions `depends`; 304 when unchanged.

    The ETag also covers the path and query, the language, the signed-in user and their
    CSRF cookie (forms on the page carry a token made from it), so a revalidated copy
    is always the page this visitor would be sent now. With `anonymous_only`, signed-in
    visitors always get the page: what it offers them depends on more than the counters
    (their groups, a comment's edit window).
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if (
                request.method not in ("GET", "HEAD")
                or (anonymous_only and request.user.is_authenticated)
                or _has_pending_messages(request)
            ):
                return view(request, *args, **kwargs)
            current = revisions(request)
            revision = current.key(depends)
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


def anonymous_pages(*depends: str):
    """Serve anonymous GETs from whole pages cached under the revisions `depends`, the language and the URL.

    Anonymous visitors differ only in the CSRF token of the forms on the page (the
    language switcher): the cached copy keeps the page around the tokens, and each
    answer gets the visitor's own, so the page costs what the revisions query costs.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method != "GET" or request.user.is_authenticated or _has_pending_messages(request):
                return view(request, *args, **kwargs)
            key = ("page", request.get_host(), request.get_full_path())
            cached = fragment(request, *key, build=lambda: None, depends=depends, lookup_only=True)
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
                fragment(request, *key, build=lambda: (response["Content-Type"], pieces), depends=depends)
            return response

        return wrapper

    return decorator


# The whole tag: text on a page (a comment quoting this markup) has its "<" escaped, so it never matches.
_TOKEN_RE = re.compile(rb'<input type="hidden" name="csrfmiddlewaretoken" value="[^"]*"')
_TOKEN_VALUE = b'<input type="hidden" name="csrfmiddlewaretoken" value="%s"'


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


def _has_pending_messages(request) -> bool:
    # A 304 would leave a "saved" or "signed out" message unseen: such pages are always rendered.
    session = getattr(request, "session", None)
    return CookieStorage.cookie_name in request.COOKIES or bool(
        session is not None and session.get(SessionStorage.session_key)
    )
