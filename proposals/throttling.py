"""Write rates ("20/min" comments, "10/hour" proposals), counted from what the member wrote.

The count is the member's own comments or proposals within the period: one
indexed query, nothing written besides the comment or proposal itself, so a
post stays a single INSERT. It also makes mistakes free (refused input writes
no row) and lets the pages and the API share one limit without sharing a
counter. Like any counter read before the write, two posts sent at the very
same instant at the limit can both pass; the next one is refused.
"""

import datetime

from django.db import connections, router
from django.utils import timezone
from rest_framework.permissions import SAFE_METHODS
from rest_framework.throttling import ScopedRateThrottle

from proposals.models import Comment, Proposal

# Scope (the view's throttle_scope) -> the rows that count: each has `author` and `created`.
COUNTED = {"comments": Comment, "proposals": Proposal}


class WriteRateThrottle(ScopedRateThrottle):
    """The view's scoped rate, on writes by signed-in members; reading is never throttled."""

    def allow_request(self, request, view) -> bool:
        self.wait_seconds = None
        if request.method in SAFE_METHODS or not request.user.is_authenticated:
            return True  # anonymous writers are refused before (401), not counted
        self.scope = getattr(view, self.scope_attr)
        self.rate = self.get_rate()
        if self.rate is None:
            return True  # no limit set for the scope
        self.num_requests, self.duration = self.parse_rate(self.rate)
        self.now = timezone.now()
        period = datetime.timedelta(seconds=self.duration)
        # The num-th newest row within the period: when it exists, the member is at the limit,
        # and may write again once it is older than the period. Plain SQL on the (author, created)
        # index: the ORM took 0.6 ms of Python to build this query, on the path of every post.
        model = COUNTED[self.scope]
        with connections[router.db_for_read(model)].cursor() as cursor:
            cursor.execute(
                f"SELECT created FROM {model._meta.db_table} WHERE author_id = %s AND created > %s "
                "ORDER BY created DESC OFFSET %s LIMIT 1",
                [request.user.pk, self.now - period, self.num_requests - 1],
            )
            nth = cursor.fetchone()
        if nth is None:
            return True
        self.wait_seconds = max((nth[0] + period - self.now).total_seconds(), 1.0)
        return False

    def wait(self) -> float | None:
        return self.wait_seconds
