"""The embedded PostgreSQL starts on demand and is not left running."""

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from tests.helpers import ROOT

# A command that queries: the backend starts (or joins) the server on its first connection.
CONNECT = [
    "manage.py",
    "shell",
    "-c",
    "from django.db import connection; connection.ensure_connection(); print(connection.pg_version)",
]


def postgres_running_on(pgdata: Path) -> bool:
    for proc in psutil.process_iter(attrs=["name", "cmdline", "status"]):
        if proc.info["status"] == psutil.STATUS_ZOMBIE:
            continue
        if proc.info["name"] == "postgres" and str(pgdata) in " ".join(proc.info["cmdline"] or []):
            return True
    return False


def wait_for(predicate, timeout=60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.25)
    return False


@pytest.fixture(scope="module")
def embedded_env(tmp_path_factory):
    # A short path: the server's Unix socket lives in the data folder.
    base = Path(f"/tmp/smtest-{os.getpid()}")
    pgdata = base / "pg"
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "EMBEDDED_DB_EXIT_WITH_PARENT")}
    env.update(DEBUG="true", EMBEDDED_DB_DIR=str(pgdata))
    yield env, pgdata
    subprocess.run(["rm", "-rf", str(base)], check=False)


def test_a_command_starts_the_server_and_stops_it_when_done(embedded_env):
    env, pgdata = embedded_env
    result = subprocess.run(
        [sys.executable, *CONNECT],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1].startswith("16")
    assert (pgdata / "PG_VERSION").exists()
    assert wait_for(lambda: not postgres_running_on(pgdata), timeout=20)


