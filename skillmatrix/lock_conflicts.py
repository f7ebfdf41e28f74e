"""Deadlocks and serialization failures (SQLSTATE 40P01, 40001): retried where they can be, 409 elsewhere.

Writes take their locks in one order (skills/locking.py), so two of ours should not deadlock; these are
the net under it. A service that owns its transaction retries it (retry_on_lock_conflict); one that runs
inside a caller's transaction cannot (the whole transaction is lost), so the error reaches the request,
and the API's exception handler and LockConflictMiddleware (pages, admin) answer 409: nothing was written,
try again.
"""

import functools
import logging

from django.db import DatabaseError, transaction
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from skillmatrix.exceptions import Conflict

LOCK_CONFLICT_STATES = frozenset({"40001", "40P01"})  # serialization_failure, deadlock_detected
ATTEMPTS = 3

logger = logging.getLogger(__name__)


def is_lock_conflict(error: BaseException) -> bool:
    """Whether a database error is a deadlock or a serialization failure (the driver's error is the cause)."""
    if not isinstance(error, DatabaseError):
        return False
    cause = error.__cause__
    state = getattr(cause, "sqlstate", None) or getattr(cause, "pgcode", None)
    return state in LOCK_CONFLICT_STATES


def busy_message() -> str:
    return _("Someone else was changing the same data at the same moment; nothing was saved. Please try again.")


def retry_on_lock_conflict(func):
    """Run `func` (which opens its own transaction) again on a deadlock or serialization failure, a few
    times, then raise Conflict. Inside a caller's transaction it runs once: that transaction is lost with
    the error, and only its owner can start it again."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        for attempt in range(1, ATTEMPTS + 1):
            if transaction.get_connection().in_atomic_block:
                return func(*args, **kwargs)
            try:
                return func(*args, **kwargs)
            except DatabaseError as error:
                if not is_lock_conflict(error):
                    raise
                logger.warning("%s: lock conflict, attempt %d of %d", func.__qualname__, attempt, ATTEMPTS)
        raise Conflict(busy_message())

    return wrapper


class LockConflictMiddleware:
    """A deadlock or serialization failure that reaches a view: 409, a page or JSON under /api/, not 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_lock_conflict(exception):
            return None
        logger.warning("%s %s: lock conflict answered 409", request.method, request.path)
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": busy_message()}, status=409)
        return HttpResponse(render_to_string("409.html", request=request), status=409)
