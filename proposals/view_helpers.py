"""What the community views share that is not a presenter: the write rate as a page tells it,
a service's errors on a form, and the proposal lookup behind every proposal form."""

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import ngettext

from proposals import access, selectors, throttling
from proposals.models import Proposal


def throttle_wait(request: HttpRequest, scope: str) -> int | None:
    """Seconds to wait if the user is over the scope's write rate, else None.

    The API's rate, counting the same rows: a member cannot double their
    rate by alternating between the pages and the API.
    """
    limit = throttling.rate(scope)
    wait = throttling.wait_seconds(limit, request.user.pk) if limit is not None else None
    return None if wait is None else whole_seconds(wait)


def whole_seconds(wait: float) -> int:
    """A wait in seconds as a member is told it: whole seconds, at least one."""
    return max(1, round(wait))


def throttled_message(wait: int) -> str:
    return ngettext(
        "You are going too fast. Please wait %(seconds)d second and try again.",
        "You are going too fast. Please wait %(seconds)d seconds and try again.",
        wait,
    ) % {"seconds": wait}


def add_service_errors(form, error: ValidationError, fields: tuple[str, ...] = ()) -> None:
    """Put a service's ValidationError on the form: on a field it names, else above the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for field, field_errors in error.message_dict.items():
        form.add_error(field if field in fields else None, field_errors)


def load_proposal(pk: int) -> Proposal:
    return access.get_proposal_or_404(pk, selectors.proposal_detail())
