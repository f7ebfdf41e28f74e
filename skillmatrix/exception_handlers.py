"""The API's one exception handler (REST_FRAMEWORK["EXCEPTION_HANDLER"]).

Services raise Django's ValidationError and PermissionDenied or our Conflict and RateLimited
(skillmatrix/exceptions.py); views let them through, and this turns them into DRF's answers:
400 with messages by field, 403, 409 with the cells that moved on, 429 with Retry-After.
A Django 404 answers DRF's generic "Not found.". A deadlock or serialization failure that
reaches the view (skillmatrix/lock_conflicts.py) is a 409 too: nothing was written.
"""

from dataclasses import asdict

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.views import exception_handler as drf_exception_handler

from skillmatrix.exceptions import Conflict, RateLimited
from skillmatrix.lock_conflicts import busy_message, is_lock_conflict


class ConflictError(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"

    def __init__(self, conflict: Conflict):
        super().__init__(conflict.message)
        # A plain dict, so that versions stay numbers (APIException would turn them into strings).
        self.detail = {
            **conflict.details,
            "detail": conflict.message,
            "conflicts": [asdict(item) for item in conflict.conflicts],
        }


def as_api_exception(exc: Exception) -> Exception:
    if isinstance(exc, Http404):
        return exceptions.NotFound()
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        return exceptions.ValidationError(detail)
    if isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied(str(exc) or None)
    if isinstance(exc, Conflict):
        return ConflictError(exc)
    if isinstance(exc, RateLimited):
        return exceptions.Throttled(wait=exc.wait)
    if is_lock_conflict(exc):
        return ConflictError(Conflict(busy_message()))
    return exc


def exception_handler(exc, context):
    return drf_exception_handler(as_api_exception(exc), context)
