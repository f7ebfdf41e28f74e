"""The counters one request sees: read once, from this process's listener or from the database."""

from django.db import connections, router

from skills.freshness.counters import Revisions, read, read_scoped
from skills.freshness.middleware import wrote_recently
from skills.freshness.revision_listener import listener, listening
from skills.models import Revision


def revisions(request=None, scoped: tuple[str, ...] = ()) -> Revisions:
    """The counters, once per request: from this process's listener, or one query on a small table (with the
    `scoped` counters the page asks for first: counters.skill_page)."""
    known = getattr(request, "_revisions", None)
    if known is not None:
        return known
    result = None
    if listening() and not (request is not None and wrote_recently(request)):
        result = listener.current()
    if result is None:
        connection = connections[router.db_for_read(Revision)]

        def fetch(names: list[str]) -> dict[str, str]:
            with connection.cursor() as cursor:
                return read_scoped(cursor, names)

        with connection.cursor() as cursor:
            result = read(cursor, fetch, scoped)
    if request is not None:
        request._revisions = result
    return result
