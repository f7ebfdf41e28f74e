# Skill Matrix — `make run` serves the app, `make test` runs the whole suite.
# Needs only Python 3.12+; uv and every package are installed on first use.

SHELL := /bin/bash
PORT ?= 8000

# The first Python ≥ 3.12 on PATH.
PYTHON ?= $(shell for p in python3.13 python3.12 python3 python; do \
	$$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1 && { command -v $$p; break; }; done)
# uv from PATH if it works, else a private copy installed from PyPI.
UV ?= $(shell uv --version >/dev/null 2>&1 && echo uv || echo .tools/bin/uv)

export UV_PYTHON_DOWNLOADS ?= never
export UV_PYTHON ?= $(PYTHON)
export DEBUG ?= true
export EMBEDDED_DB_EXIT_WITH_PARENT ?= 1

VENV := .venv
MANAGE := $(VENV)/bin/python manage.py

.PHONY: run test fuzz install lint format check-python clean-db bench

check-python:
	@test -n "$(PYTHON)" || { echo "Python 3.12 or newer is needed (python3.12 or python3.13 on PATH)." >&2; exit 1; }

.tools/bin/uv: | check-python
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check uv

$(VENV)/.synced: pyproject.toml uv.lock | check-python $(if $(filter uv,$(UV)),,.tools/bin/uv)
	$(UV) sync --frozen
	@touch $@

install: $(VENV)/.synced

# DEBUG=false make run: the production server (gunicorn, production settings) instead; see bin/serve.
run: install
	PORT=$(PORT) bin/serve

# One pytest-xdist worker per core, each with its own test database (test_skillmatrix_gw0, ...).
TEST_WORKERS ?= 2

test: install
	$(VENV)/bin/pytest -n $(TEST_WORKERS)

# Deep API fuzzing: ten times the examples of `make test`, a new random seed each run (long: tens of minutes).
fuzz: install
	FUZZ_EXAMPLES=$${FUZZ_EXAMPLES:-1000} FUZZ_DEEP=1 $(VENV)/bin/pytest tests/skillmatrix/test_api_fuzz.py

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Load benchmark of the production server, small and 2,000-skill catalogs (bench/RESULTS.md).
bench: install
	bench/run

clean-db:
	rm -rf .data
