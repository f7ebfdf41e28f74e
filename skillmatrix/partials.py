"""In-place answers: a page's script asks a form view for the fragment it changed instead of a redirect.

static/js/inplace.js sends the form as it is (fields, CSRF token, the button pressed) with the header
below; the view does its usual work and, asked this way, answers the server-rendered fragment
(every top-level element with an id replaces the element with that id on the page). Without
JavaScript the same view answers its redirect, as before. Errors asked this way come back as plain
text: the server's own message, which the script shows beside the form.
"""

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

HEADER = "X-Requested-With"
VALUE = "partial"


def wants_partial(request: HttpRequest) -> bool:
    return request.headers.get(HEADER) == VALUE


def fragment(request: HttpRequest, template: str, context: dict, *, status: int = 200) -> HttpResponse:
    """The fragment: marked as one, so the script swaps it rather than a whole page (an error page, a login form)."""
    response = HttpResponse(render_to_string(template, context, request=request), status=status)
    response["X-Partial"] = "true"
    response["Cache-Control"] = "no-store"
    return response


def message(text: str, *, status: int) -> HttpResponse:
    return HttpResponse(text, status=status, content_type="text/plain; charset=utf-8")
