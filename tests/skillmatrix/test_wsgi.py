"""The WSGI module every server process loads: the app, then its long-lived objects frozen."""

import os
import subprocess
import sys

import pytest

from tests.helpers import ROOT, database_url

pytestmark = pytest.mark.django_db(transaction=True)

PROBE = """
import gc, sys
import skillmatrix.wsgi
print(gc.get_freeze_count(), "proposals.api" in sys.modules)
"""


def test_a_server_process_freezes_what_it_loaded_at_start():
    env = {**os.environ, "DATABASE_URL": database_url(), "DEBUG": "false", "SECRET_KEY": "x" * 50}
    env["ALLOWED_HOSTS"] = "127.0.0.1"
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=True
    )
    frozen, views_loaded = result.stdout.split()
    assert int(frozen) > 50_000  # Django, DRF and the app: out of every full collection from then on
    assert views_loaded == "True"  # the URLconf was loaded before the freeze, with every view module
