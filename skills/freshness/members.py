"""Who a member is, read once per process and kept under the counters: a member's cached page costs no query.

Each signed-in request reads its session and its user (two queries), which cost
a member's cached page (pages.py) as much as the rest of it. Both are kept in
this process under the counters that move when they change: a session under
SESSIONS (any update or delete of a session, accounts 0002), a user under
MEMBERS (their name, password, flags, groups; not last_login). A write that
changes either moves its counter, so the next request reads afresh, on any
process; a browser that has just written reads the counters from the database
(middleware.wrote_recently), so it sees its own change at once.

Only with the revision listener, whose counters cost no query: without it,
reading the counters would cost the query it saves.
"""

import copy

from django.contrib import auth
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from skills.freshness.counters import MEMBERS, SESSIONS
from skills.freshness.current import revisions
from skills.freshness.kept import Kept
from skills.freshness.revision_listener import listening

KEPT_PER_PROCESS = 5000


_sessions = Kept(KEPT_PER_PROCESS)
_users = Kept(KEPT_PER_PROCESS)


class SessionStore(DatabaseSessionStore):
    """Django's database sessions (SESSION_ENGINE), each row kept under the SESSIONS counter once read."""

    request = None  # set by MemberMiddleware: the counters as this request sees them

    def _get_session_from_db(self):
        if not listening() or self.session_key is None:
            return super()._get_session_from_db()
        key = (self.session_key, revisions(self.request).key((SESSIONS,)))
        kept = _sessions.get(key)
        if kept is not None and kept.expire_date > timezone.now():
            return kept  # load() reads its session_data, nothing writes to it
        row = super()._get_session_from_db()
        if row is not None:
            _sessions.put(key, row)
        return row


class MemberMiddleware:
    """After AuthenticationMiddleware: the request's user from this process's copy, when one is kept."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if isinstance(session, SessionStore):
            session.request = request
        if listening() and session is not None:
            request.user = SimpleLazyObject(lambda: member(request))
        return self.get_response(request)


def member(request):
    """The user auth.get_user(request) gives, kept under the session's sign-in and the MEMBERS counter."""
    session = request.session
    signed_in = session.get(auth.SESSION_KEY)
    if signed_in is None:
        return auth.get_user(request)  # anonymous: no query
    key = (
        session.session_key,
        signed_in,
        session.get(auth.BACKEND_SESSION_KEY),
        session.get(auth.HASH_SESSION_KEY),
        revisions(request).key((MEMBERS,)),
    )
    kept = _users.get(key)
    if kept is None:
        user = auth.get_user(request)
        if user.is_authenticated:
            _users.put(key, copy.copy(user))  # before this request marks it (proposals.access keeps answers on it)
        return user
    return copy.copy(kept)


def forget() -> None:
    """Drop every kept session and user (tests)."""
    _sessions.clear()
    _users.clear()
