"""Settings come from the environment and are parsed strictly."""

import os
import subprocess
import sys

import pytest

from tests.helpers import ROOT


def run_check(**env) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "SECRET_KEY")}
    environment.update(env)
    # A DATABASE_URL keeps the check from starting another embedded server.
    environment.setdefault("DATABASE_URL", "postgres://nobody@127.0.0.1:1/none")
    return subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )


def test_production_without_secret_key_is_a_clear_start_up_error():
    result = run_check(DEBUG="false")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


@pytest.mark.parametrize(("name", "value"), [("DEBUG", "maybe"), ("API_PAGE_SIZE", "lots")])
def test_a_malformed_value_names_the_variable(name, value):
    result = run_check(**{"DEBUG": "true", name: value})
    assert result.returncode != 0
    assert name in result.stderr


def test_production_settings_with_a_key_pass_the_check():
    result = run_check(DEBUG="false", SECRET_KEY="x" * 60, ALLOWED_HOSTS="skills.example.com")
    assert result.returncode == 0, result.stderr


@pytest.mark.django_db
def test_no_pending_migrations():
    from django.core.management import call_command

    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


def test_the_wsgi_application_refuses_to_start_without_a_secret_key():
    environment = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "SECRET_KEY")}
    environment["DATABASE_URL"] = "postgres://nobody@127.0.0.1:1/none"
    result = subprocess.run(
        [sys.executable, "-c", "import skillmatrix.wsgi"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_manage_py_defaults_to_development():
    result = run_check()
    assert result.returncode == 0, result.stderr
