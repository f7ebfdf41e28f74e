"""Benchmark-only "floor": a page's bytes, rendered once, served again through the same middleware.

GET /__bench__/floor/?page=/skills/<slug>/ renders the page once per process
(through Django's own handler, so every middleware and the view run exactly
as for a visitor), keeps the bytes, and from then on answers with those bytes
without touching the view or the database. The difference between the page
and its floor is what the view, its queries and its template cost.

Pages are rendered as an anonymous visitor sees them; with &signed_in=1, with
the request's cookies (a member's page: a team's heatmap as its lead sees it).

Mounted only when settings.BENCH_FLOOR is on (BENCH_FLOOR=1; see skillmatrix/urls.py);
bench/run sets it for its own server. Never set it in production.
"""

import io
import threading

from django.core.handlers.wsgi import WSGIHandler, WSGIRequest
from django.http import HttpResponse, HttpResponseBadRequest
from django.views.decorators.http import require_GET

FLOOR_PREFIX = "/__bench__/"

_rendered: dict[str, tuple[bytes, str]] = {}
_lock = threading.Lock()
_handler: WSGIHandler | None = None


def _render(request, page: str, *, signed_in: bool) -> tuple[bytes, str]:
    global _handler
    if _handler is None:
        _handler = WSGIHandler()
    target, _, query = page.partition("?")
    environ = dict(request.environ, PATH_INFO=target, QUERY_STRING=query, REQUEST_METHOD="GET")
    environ["wsgi.input"] = io.BytesIO(b"")
    if not signed_in:
        environ.pop("HTTP_COOKIE", None)  # render it as an anonymous visitor sees it
    response = _handler.get_response(WSGIRequest(environ))
    if response.status_code != 200 or response.streaming:
        raise ValueError(f"{page} answered {response.status_code}")
    return response.content, response["Content-Type"]


@require_GET
def floor(request):
    page = request.GET.get("page", "")
    if not page.startswith("/") or page.startswith(FLOOR_PREFIX):
        return HttpResponseBadRequest("page must be a path on this site, e.g. ?page=/skills/terraform/\n")
    signed_in = request.GET.get("signed_in") == "1"
    key = f"{page} signed-in" if signed_in else page
    cached = _rendered.get(key)
    if cached is None:
        with _lock:
            cached = _rendered.get(key)
            if cached is None:
                try:
                    cached = _rendered[key] = _render(request, page, signed_in=signed_in)
                except ValueError as error:
                    return HttpResponseBadRequest(f"{error}\n")
    content, content_type = cached
    return HttpResponse(content, content_type=content_type)
