"""The embedded PostgreSQL starts on demand and is not left running."""

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
