"""The embedded PostgreSQL used when no DATABASE_URL is set.

pgserver ships PostgreSQL 16 binaries in a wheel. The server keeps its data
under ``.data/pg`` and listens only on a Unix socket inside that folder.
pgserver counts the processes that use it and stops the server when the last
one exits, so ``make test`` and ``make run`` leave nothing running.
"""

import atexit
import logging
import os
import signal
import sys
import warnings
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("EMBEDDED_DB_DIR", BASE_DIR / ".data" / "pg"))
DATABASE_NAME = "skillmatrix"

_server = None
# Taken as early as possible: the parent may die while the server is starting.
_PARENT_AT_START = os.getppid()


def _exit_on_sigterm() -> None:
    """Turn SIGTERM into a normal exit so that atexit handlers stop the server."""
    if signal.getsignal(signal.SIGTERM) in (signal.SIG_DFL, None):
        signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))


def _exit_with_parent() -> None:
    """Exit when the process that started us goes away (make run killed with SIGTERM)."""
    import threading
    import time

    parent = _PARENT_AT_START

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1)
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, name="embedded-db-parent-watch", daemon=True).start()


def _alive(pid: int) -> bool:
    import psutil

    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


def _forget_dead_handles(server) -> None:
    """Drop processes that died without saying goodbye (SIGKILL) from pgserver's list.

    pgserver stops the server when the last process in its list exits; a
    killed process would otherwise stay in the list and keep the server up.
    """
    with server._lock:
        pids = server.global_process_id_list.get()
        alive = [pid for pid in pids if pid == os.getpid() or _alive(pid)]
        if alive != pids:
            server.global_process_id_list.put(alive)


def start():
    """Start (or join) the embedded server and return it."""
    global _server
    if _server is not None:
        return _server
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # platformdirs warns about XDG_RUNTIME_DIR
        import pgserver
    logging.getLogger("pgserver").setLevel(logging.WARNING)
    DATA_DIR.parent.mkdir(parents=True, exist_ok=True)
    _server = pgserver.get_server(DATA_DIR, cleanup_mode="stop")
    _forget_dead_handles(_server)
    # atexit runs last-registered first: this runs before pgserver's own cleanup.
    atexit.register(_forget_dead_handles, _server)
    _exit_on_sigterm()
    if os.environ.get("EMBEDDED_DB_EXIT_WITH_PARENT"):
        _exit_with_parent()
    exists = _server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}';")
    if "(1 row)" not in exists:
        _server.psql(f"CREATE DATABASE {DATABASE_NAME};")
    return _server


def database_settings() -> dict:
    """Django DATABASES['default'] for the embedded server, starting it if needed."""
    server = start()
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": DATABASE_NAME,
        "USER": "postgres",
        "PASSWORD": "",
        "HOST": str(server.get_postmaster_info().socket_dir),
        "PORT": "",
    }