def test_a_test_file_without_the_database_starts_no_server_and_needs_no_variables(tmp_path):
    # Straight from the virtualenv, as a developer runs one file: no DEBUG, nothing pytest-xdist passes on.
    pgdata = tmp_path / "pg"
    dropped = {"DEBUG", "SECRET_KEY", "DATABASE_URL", "TEST_DATABASE_NAME", "EMBEDDED_DB_EXIT_WITH_PARENT"}
    env = {k: v for k, v in os.environ.items() if k not in dropped and not k.startswith(("PYTEST_", "DJANGO_"))}
    env["EMBEDDED_DB_DIR"] = str(pgdata)
    result = subprocess.run(
        [Path(sys.executable).parent / "pytest", "tests/skills/test_diff.py", "-q", "-p", "no:cacheprovider"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert " passed" in result.stdout
    assert not pgdata.exists()


# Once, or again and again while it stops (`timeout` or make passing the first SIGTERM on): the second
# must not interrupt the exit that stops the database and rewrites pgserver's list of handles.
@pytest.mark.parametrize("repeats", [0, 20], ids=["once", "repeated"])
def test_sigterm_to_a_server_process_stops_the_database(embedded_env, repeats):
    env, pgdata = embedded_env
    proc = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "127.0.0.1:8199", "--noreload"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        assert wait_for(lambda: postgres_running_on(pgdata))
        time.sleep(1)
        proc.send_signal(signal.SIGTERM)
        for _ in range(repeats):
            time.sleep(0.02)
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        _out, errors = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert b"Traceback" not in errors
    assert wait_for(lambda: not postgres_running_on(pgdata), timeout=20)
    handles = pgdata / ".handle_pids.json"
    assert not handles.exists() or isinstance(json.loads(handles.read_text()), list)


def test_a_killed_parent_takes_the_server_down(embedded_env):
    """`make run` stopped with SIGTERM: make dies, its child notices and stops the database."""
    env, pgdata = embedded_env
    env = {**env, "EMBEDDED_DB_EXIT_WITH_PARENT": "1"}
    parent = subprocess.Popen(
        ["sh", "-c", f"{sys.executable} manage.py runserver 127.0.0.1:8198 --noreload >/dev/null 2>&1; :"],
        cwd=ROOT,
        env=env,
    )
    try:
        assert wait_for(lambda: postgres_running_on(pgdata))
        time.sleep(2)  # let the server process finish starting
        parent.kill()
        parent.wait(timeout=10)
        assert wait_for(lambda: not postgres_running_on(pgdata), timeout=30)
    finally:
        for child in psutil.Process().children(recursive=True):
            if "8198" in " ".join(child.cmdline()):
                child.kill()


def test_a_process_killed_outright_does_not_keep_the_server_up(embedded_env):
    env, pgdata = embedded_env
    victim = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "127.0.0.1:8197", "--noreload"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    assert wait_for(lambda: postgres_running_on(pgdata))
    victim.kill()  # no atexit: it stays in pgserver's list of users
    victim.wait(timeout=10)
    # The next process to use the server forgets the killed one, and stops the server when it is done.
    result = subprocess.run([sys.executable, *CONNECT], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert wait_for(lambda: not postgres_running_on(pgdata), timeout=20)


@pytest.mark.parametrize("content", ["", "[1, 2", "{}", "null"])
def test_an_unreadable_handle_list_is_started_afresh(tmp_path, content):
    # An exit interrupted while pgserver rewrote its list left it empty, and every start then failed.
    from skillmatrix import embedded_db

    path = tmp_path / ".handle_pids.json"
    path.write_text(content)
    embedded_db._repair_handle_list(path)
    assert path.read_text() == "[]"


def test_a_readable_handle_list_is_left_alone(tmp_path):
    from skillmatrix import embedded_db

    path = tmp_path / ".handle_pids.json"
    path.write_text("[12, 34]")
    embedded_db._repair_handle_list(path)
    assert path.read_text() == "[12, 34]"
    embedded_db._repair_handle_list(tmp_path / "missing.json")
    assert not (tmp_path / "missing.json").exists()


# A process that uses the embedded database and waits, after starting `children` more that do the same:
# a group of users, as `make run` and its server processes are.
USER = """
import signal, subprocess, sys, time
sys.path.insert(0, sys.argv[1])
from skillmatrix import embedded_db
embedded_db.start()
children = [subprocess.Popen([sys.executable, "-c", __doc__, sys.argv[1], "0"]) for _ in range(int(sys.argv[2]))]
while True:
    time.sleep(1)
"""


def server_up(pgdata: Path) -> bool:
    """Whether the postmaster named in pgdata/postmaster.pid is alive (pg_ctl status, which refuses to run as root)."""
    try:
        pid = int((pgdata / "postmaster.pid").read_text().split()[0])
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except (OSError, ValueError, IndexError, psutil.Error):
        return False


def live_users(pgdata: Path) -> list[int]:
    try:
        pids = json.loads((pgdata / ".handle_pids.json").read_text())
    except (OSError, ValueError):
        return []
    return [pid for pid in pids if psutil.pid_exists(pid) and psutil.Process(pid).status() != psutil.STATUS_ZOMBIE]


def start_users(env: dict, children: int) -> subprocess.Popen:
    """The main process of a group of 1 + children users, in its own process group, once all have joined."""
    script = f"__doc__ = {USER!r}\n{USER}"
    main = subprocess.Popen(
        [sys.executable, "-c", script, str(ROOT), str(children)],
        cwd=ROOT,
        env=env,
        start_new_session=True,
        stderr=subprocess.PIPE,
    )
    group = psutil.Process(main.pid)
    joined = wait_for(lambda: main.poll() is not None or len(live_users(Path(env["EMBEDDED_DB_DIR"]))) == children + 1)
    assert main.poll() is None and joined, main.stderr.read().decode() if main.poll() is not None else "not joined"
    assert len(group.children()) == children
    return main


def group_members(main: subprocess.Popen) -> list[psutil.Process]:
    members = []
    for proc in psutil.process_iter(attrs=["pid"]):
        try:
            if os.getpgid(proc.pid) == main.pid:
                members.append(proc)
        except OSError:
            pass
    return members


def kill_all(main: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(main.pid, signal.SIGKILL)
    main.wait(timeout=30)


def assert_stopped_or_adopted(env: dict, pgdata: Path) -> str:
    """No server is left for pgdata: it stops within seconds, or the next start adopts it and stops it on exit."""
    if wait_for(lambda: not server_up(pgdata), timeout=15):
        return "stopped"
    assert not live_users(pgdata), "a server is up with no one to stop it, and its list names a living process"
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            f"import sys; sys.path.insert(0, {str(ROOT)!r}); from skillmatrix import embedded_db; embedded_db.start()",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert wait_for(lambda: not server_up(pgdata), timeout=15), "the next start did not adopt the server"
    return "adopted"


@pytest.fixture
def users_env(tmp_path_factory):
    base = Path(f"/tmp/smsig-{os.getpid()}")  # short: the server's Unix socket lives in the data folder
    pgdata = base / "pg"
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "EMBEDDED_DB_EXIT_WITH_PARENT")}
    env.update(EMBEDDED_DB_DIR=str(pgdata))
    yield env, pgdata
    if server_up(pgdata):
        os.kill(int((pgdata / "postmaster.pid").read_text().split()[0]), signal.SIGQUIT)  # immediate shutdown
    subprocess.run(["rm", "-rf", str(base)], check=False)


# Signals sent to the whole group (a terminal, a container runtime): each alone, and two in quick succession,
# the second landing while the first is being handled (the server stopping, pgserver's list rewritten).
@pytest.mark.parametrize(
    "signals",
    [
        [signal.SIGINT],
        [signal.SIGTERM],
        [signal.SIGHUP],
        [signal.SIGQUIT],
        [signal.SIGINT, signal.SIGINT],
        [signal.SIGTERM, signal.SIGINT],
        [signal.SIGHUP, signal.SIGTERM],
        [signal.SIGTERM, signal.SIGTERM],
    ],
    ids=lambda signals: "-".join(signal.Signals(s).name for s in signals),
)
def test_signals_to_the_group_stop_the_server_with_its_last_user(users_env, signals):
    env, pgdata = users_env
    main = start_users(env, children=2)
    try:
        for delay, signum in zip([0, 0.05], signals, strict=False):
            time.sleep(delay)
            os.killpg(main.pid, signum)
        main.wait(timeout=60)
        assert wait_for(lambda: not group_members(main), timeout=60)
        assert wait_for(lambda: not server_up(pgdata), timeout=15)
        assert wait_for(lambda: not postgres_running_on(pgdata), timeout=15)
        assert isinstance(json.loads((pgdata / ".handle_pids.json").read_text()), list)
    finally:
        kill_all(main)


def test_a_process_manager_sigterm_to_the_main_process_then_sigkill(users_env):
    env, pgdata = users_env
    main = start_users(env, children=1)
    try:
        main.send_signal(signal.SIGTERM)
        main.wait(timeout=60)
        time.sleep(2)  # the grace period
    finally:
        kill_all(main)
    assert_stopped_or_adopted(env, pgdata)
    assert wait_for(lambda: not postgres_running_on(pgdata), timeout=15)


@pytest.mark.parametrize("grace", [0, 0.3, 1.0])
def test_a_container_runtime_sigterm_to_the_group_then_sigkill_to_all(users_env, grace):
    env, pgdata = users_env
    main = start_users(env, children=2)
    os.killpg(main.pid, signal.SIGTERM)
    time.sleep(grace)
    kill_all(main)
    assert_stopped_or_adopted(env, pgdata)
    assert wait_for(lambda: not postgres_running_on(pgdata), timeout=15)


def test_every_user_killed_outright_leaves_a_server_the_next_start_adopts(users_env):
    env, pgdata = users_env
    main = start_users(env, children=1)
    kill_all(main)
    assert server_up(pgdata)  # nobody stopped it: the next start must
    assert assert_stopped_or_adopted(env, pgdata) == "adopted"


def test_a_signal_to_the_group_while_the_server_starts(users_env):
    # pg_ctl, which starts the server in its own session, is in the group and is signalled too.
    env, pgdata = users_env
    script = f"__doc__ = {USER!r}\n{USER}"
    main = subprocess.Popen([sys.executable, "-c", script, str(ROOT), "0"], cwd=ROOT, env=env, start_new_session=True)
    try:
        assert wait_for(lambda: (pgdata / "postmaster.pid").exists() or main.poll() is not None, timeout=120)
        os.killpg(main.pid, signal.SIGTERM)
        main.wait(timeout=60)
    finally:
        kill_all(main)
    assert wait_for(lambda: not server_up(pgdata), timeout=15)
