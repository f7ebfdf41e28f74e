"""Settings for more than one process: connection pool, read replicas, Redis (parsed strictly)."""

import json
import os
import subprocess
import sys

import pytest

from tests.helpers import ROOT

PRIMARY = "postgres://app:secret@primary.internal:5432/skillmatrix"

DUMP = """
import json
from django.conf import settings
print(json.dumps({
    "DATABASES": settings.DATABASES,
    "DATABASE_ROUTERS": settings.DATABASE_ROUTERS,
    "MIDDLEWARE": settings.MIDDLEWARE,
    "CACHES": settings.CACHES,
    "SESSION_ENGINE": settings.SESSION_ENGINE,
    "REPLICA_PIN_SECONDS": settings.REPLICA_PIN_SECONDS,
}))
"""


def load_settings(**env) -> subprocess.CompletedProcess:
    names = ("DEBUG", "DATABASE_URL", "DATABASE_REPLICA_URLS", "REDIS_URL", "DB_CONN_MAX_AGE", "TEST_DATABASE_NAME")
    environment = {k: v for k, v in os.environ.items() if k not in names and not k.startswith("DB_POOL")}
    # A DATABASE_URL keeps the settings from starting another embedded server.
    environment.update({"DEBUG": "true", "DATABASE_URL": PRIMARY, "DJANGO_SETTINGS_MODULE": "skillmatrix.settings"})
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-c", DUMP], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )


