"""`DEBUG=false make run` (bin/serve): the production server on this machine, as README "Production server" runs it.

The script runs for real: migrations, the catalog on first start, collectstatic, then gunicorn with the
production settings, here against the test database.
"""

import os
import re
import signal
import stat
import subprocess
import time

import pytest
import requests

from tests.helpers import ROOT, database_url, free_port

pytestmark = pytest.mark.django_db(transaction=True)


def wait_for(url: str, process: subprocess.Popen, seconds: int) -> requests.Response:
    deadline = time.monotonic() + seconds
    while True:
        try:
            return requests.get(url, timeout=10)
        except requests.RequestException:
            pass
        assert process.poll() is None, f"bin/serve stopped while starting ({process.returncode})"
        assert time.monotonic() < deadline, f"nothing answered at {url} within {seconds} s"
        time.sleep(0.5)


def test_production_mode_serves_with_gunicorn_and_stops_on_sigterm(tmp_path):
    port = free_port()
    key_file = tmp_path / "secret_key"
    env = {name: value for name, value in os.environ.items() if name not in {"SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env |= {
        "DEBUG": "false",
        "PORT": str(port),
        "DATABASE_URL": database_url(),
        "SECRET_KEY_FILE": str(key_file),
        "WORKERS": "1",
        "THREADS": "2",
        "LOG_LEVEL": "WARNING",
    }
    for name in ("ALLOWED_HOSTS", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SITE_URL"):
        env.pop(name, None)
    process = subprocess.Popen([str(ROOT / "bin" / "serve")], cwd=ROOT, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        home = wait_for(f"{base}/", process, seconds=300)
        assert home.status_code == 200
        assert home.headers["Server"].startswith("gunicorn")
        # Local defaults: plain HTTP on 127.0.0.1, no HSTS pinned on it.
        assert "Strict-Transport-Security" not in home.headers
        skill = requests.get(f"{base}/skills/ml-experiment-tracking/", timeout=10)
        assert skill.status_code == 200 and "ML Experiment Tracking" in skill.text  # the catalog, loaded on first start
        # Production settings: unknown hosts refused, errors without a debug page.
        assert requests.get(f"{base}/", headers={"Host": "evil.example"}, timeout=10).status_code == 400
        missing = requests.get(f"{base}/skills/no-such-skill/", timeout=10)
        assert missing.status_code == 404 and "Traceback" not in missing.text
        # Static files under hashed names, compressed, cached for good.
        css = re.search(r'href="(/static/css/site\.[0-9a-f]{12}\.css)"', home.text)
        assert css, "the page links the hashed stylesheet"
        static = requests.get(base + css.group(1), headers={"Accept-Encoding": "gzip"}, timeout=10)
        assert static.status_code == 200
        assert "immutable" in static.headers["Cache-Control"]
        assert static.headers.get("Content-Encoding") == "gzip"
        # The generated key is kept for the next start, readable by its owner only.
        assert len(key_file.read_text().strip()) >= 50
        assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)
    with pytest.raises(requests.ConnectionError):
        requests.get(f"{base}/", timeout=5)


def test_make_run_serves_the_sites_own_error_pages_and_says_each_thing_once(tmp_path):
    port = free_port()
    env = {name: value for name, value in os.environ.items() if name not in {"SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env |= {
        "DEBUG": "true",
        "PORT": str(port),
        "DATABASE_URL": database_url(),
        "SECRET_KEY_FILE": str(tmp_path / "key"),
    }
    for name in ("ALLOWED_HOSTS", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SITE_URL", "STATIC_FROM_APPS"):
        env.pop(name, None)
    output = tmp_path / "output"
    with output.open("w") as sink:
        process = subprocess.Popen(
            [str(ROOT / "bin" / "serve"), "local"], cwd=ROOT, env=env, stdout=sink, stderr=subprocess.STDOUT
        )
    base = f"http://127.0.0.1:{port}"
    try:
        home = wait_for(f"{base}/", process, seconds=300)
        assert home.status_code == 200
        missing = requests.get(f"{base}/no-such-page/", timeout=10)
        assert missing.status_code == 404
        assert "We could not find that page" in missing.text and "Using the URLconf" not in missing.text
        # Static files straight from the apps: no collectstatic.
        css = re.search(r'href="(/static/css/site[^"]*\.css)"', home.text)
        assert requests.get(base + css.group(1), timeout=10).status_code == 200
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)
    lines = [line for line in output.read_text().splitlines() if line.strip() and '"GET ' not in line]
    assert not any("already exists" in line for line in lines)
    assert len(lines) == len(set(lines)), lines
