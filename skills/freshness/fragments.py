"""Cached fragments: parts of pages kept under the revisions they were built from.

A fragment's key carries the revisions it depends on, so the first request after
any change, on any path (approval, admin, import, shell), renders afresh: stale
text is impossible, not merely unlikely.

Fragments live in the "fragments" cache, memory local to each server process
by default: the revision in the key makes every process's copy correct on its
own, and reading it costs no network round trip.
"""

import hashlib
import threading
from collections.abc import Callable
from typing import Any

from django.core.cache import caches
from django.utils import translation

from skills.freshness.counters import CATALOG
from skills.freshness.current import revisions
from skills.freshness.shared_pages import prerendering

FRAGMENT_CACHE = "fragments"


def fragment(
    request,
    *parts: Any,
    build: Callable[[], Any],
    depends: tuple[str, ...] = (CATALOG,),
    lookup_only: bool = False,
    timeout: float | None = None,
    cache_name: str = FRAGMENT_CACHE,
) -> Any:
    """What `build()` returns, cached under `parts`, the revisions `depends` and the active language.

    `build` must not depend on the visitor: the same value is served to everyone.
    With `lookup_only`, a miss returns None and builds nothing. A `timeout` (seconds) keeps the value
    no longer than that, for what changes with time as well as with the revisions.
    """
    _revision, digest = fragment_key(request, parts, depends)
    key = f"fragment:{digest}"
    cache = caches[cache_name]
    value = cache.get(key)
    if value is None and not lookup_only and prerendering.get():
        return build()  # kept in the files of the pass, not in this process's memory (shared_pages)
    if value is None and not lookup_only:
        # One thread of the process builds; the others wait for its copy instead of all rendering
        # the same large page at once (the first requests after a change, or after start-up).
        with _building_guard:
            lock = _building.setdefault(key, threading.Lock())
        with lock:
            value = cache.get(key)
            if value is None:
                value = build()
                cache.set(key, value, timeout=timeout)
        with _building_guard:
            _building.pop(key, None)
    return value


def fragment_key(request, parts: tuple, depends: tuple[str, ...]) -> tuple[str, str]:
    """The revisions `depends` as this request sees them, and the digest a fragment of `parts` is kept under."""
    revision = revisions(request).key(depends)
    return revision, hashlib.sha256(repr((revision, translation.get_language(), parts)).encode()).hexdigest()


_building: dict[str, threading.Lock] = {}
_building_guard = threading.Lock()
