"""What a request may carry, checked before anything reads it.

An API body longer than DATA_UPLOAD_MAX_MEMORY_SIZE is a 400 that says so. Django refuses it too when the
body is read (RequestDataTooBig, which pages answer with their 400 page), but only as a bare "Bad request.".
"""

from django.conf import settings
from django.http import JsonResponse

from skillmatrix.parsers import body_too_large_message


def content_length(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0  # as Django reads it: the body is then empty


class RequestLimitsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if request.path.startswith("/api/") and limit is not None and content_length(request) > limit:
            return JsonResponse({"detail": body_too_large_message()}, status=400)
        return self.get_response(request)