def settings_with(**env) -> dict:
    result = load_settings(**env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_by_default_connections_are_kept_and_not_pooled():
    database = settings_with()["DATABASES"]["default"]
    assert database["CONN_MAX_AGE"] == 60
    assert database["CONN_HEALTH_CHECKS"] is True
    assert "pool" not in database["OPTIONS"]
    # The pgtrigger setting that spares a subtransaction per audited row is still there.
    assert database["OPTIONS"]["options"] == "-c pgtrigger.ignore={}"


def test_the_pool_replaces_kept_connections():
    database = settings_with(DB_POOL="true", DB_POOL_MIN_SIZE="1", DB_POOL_MAX_SIZE="8", DB_POOL_TIMEOUT="5")[
        "DATABASES"
    ]["default"]
    assert database["OPTIONS"]["pool"] == {"min_size": 1, "max_size": 8, "timeout": 5}
    assert database["CONN_MAX_AGE"] == 0
    assert database["CONN_HEALTH_CHECKS"] is False
    assert database["OPTIONS"]["options"] == "-c pgtrigger.ignore={}"


def test_pool_defaults():
    database = settings_with(DB_POOL="on")["DATABASES"]["default"]
    assert database["OPTIONS"]["pool"] == {"min_size": 2, "max_size": 4, "timeout": 10}


@pytest.mark.parametrize(
    ("env", "names"),
    [
        ({"DB_POOL": "sometimes"}, ["DB_POOL"]),
        ({"DB_POOL": "true", "DB_CONN_MAX_AGE": "60"}, ["DB_POOL", "DB_CONN_MAX_AGE"]),
        ({"DB_POOL": "true", "DB_POOL_MAX_SIZE": "many"}, ["DB_POOL_MAX_SIZE"]),
        (
            {"DB_POOL": "true", "DB_POOL_MIN_SIZE": "5", "DB_POOL_MAX_SIZE": "4"},
            ["DB_POOL_MIN_SIZE", "DB_POOL_MAX_SIZE"],
        ),
        ({"DB_POOL": "true", "DB_POOL_MAX_SIZE": "0", "DB_POOL_MIN_SIZE": "0"}, ["DB_POOL_MAX_SIZE"]),
        ({"DB_POOL": "true", "DB_POOL_TIMEOUT": "0"}, ["DB_POOL_TIMEOUT"]),
        ({"DATABASE_REPLICA_URLS": "not-a-url"}, ["DATABASE_REPLICA_URLS"]),
        ({"REPLICA_PIN_SECONDS": "-1"}, ["REPLICA_PIN_SECONDS"]),
        ({"REPLICA_PIN_SECONDS": "ten"}, ["REPLICA_PIN_SECONDS"]),
    ],
)
def test_a_bad_value_stops_start_up_naming_the_variables(env, names):
    result = load_settings(**env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    for name in names:
        assert name in result.stderr


def test_without_replicas_there_is_no_router_and_no_middleware():
    loaded = settings_with()
    assert list(loaded["DATABASES"]) == ["default"]
    assert loaded["DATABASE_ROUTERS"] == []
    assert not any("db_router" in middleware for middleware in loaded["MIDDLEWARE"])


def test_replica_urls_become_aliases_routed_and_pinned():
    loaded = settings_with(
        DATABASE_REPLICA_URLS="postgres://ro@replica-a.internal/skillmatrix, postgres://ro@replica-b.internal/skillmatrix",
        DB_POOL="true",
        REPLICA_PIN_SECONDS="30",
    )
    databases = loaded["DATABASES"]
    assert list(databases) == ["default", "replica_0", "replica_1"]
    assert [databases[alias]["HOST"] for alias in ("replica_0", "replica_1")] == [
        "replica-a.internal",
        "replica-b.internal",
    ]
    for alias in ("replica_0", "replica_1"):
        # Same connection handling as the primary; tests never touch a replica's own database.
        assert databases[alias]["OPTIONS"]["pool"] == databases["default"]["OPTIONS"]["pool"]
        assert databases[alias]["OPTIONS"]["options"] == "-c pgtrigger.ignore={}"
        assert databases[alias]["TEST"] == {"MIRROR": "default"}
    assert loaded["DATABASE_ROUTERS"] == ["skillmatrix.db_router.ReplicaRouter"]
    middleware = loaded["MIDDLEWARE"]
    # Before the session middleware, so that reading the session follows the pin too.
    assert middleware.index("skillmatrix.db_router.PinToPrimaryMiddleware") == (
        middleware.index("django.contrib.sessions.middleware.SessionMiddleware") - 1
    )
    assert loaded["REPLICA_PIN_SECONDS"] == 30


def test_without_redis_the_cache_and_sessions_live_in_the_database():
    loaded = settings_with()
    assert loaded["CACHES"]["default"] == {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "django_cache",
    }
    # Django's database sessions, each process keeping those it has read under the "sessions" counter.
    assert loaded["SESSION_ENGINE"] == "skills.freshness.members"


def test_redis_url_moves_the_cache_to_redis_and_sessions_read_through_it():
    loaded = settings_with(REDIS_URL="redis://cache.internal:6379/0")
    assert loaded["CACHES"]["default"] == {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://cache.internal:6379/0",
    }
    assert loaded["SESSION_ENGINE"] == "django.contrib.sessions.backends.cached_db"


def test_the_redis_cache_backend_loads_with_its_client():
    # Django's RedisCache imports the redis package when first used; no server is needed for that.
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from django.core.cache import caches; cache = caches['default']; "
            "print(type(cache).__name__, type(cache._cache.get_client(write=False)).__module__)",
        ],
        cwd=ROOT,
        env={
            **{k: v for k, v in os.environ.items() if k not in ("DEBUG", "DATABASE_URL")},
            "DEBUG": "true",
            "DATABASE_URL": PRIMARY,
            "REDIS_URL": "redis://127.0.0.1:1/0",
            "DJANGO_SETTINGS_MODULE": "skillmatrix.settings",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["RedisCache", "redis.client"]


def test_the_pool_works_with_the_embedded_server_and_the_trigger_option():
    # The embedded PostgreSQL listens on a Unix socket; connections come from the pool and carry the option.
    script = (
        "import django; django.setup()\n"
        "from django.db import connection\n"
        "with connection.cursor() as cursor:\n"
        "    cursor.execute('SHOW pgtrigger.ignore')\n"
        "    option = cursor.fetchone()[0]\n"
        "pool = connection.pool\n"
        "print(type(pool).__name__, pool.max_size, option, connection.settings_dict['HOST'][:1])\n"
        "connection.close()\n"
        "connection.close_pool()\n"
    )
    environment = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DB_CONN_MAX_AGE")}
    environment.update({"DEBUG": "true", "DB_POOL": "true", "DB_POOL_MAX_SIZE": "3"})
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={**environment, "DJANGO_SETTINGS_MODULE": "skillmatrix.settings"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["ConnectionPool", "3", "{}", "/"]


def wsgi_switch_interval(**env) -> subprocess.CompletedProcess:
    """Load the server's WSGI module as gunicorn does, and print the thread switch interval it left."""
    environment = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "DATABASE_URL", "THREAD_SWITCH_MS")}
    environment.update({"DEBUG": "true", "DATABASE_URL": PRIMARY, "DJANGO_SETTINGS_MODULE": "skillmatrix.settings"})
    environment.update(env)
    script = "import sys, skillmatrix.wsgi; print(sys.getswitchinterval())"
    return subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize(("given", "seconds"), [(None, 0.001), ("5", 0.005), ("0.25", 0.00025)])
def test_the_server_processes_switch_threads_as_thread_switch_ms_says(given, seconds):
    result = wsgi_switch_interval(**({"THREAD_SWITCH_MS": given} if given else {}))
    assert result.returncode == 0, result.stderr
    assert float(result.stdout.split()[-1]) == pytest.approx(seconds)


@pytest.mark.parametrize("given", ["0", "0.01", "101", "fast", "nan"])
def test_a_thread_switch_out_of_range_or_not_a_number_is_refused(given):
    result = load_settings(THREAD_SWITCH_MS=given)
    assert result.returncode != 0
    assert "THREAD_SWITCH_MS" in result.stderr
