"""Reads from read replicas, writes to the primary, and no stale read after one's own write.

Active only when DATABASE_REPLICA_URLS is set (settings adds the router and the middleware).
A replica lags the primary by a moment, so a reader who has just written must not be sent
to one: the primary serves

- every read of a request after that request wrote (the router's db_for_write pins it);
- every read inside transaction.atomic (a transaction must see its own writes);
- every read of a browser for REPLICA_PIN_SECONDS after one of its POST/PUT/PATCH/DELETE
  requests succeeded (a short-lived signed cookie; the redirect after a form shows the change);
- the database cache's table (rate limits must count on the row being written).

A request reads from one replica throughout: replicas lag by different amounts, and a page
keys what it caches on the catalog's revision (skills/freshness/), which must come from
the same snapshot as the rows it renders.
"""

import random
from contextvars import ContextVar

from django.conf import settings
from django.db import connections

PIN_COOKIE = "db_pin"
PIN_SALT = "skillmatrix.db_router"
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
# The database cache's model (django.core.cache.backends.db) belongs to this pseudo-app.
_CACHE_APP_LABEL = "django_cache"

# Per request (gunicorn threads each run their own context); outside requests, a management command
# or shell stays on the primary once it wrote.
_pinned: ContextVar[bool] = ContextVar("skillmatrix_pinned_to_primary", default=False)
# The replica this request reads from (None outside requests: each read picks one).
_replica: ContextVar[str | None] = ContextVar("skillmatrix_replica", default=None)


class ReplicaRouter:
    def __init__(self) -> None:
        self.replicas = [alias for alias in connections if alias.startswith("replica_")]
        self.aliases = {"default", *self.replicas}

    def db_for_read(self, model, **hints) -> str:
        if (
            not self.replicas
            or _pinned.get()
            or model._meta.app_label == _CACHE_APP_LABEL
            or connections["default"].in_atomic_block
        ):
            return "default"
        return _replica.get() or random.choice(self.replicas)

    def db_for_write(self, model, **hints) -> str:
        if model._meta.app_label != _CACHE_APP_LABEL:
            _pinned.set(True)
        return "default"

    def allow_relation(self, obj1, obj2, **hints) -> bool | None:
        if obj1._state.db in self.aliases and obj2._state.db in self.aliases:
            return True  # the same rows: a replica is a copy of the primary
        return None

    def allow_migrate(self, db, app_label, model_name=None, **hints) -> bool:
        return db == "default"


class PinToPrimaryMiddleware:
    """Pins a browser's reads to the primary for a while after it changed something."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.replicas = [alias for alias in connections if alias.startswith("replica_")]

    def __call__(self, request):
        seconds = settings.REPLICA_PIN_SECONDS
        pinned = request.get_signed_cookie(PIN_COOKIE, default=None, salt=PIN_SALT, max_age=seconds) is not None
        token = _pinned.set(pinned)
        replica = _replica.set(random.choice(self.replicas) if self.replicas else None)
        try:
            response = self.get_response(request)
        finally:
            _pinned.reset(token)
            _replica.reset(replica)
        if request.method not in _SAFE_METHODS and response.status_code < 400:
            response.set_signed_cookie(
                PIN_COOKIE,
                "1",
                salt=PIN_SALT,
                max_age=seconds,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response
