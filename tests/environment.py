"""The environment `pytest` runs the suite in, set before Django's settings are imported.

Loaded as a plugin (`-p tests.environment` in pyproject's addopts), so `.venv/bin/pytest tests/...` needs no
variables set by hand. Whatever the environment already says wins.
"""

import os

# Development settings: no SECRET_KEY needed. Tests of production settings run them in a subprocess.
os.environ.setdefault("DEBUG", "true")
# pytest (and each xdist worker) exits, stopping the embedded database, when whatever started it goes away.
os.environ.setdefault("EMBEDDED_DB_EXIT_WITH_PARENT", "1")
