"""Who and what wrote to the catalog: the context attached to audit rows.

pghistory stores one Context row per request (or per import, per shell
session) and links every event written meanwhile to it. The source tells
through what the change came: admin, api, web, import, shell, proposal.
"""

import contextlib

import pghistory
import pghistory.middleware


def audit_context(*, source: str, user=None, **extra):
    """Attach who and through what to every catalog write inside the block."""
    metadata = {"source": source, **extra}
    if user is not None and getattr(user, "is_authenticated", False):
        metadata["user"] = user.pk
        metadata["username"] = user.get_username()
    return pghistory.context(**metadata)


class AuditContextMiddleware(pghistory.middleware.HistoryMiddleware):
    """pghistory's middleware, with the source named after the part of the site."""

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
