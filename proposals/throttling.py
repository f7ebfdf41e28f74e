"""Write rates ("20/min" comments, "10/hour" proposals), counted from what the member wrote.

The count is the member's own comments or proposals within the period: one
indexed query, nothing written besides the comment or proposal itself. It also
makes mistakes free (refused input writes no row) and lets the pages and the
API share one limit without sharing a counter.

The check and the write are serialised per member and kind of write: the
service takes a transaction-scoped advisory lock (lock_writer) first, and the
INSERT that follows counts, in its own snapshot, every row the member's earlier
writes committed, so a burst of posts from one member, through pages and API
together, stores exactly the limit. The check goes into that INSERT
(insert_within_rate): a post is the lock and one INSERT. A lock inside the
INSERT itself would not do: the statement's snapshot is taken before any lock
in it is granted, and would miss the rows committed while it waited.

WriteRateThrottle refuses a proposal early, before it is validated, on the API
(the page's throttle_wait does the same); the service's check is the exact one.
"""

import datetime
from dataclasses import dataclass

from django.db import connections, models, router
from django.db.models.signals import post_save, pre_save
from django.utils import timezone
from rest_framework.permissions import SAFE_METHODS
from rest_framework.throttling import ScopedRateThrottle

from proposals.models import Comment, Proposal

# Scope (the view's throttle_scope) -> the rows that count: each has `author` and `created`.
COUNTED = {"comments": Comment, "proposals": Proposal}

# The first key of each kind's advisory lock (lock_writer); the second is the member's id.
LOCK_KEYS = {Comment: 2101, Proposal: 2102}


class WriteRateThrottle(ScopedRateThrottle):
    """The view's scoped rate, on writes by signed-in members; reading is never throttled."""

    def allow_request(self, request, view) -> bool:
        self.wait_seconds = None
        if request.method in SAFE_METHODS or not request.user.is_authenticated:
            return True  # anonymous writers are refused before (401), not counted
        limit = rate(getattr(view, self.scope_attr))
        if limit is None:
            return True  # no limit set for the scope
        self.wait_seconds = wait_seconds(limit, request.user.pk)
        return self.wait_seconds is None

    def wait(self) -> float | None:
        return self.wait_seconds


@dataclass(frozen=True)
class Rate:
    """At most `count` rows of `model` by one author within `period`."""

    model: type[models.Model]
    count: int
    period: datetime.timedelta


def rate(scope: str) -> Rate | None:
    """The configured rate of a scope ("comments", "proposals"), or None when it has none."""
    value = WriteRateThrottle.THROTTLE_RATES.get(scope)  # DRF's DEFAULT_THROTTLE_RATES
    if value is None:
        return None
    count, seconds = WriteRateThrottle.parse_rate(None, value)  # does not use self
    return Rate(model=COUNTED[scope], count=count, period=datetime.timedelta(seconds=seconds))


def _nth_recent(limit: Rate) -> str:
    # The count-th newest row within the period: when it exists, the author is at the limit, and may
    # write again once it is older than the period. Plain SQL on the (author, created) index: the ORM
    # would spend more time building this query than PostgreSQL spends answering it, on every post.
    return (
        f"SELECT created FROM {limit.model._meta.db_table} WHERE author_id = %s AND created > %s "
        "ORDER BY created DESC OFFSET %s LIMIT 1"
    )


def wait_seconds(limit: Rate, author_id: int) -> float | None:
    """Seconds until the author may write again (at least 1), or None while they are under the rate."""
    now = timezone.now()
    with connections[router.db_for_read(limit.model)].cursor() as cursor:
        cursor.execute(_nth_recent(limit), [author_id, now - limit.period, limit.count - 1])
        nth = cursor.fetchone()
    if nth is None:
        return None
    return max((nth[0] + limit.period - now).total_seconds(), 1.0)


def lock_writer(limit: Rate, author_id: int) -> None:
    """Hold the author's lock for this kind of write until the transaction ends (the first lock it takes).

    Ids beyond 32 bits share a lock with another member's: those two only wait for each other.
    """
    connection = connections[router.db_for_write(limit.model)]
    if not connection.in_atomic_block:
        raise RuntimeError("lock_writer() holds its lock until the transaction ends: call it inside one.")
    with connection.cursor() as cursor:
        key = [LOCK_KEYS[limit.model], author_id % 2**31]
        cursor.execute("SELECT pg_advisory_xact_lock(%s::integer, %s::integer)", key)


def insert_within_rate(instance: models.Model, limit: Rate) -> bool:
    """Save a new `instance` unless its author is at the rate: one INSERT ... WHERE NOT EXISTS.

    Fast path for wait_seconds() then save(), two round trips on the most frequent write there
    is; tests/proposals/test_throttling.py runs both on many histories and compares them. One
    difference: PostgreSQL checks a value's length when it plans the statement, so a value too
    long for its column is an error (DataError) even at the limit, where the ordinary path
    refuses first. comment_create and proposal_create pass no such value.
    True when the row is written (the instance then has its primary key, as after save()),
    False when the author is at the limit (nothing written). The model's pre_save and
    post_save signals are sent as save() sends them.
    """
    model = type(instance)
    meta = model._meta
    database = router.db_for_write(model)
    connection = connections[database]
    pre_save.send(sender=model, instance=instance, raw=False, using=database, update_fields=None)
    fields = [field for field in meta.concrete_fields if field is not meta.pk]
    values = [field.get_db_prep_save(field.pre_save(instance, True), connection) for field in fields]
    # Untyped placeholders: PostgreSQL gives each the column's type, as in VALUES (a text too long for its
    # column is refused, where a CAST to varchar(n) would cut it).
    placeholders = ", ".join(["%s"] * len(fields))
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {connection.ops.quote_name(meta.db_table)} ({columns}) SELECT {placeholders} "
            f"WHERE NOT EXISTS ({_nth_recent(limit)}) RETURNING {connection.ops.quote_name(meta.pk.column)}",
            [*values, instance.author_id, now - limit.period, limit.count - 1],
        )
        row = cursor.fetchone()
    if row is None:
        return False
    instance.pk = row[0]
    instance._state.adding = False
    instance._state.db = database
    post_save.send(sender=model, instance=instance, created=True, update_fields=None, raw=False, using=database)
    return True
