"""The embedded PostgreSQL used when no DATABASE_URL is set.

pgserver ships PostgreSQL 16 binaries in a wheel. The server keeps its data
under ``.data/pg`` and listens only on a Unix socket inside that folder.
pgserver counts the processes that use it and stops the server when the last
one exits, so ``make test`` and ``make run`` leave nothing running.

Settings only name the server (``database_settings``); the project's database
backend (skillmatrix/postgresql) starts or joins it on its first connection, so a
process that never queries (a test without a database) never starts it.
"""

import atexit
import json
import logging
import os
import signal
import sys
import threading
import warnings
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("EMBEDDED_DB_DIR", BASE_DIR / ".data" / "pg"))
DATABASE_NAME = "skillmatrix"

_server = None
_starting = threading.Lock()
# Taken as early as possible: the parent may die while the server is starting.
_PARENT_AT_START = os.getppid()


def _exit_on_sigterm() -> None:
    """Turn SIGTERM into a normal exit so that atexit handlers stop the server."""
    if signal.getsignal(signal.SIGTERM) in (signal.SIG_DFL, None):
        signal.signal(signal.SIGTERM, _exit_once)


def _exit_once(signum, frame) -> None:
    # A second SIGTERM (a wrapper such as `timeout` or make passing the first one on) must not
    # interrupt the atexit handler that is stopping the server.
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    sys.exit(128 + signum)


def _exit_with_parent() -> None:
    """Exit when the process that started us goes away (make run killed with SIGTERM)."""
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


def _repair_handle_list(path: Path) -> None:
    """Start pgserver's list of handles afresh if it cannot be read.

    A process stopped while pgserver rewrote the file (a second signal during its exit)
    can leave it empty, and pgserver would then fail on every start. The processes it
    named are forgotten: the server stops when the next one to join exits.
    """
    try:
        handles = json.loads(path.read_text())
    except FileNotFoundError:
        return
    except ValueError:
        handles = None
    if not isinstance(handles, list):
        logging.getLogger(__name__).warning("%s could not be read; starting it afresh", path)
        path.write_text("[]")


def start():
    """Start (or join) the embedded server and return it."""
    with _starting:  # the first connections of several threads (a live server's) may come at once
        if _server is None:
            _start()
        return _server


def _start() -> None:
    global _server
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # platformdirs warns about XDG_RUNTIME_DIR
        import pgserver
    logging.getLogger("pgserver").setLevel(logging.WARNING)
    DATA_DIR.parent.mkdir(parents=True, exist_ok=True)
    from pgserver.postgres_server import PostgresServer

    with PostgresServer._lock:  # the lock pgserver itself takes around the list
        _repair_handle_list(DATA_DIR / ".handle_pids.json")
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


def socket_dir() -> str:
    """Where the server listens (its Unix socket's folder), starting it if needed."""
    return str(start().get_postmaster_info().socket_dir)


def database_settings() -> dict:
    """Django DATABASES['default'] for the embedded server, which is started on the first connection.

    HOST stays empty until then: skillmatrix.postgresql fills it in from socket_dir() when it
    connects to a database whose EMBEDDED_DB_DIR is set.
    """
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": DATABASE_NAME,
        "USER": "postgres",
        "PASSWORD": "",
        "HOST": "",
        "PORT": "",
        "EMBEDDED_DB_DIR": str(DATA_DIR),
    }
