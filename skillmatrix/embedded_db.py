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

# What a terminal (SIGINT, SIGHUP, SIGQUIT), a process manager and a container runtime (SIGTERM) send.
# SIGHUP, SIGQUIT and SIGTERM would end the process without running atexit, and so without stopping
# the server; SIGINT already ends it through KeyboardInterrupt.
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT)
_deferred: list[int] = []  # signals that arrived while the server was starting
_deferring = False


def _in_main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


def _exit_on_signals() -> None:
    """Turn the stop signals into a normal exit, so that the atexit handler stops the server.

    Only where they still have Python's default behaviour: a server with its own handlers
    (gunicorn's workers) exits through them, and atexit runs all the same.
    """
    if not _in_main_thread():  # signal handlers can only be set there
        return
    for signum in STOP_SIGNALS:
        default = signal.default_int_handler if signum == signal.SIGINT else signal.SIG_DFL
        if signal.getsignal(signum) in (default, None):
            signal.signal(signum, _on_signal)


def _on_signal(signum, frame) -> None:
    if _deferring:
        # Starting the server and registering this process in pgserver's list go together:
        # leaving between the two would leave a server that nobody stops.
        _deferred.append(signum)
        return
    if signum == signal.SIGINT:
        raise KeyboardInterrupt
    # A second signal (a wrapper such as `timeout` or make passing the first one on, or the whole
    # group signalled again) must not interrupt the exit that stops the server.
    _ignore_stop_signals()
    sys.exit(128 + signum)


def _ignore_stop_signals() -> None:
    """From here on, the process is stopping: no signal interrupts it, nor pg_ctl, which inherits SIG_IGN."""
    if _in_main_thread():
        for signum in STOP_SIGNALS:
            signal.signal(signum, signal.SIG_IGN)


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


def _live_handles(server, *, without: int | None = None) -> list[int]:
    """pgserver's list of users, without the processes that died without saying goodbye (SIGKILL).

    The list is rewritten without them: they would otherwise keep the server up for ever. Called
    with pgserver's lock held.
    """
    pids = server.global_process_id_list.get()
    alive = [pid for pid in pids if pid != without and (pid == os.getpid() or _alive(pid))]
    if alive != pids:
        server.global_process_id_list.put(alive)
    return alive


def _forget_dead_handles(server) -> None:
    with server._lock:
        _live_handles(server)


def _repair_handle_list(path: Path) -> None:
    """Start pgserver's list of handles afresh if it cannot be read.

    A process killed while pgserver rewrote the file can leave it empty, and pgserver would then
    fail on every start. The processes it named are forgotten: the server stops when the next one
    to join exits.
    """
    try:
        handles = json.loads(path.read_text())
    except FileNotFoundError:
        return
    except ValueError:
        handles = None
    if not isinstance(handles, list) or not all(isinstance(pid, int) for pid in handles):
        logging.getLogger(__name__).warning("%s could not be read; starting it afresh", path)
        path.write_text("[]")


def _postmaster_running(pgdata: Path):
    """The postmaster serving pgdata (a psutil.Process), or None."""
    import psutil

    try:
        pid = int((pgdata / "postmaster.pid").read_text().split()[0])
        process = psutil.Process(pid)
        if process.status() != psutil.STATUS_ZOMBIE and process.name() == "postgres":
            return process
    except (OSError, ValueError, IndexError, psutil.Error):
        pass
    return None


def _stop_postmaster(pgdata: Path, system_user) -> None:
    import subprocess

    import psutil
    from pgserver._commands import pg_ctl

    try:
        # Fast shutdown: the clients of a process that is going away need not be waited for.
        pg_ctl(["-w", "-m", "fast", "stop"], pgdata=pgdata, user=system_user, timeout=120)
        return
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired):
        pass
    process = _postmaster_running(pgdata)
    if process is None:
        return
    process.send_signal(signal.SIGINT)  # what pg_ctl's fast mode sends
    try:
        process.wait(30)
    except psutil.TimeoutExpired:
        process.kill()


def _release(pgdata: Path, system_user=None, *, stopping: bool = True) -> None:
    """Leave pgserver's list, and stop the server if no living process is left in it.

    It replaces pgserver's own cleanup, which stops the server only when the list holds exactly
    this process: a list emptied before the server stopped (an exit interrupted halfway, a list
    started afresh) or naming only dead processes would leave it running.
    """
    from pgserver.postgres_server import PostgresServer
    from pgserver.utils import DiskList

    if stopping:
        _ignore_stop_signals()
    with PostgresServer._lock:
        _repair_handle_list(pgdata / ".handle_pids.json")
        handles = DiskList(pgdata / ".handle_pids.json")
        pids = handles.get()
        others = [pid for pid in pids if pid != os.getpid() and _alive(pid)]
        if others != pids:
            handles.put(others)
        if not others and _postmaster_running(pgdata) is not None:
            _stop_postmaster(pgdata, system_user)


def start():
    """Start (or join) the embedded server and return it."""
    with _starting:  # the first connections of several threads (a live server's) may come at once
        if _server is None:
            _start()
        return _server


def _start() -> None:
    global _server, _deferring
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # platformdirs warns about XDG_RUNTIME_DIR
        import pgserver
    logging.getLogger("pgserver").setLevel(logging.WARNING)
    DATA_DIR.parent.mkdir(parents=True, exist_ok=True)
    pgdata = DATA_DIR.expanduser().resolve()
    from pgserver.postgres_server import PostgresServer

    _exit_on_signals()
    _deferring = True
    try:
        with PostgresServer._lock:  # the lock pgserver itself takes around the list
            _repair_handle_list(pgdata / ".handle_pids.json")
        try:
            # Joins a running server, whatever its list says: a server whose list is empty or names
            # only dead processes is adopted, and stopped when this process is done with it.
            server = pgserver.get_server(pgdata, cleanup_mode="stop")
        except BaseException:
            # pg_ctl, in this process group, may have been killed by a signal sent to the whole
            # group after it had started the server (which runs in its own session).
            PostgresServer._instances.pop(pgdata, None)
            _release(pgdata, stopping=False)
            raise
        atexit.unregister(server._cleanup)
        atexit.register(_release, pgdata, server.system_user)
        _forget_dead_handles(server)
        _server = server
    finally:
        _deferring = False
    if _deferred:
        if _in_main_thread():
            _on_signal(_deferred[0], None)
        else:  # started by start_early(): the main thread stops the process
            os.kill(os.getpid(), _deferred[0])
    if os.environ.get("EMBEDDED_DB_EXIT_WITH_PARENT"):
        _exit_with_parent()
    exists = _server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}';")
    if "(1 row)" not in exists:
        _server.psql(f"CREATE DATABASE {DATABASE_NAME};")


def start_early() -> threading.Thread:
    """Start the server in a thread while the process goes on (make run imports Django meanwhile).

    A fresh clone's first start runs initdb, seconds that overlap with loading Django's apps instead
    of following them. The first connection waits for the thread (start() takes the same lock); if
    the thread failed, that connection tries again and raises. The thread is not a daemon: a process
    stopped while the server starts waits for it, and so stops the server it started.
    """
    _exit_on_signals()  # here, in the main thread: a thread cannot set signal handlers

    def run() -> None:
        try:
            start()
        except BaseException:  # the first connection tries again and raises
            logging.getLogger(__name__).debug("early start failed", exc_info=True)

    thread = threading.Thread(target=run, name="embedded-db-start")
    thread.start()
    return thread


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
