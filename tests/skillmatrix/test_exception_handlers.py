"""The API's one exception handler: what each service refusal answers."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from skillmatrix.exception_handlers import exception_handler
from skillmatrix.exceptions import Conflict, RateLimited


@dataclass(frozen=True)
class Moved:
    role: str
    base_version: int
    current_version: int


def answer(exc):
    request = APIView().initialize_request(APIRequestFactory().post("/api/x/"))
    response = exception_handler(exc, {"request": request, "view": None})
    return response.status_code, response.data, response


def test_a_validation_error_by_field_is_400_with_the_messages_by_field():
    status, data, _ = answer(ValidationError({"body": "A comment is required."}))
    assert status == 400 and data == {"body": ["A comment is required."]}


def test_a_validation_error_without_fields_is_400_under_non_field_errors():
    status, data, _ = answer(ValidationError("Choose your role first."))
    assert status == 400 and data == {"non_field_errors": ["Choose your role first."]}


def test_permission_denied_is_403_with_the_services_message():
    assert answer(PermissionDenied("Only reviewers can hide comments."))[:2] == (
        403,
        {"detail": "Only reviewers can hide comments."},
    )
    assert answer(PermissionDenied())[1] == {"detail": "You do not have permission to perform this action."}


def test_a_conflict_is_409_with_what_moved_on_and_numbers_kept_numbers():
    status, data, _ = answer(Conflict("Some cells changed.", [Moved("ds", 1, 2)]))
    assert status == 409
    assert data == {
        "detail": "Some cells changed.",
        "conflicts": [{"role": "ds", "base_version": 1, "current_version": 2}],
    }


def test_rate_limited_is_429_with_retry_after():
    status, _data, response = answer(RateLimited(wait=12.4))
    assert status == 429 and response["Retry-After"] == "13"  # whole seconds, rounded up


def test_a_django_404_is_drfs_generic_not_found():
    assert answer(Http404("No skill with this slug."))[:2] == (404, {"detail": "Not found."})


def test_other_errors_are_left_to_become_500():
    request = APIView().initialize_request(APIRequestFactory().get("/api/x/"))
    assert exception_handler(KeyError("x"), {"request": request, "view": None}) is None
