# Skill Matrix — `make run` serves the app, `make test` runs the whole suite.
# Needs only Python 3.12+; uv and every package are installed on first use.

SHELL := /bin/bash
PORT ?= 8000

# The first Python ≥ 3.12 on PATH, by its real path (not a version manager's shim, slow to start). Looked up
# once (:=), not at each use. python3.12 first, the version of .python-version and uv.lock: each name tried
# can be a shim that takes a second to fail under load.
ifndef PYTHON
PYTHON := $(shell for p in python3.12 python3.13 python3 python; do \
	$$p -c 'import sys; sys.exit(1) if sys.version_info < (3, 12) else print(sys.executable)' 2>/dev/null && break; done)
endif
# uv from PATH if it works, else a private copy installed from PyPI.
ifndef UV
UV := $(shell uv --version >/dev/null 2>&1 && echo uv || echo .tools/bin/uv)
endif

# What `make run` serves (bin/serve): the product as a visitor sees it; DEBUG=true make run (or make dev) the
# development server with debug pages; DEBUG=false make run the production server.
SERVE_MODE := $(if $(filter 0 false False FALSE no off,$(DEBUG)),production,$(if $(DEBUG),dev,local))

export UV_PYTHON_DOWNLOADS ?= never
export UV_PYTHON ?= $(PYTHON)
export DEBUG ?= true
export EMBEDDED_DB_EXIT_WITH_PARENT ?= 1

VENV := .venv
MANAGE := $(VENV)/bin/python manage.py

.PHONY: run dev test fuzz install lint format check-python clean-db bench

check-python:
	@test -n "$(PYTHON)" || { echo "Python 3.12 or newer is needed (python3.12 or python3.13 on PATH)." >&2; exit 1; }

# uv's files alone in .tools (pip --target: one pip process, not a second under a new virtualenv's interpreter).
# On Linux, pip is told the one platform tag uv's wheel has here: it otherwise checks each of the index's
# thousands of uv files against every tag this interpreter supports, most of its time (seconds on a fresh
# clone). If that fails (another libc, an old pip), the plain install; without pip, a virtualenv with pip.
UV_WHEEL_TAGS := $(if $(filter Linux,$(shell uname -s)),--only-binary=:all: --platform manylinux_2_17_$(shell uname -m) \
	--implementation py --abi none --python-version 3.12)
PIP_UV := -m pip install --quiet --disable-pip-version-check --no-compile --target .tools
.tools/bin/uv: | check-python
	{ $(if $(UV_WHEEL_TAGS),$(PYTHON) $(PIP_UV) $(UV_WHEEL_TAGS) uv 2>/dev/null && .tools/bin/uv --version >/dev/null,false); } \
		|| { rm -rf .tools && $(PYTHON) $(PIP_UV) uv 2>/dev/null; } \
		|| { rm -rf .tools && $(PYTHON) -m venv .tools && .tools/bin/pip install --quiet --disable-pip-version-check uv; }

UV_DEP := $(if $(filter uv,$(UV)),,.tools/bin/uv)

# Two stamps: what serving needs (make run), and that plus the test and lint tools (make test, make lint).
# --inexact: a run after a test keeps the tools installed.
$(VENV)/.synced-run: pyproject.toml uv.lock | check-python $(UV_DEP)
	$(UV) sync --frozen --no-dev --inexact
	@touch $@

$(VENV)/.synced: pyproject.toml uv.lock | check-python $(UV_DEP)
	$(UV) sync --frozen
	@touch $@ $(VENV)/.synced-run

# Everything, test and lint tools included.
install: $(VENV)/.synced

# The site on http://127.0.0.1:$(PORT) as its visitors see it (bin/serve).
run: $(VENV)/.synced-run
	PORT=$(PORT) bin/serve $(SERVE_MODE)

# Django's development server: debug pages, reloads on code changes.
dev: $(VENV)/.synced-run
	PORT=$(PORT) bin/serve dev

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
bench: $(VENV)/.synced-run
	bench/run

clean-db:
	rm -rf .data
