"""What a server process keeps in memory under the counters: read once per revision, not once per request.

A value is kept under a key that carries the counters it depends on, so a write that moves one of them
leaves the kept value unused, and the next request reads afresh (on any process: each learns the counters
from the listener). Only with the revision listener (counters_for): without it, reading the counters costs
a query, as much as most of what is kept saves.
"""

import threading
from collections import OrderedDict
from typing import Any

from skills.freshness.current import revisions
from skills.freshness.revision_listener import listening


class Kept:
    """A bounded map, least recently used out first, safe for the server's threads."""

    def __init__(self, size: int):
        self.size = size
        self._items: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key) -> Any:
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key, value) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


def counters_for(request, names: tuple[str, ...]) -> str | None:
    """The counters `names` as one key for what a request keeps, or None when reading them would cost a query
    (no listener). A browser that has just written reads them from the database, once per request
    (current.revisions), so it sees its own change at once."""
    if not listening():
        return None
    return revisions(request).key(names)
