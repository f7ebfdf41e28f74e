"""The counters one request sees: read once, from this process's listener or from the database."""

from django.db import connections, router

from skills.freshness.counters import Revisions, read
from skills.freshness.middleware import wrote_recently
from skills.freshness.revision_listener import listener, listening
from skills.models import Revision


def revisions(request=None) -> Revisions:
    """The counters, once per request: from this process's listener, or one query on a table of a few rows."""
    known = getattr(request, "_revisions", None)
    if known is not None:
        return known
    result = None
    if listening() and not (request is not None and wrote_recently(request)):
        result = listener.current()
    if result is None:
        with connections[router.db_for_read(Revision)].cursor() as cursor:
            result = read(cursor)
    if request is not None:
        request._revisions = result
    return result
