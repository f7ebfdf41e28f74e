"""Who and what wrote to the catalog: the context attached to audit rows.

pghistory stores one Context row per request (or per import, per shell
session) and links every event written meanwhile to it. The source tells
through what the change came: admin, api, web, import, shell, proposal.
"""

import contextlib

import pghistory
import pghistory.middleware
from django.core.handlers.wsgi import WSGIRequest
from pghistory import config

# The key of the audit context's metadata that marks the catalog's first import (skills/catalog_io.py).
FIRST_IMPORT = "first_import"


def audit_context(*, source: str, user=None, **extra):
    """Attach who and through what to every catalog write inside the block."""
    metadata = {"source": source, **extra}
    if user is not None and getattr(user, "is_authenticated", False):
        metadata["user"] = user.pk
        metadata["username"] = user.get_username()
    return pghistory.context(**metadata)


def not_audited(view):
    """Mark a view (function or class) that writes nothing the audit trail tracks: it runs without a context.

    A context costs every SQL statement of the request a prefix of two set_config calls, built
    and parsed again each time: a cost every comment post would pay, though it writes only a comment.
    tests/proposals/test_audit_context.py checks that the models these views write are not tracked.
    """
    view.audited = False
    return view


def _audited(view_func) -> bool:
    return getattr(view_func, "audited", getattr(getattr(view_func, "view_class", None), "audited", True))


class AuditContextMiddleware(pghistory.middleware.HistoryMiddleware):
    """pghistory's middleware, with the source named after the part of the site.

    It opens the context once the view is known (process_view), so that views marked
    not_audited, and the methods PGHISTORY_MIDDLEWARE_METHODS leaves out, run without one.
    """

    def __call__(self, request):
        with contextlib.ExitStack() as request._audit_contexts:
            return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method in config.middleware_methods() and _audited(view_func):
            request._audit_contexts.enter_context(pghistory.context(**self.get_context(request)))
            # DRF signs the user in inside the view; pghistory's request class adds them to the context then.
            if isinstance(request, WSGIRequest):
                request.__class__ = pghistory.middleware.WSGIRequest
        return None

    def get_context(self, request):
        context = super().get_context(request)
        path = request.path
        if path.startswith("/admin/"):
            context["source"] = "admin"
        elif path.startswith("/api/"):
            context["source"] = "api"
        else:
            context["source"] = "web"
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            context["username"] = user.get_username()
        return context


@contextlib.contextmanager
def preserve_last_updated():
    """Keep skills' "Last updated" as written by the caller (imports carry their own dates)."""
    from django.db import connection, transaction

    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('skillmatrix.preserve_updated', 'on', true)")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config('skillmatrix.preserve_updated', '', true)")
