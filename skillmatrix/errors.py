"""Error pages: JSON under /api/, the site's friendly pages elsewhere."""

from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults

from skillmatrix import partials


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


def _partial(request, exception, default: str, status: int):
    """A page's script asked for a fragment: the view's own message, as text to show beside the form."""
    text = str(exception) if exception is not None and str(exception) else default
    return partials.message(text, status=status)


def page_not_found(request, exception):
    if _is_api(request):
        return JsonResponse({"detail": _("Not found.")}, status=404)
    if partials.wants_partial(request):
        return _partial(request, exception, _("Not found."), 404)
    return defaults.page_not_found(request, exception)


def server_error(request):
    if _is_api(request):
        return JsonResponse({"detail": _("Server error.")}, status=500)
    return defaults.server_error(request)


def bad_request(request, exception):
    if _is_api(request):
        return JsonResponse({"detail": _("Bad request.")}, status=400)
    return defaults.bad_request(request, exception)


def permission_denied(request, exception):
    if _is_api(request):
        return JsonResponse({"detail": _("You do not have permission to perform this action.")}, status=403)
    if partials.wants_partial(request):
        return _partial(request, exception, _("You do not have permission to perform this action."), 403)
    return defaults.permission_denied(request, exception)
