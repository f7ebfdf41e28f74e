"""This process's copy of the revision counters, kept by LISTEN/NOTIFY so that a cached page costs no query.

PostgreSQL sends a notification at each commit that moves a counter (skills 0007
and 0008); a thread in each server process adds them up.
"""

import logging
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime

import psycopg
from django.conf import settings
from django.db import connections

from skills.freshness.counters import Revisions, counter_value

logger = logging.getLogger(__name__)

CHANNEL = "skillmatrix_revision"

# The counters with the snapshot they were read in (one statement, so one snapshot): the listener's base.
_READ_WITH_SNAPSHOT = (
    "SELECT name, sum(weight), max(stamp), max(changed_at), NULL FROM skills_revision GROUP BY name "
    "UNION ALL SELECT NULL, NULL, NULL, NULL, pg_current_snapshot()::text"
)


def listening() -> bool:
    # Notifications come from the primary; with replicas, a page must key on the counters of the
    # replica it reads its rows from, so it asks that replica.
    return settings.REVISION_LISTENER and not settings.DATABASE_REPLICA_URLS


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
        # The counters as pages read them, kept up to date name by name: each skill has counters of its own
        # (thousands of them), and a copy of a dict costs far less than building it anew at every commit.
        self.values: dict[str, str] = {}
        self.changed_at: datetime | None = None
        snapshots = [Snapshot.parse(snapshot) for name, *_counter, snapshot in rows if name is None]
        for name, total, stamp, changed_at, _snapshot in rows:
            if name is not None:
                self.totals[name], self.stamps[name] = int(total), int(stamp)
                self.values[name] = counter_value(self.totals[name], self.stamps[name])
                self.changed_at = max(self.changed_at or changed_at, changed_at)
        (self.snapshot,) = snapshots  # _READ_WITH_SNAPSHOT returns exactly one

    def add(self, payload: str) -> bool:
        """Count the mark a notification announces; False if the read had it. ValueError: read again."""
        name, stamp, xid, micros = payload.split(" ")
        if self.snapshot.saw(int(xid)):
            return False
        self.totals[name] = self.totals.get(name, 0) + 1
        self.stamps[name] = max(self.stamps.get(name, 0), int(stamp))
        self.values[name] = counter_value(self.totals[name], self.stamps[name])
        changed_at = datetime.fromtimestamp(int(micros) / 1_000_000, tz=UTC)
        self.changed_at = max(self.changed_at or changed_at, changed_at)
        return True

    def revisions(self) -> Revisions:
        return Revisions(values=self.values.copy(), changed_at=self.changed_at)


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
    # change never waits for it (skills.freshness.middleware).
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
