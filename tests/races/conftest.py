"""Races against a running server: gunicorn on the test database, requests sent at the same moment.

Each module that uses `server` sets its environment in SERVER_ENV (e.g. small write rates). The tests
commit (transaction=True), so the server's own connections see what they write, and the signed-in
members are real sessions in the database and real API tokens.
"""

import os
import subprocess
import sys
import time

import pytest
import requests

from tests.helpers import ROOT, database_url, free_port


@pytest.fixture(scope="module")
def server(request, django_db_setup):
    """gunicorn (two workers of 16 threads) serving the test database, with the module's SERVER_ENV."""
    port = free_port()
    env = {name: value for name, value in os.environ.items() if name != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env |= {"DEBUG": "true", "DATABASE_URL": database_url(), "EMBEDDED_DB_EXIT_WITH_PARENT": "0"}
    env |= getattr(request.module, "SERVER_ENV", {})
    command = [sys.executable, "-m", "gunicorn", "skillmatrix.wsgi", "--bind", f"127.0.0.1:{port}"]
    command += ["--workers", "2", "--worker-class", "gthread", "--threads", "16", "--preload", "--log-level", "warning"]
    process = subprocess.Popen(command, cwd=ROOT, env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(f"{url}/api/levels/", timeout=10).status_code == 200:
                    break
            except requests.RequestException:
                pass
            assert process.poll() is None, "gunicorn stopped while starting"
            assert time.monotonic() < deadline, "gunicorn did not answer within a minute"
            time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)
