"""A fresh database's schema in one file: the fast path beside `migrate` for make run's first start.

Applying every migration to an empty database takes seconds (Django renders the models' state again
for each operation); the SQL those migrations leave behind loads in a fraction of one. The snapshot
(fixtures/schema.sql, written by `manage.py snapshot_schema`) is pg_dump's output of a database that
`migrate` built, with its django_migrations rows, and a header naming every migration it holds with
a hash of the migration's file. `prepare_site` loads it only into a database with no tables, and only
when every migration it names is on disk unchanged; `migrate` then applies the migrations added since
and runs what follows every migrate (post_migrate). Anything else goes the ordinary way.

tests/skills/test_schema_snapshot.py builds one database each way and compares them.
"""

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.db.migrations.loader import MigrationLoader

SNAPSHOT = Path(settings.BASE_DIR) / "fixtures" / "schema.sql"
HEADER = "-- Skill Matrix schema snapshot (manage.py snapshot_schema); migrations: "
# The time every django_migrations row has in the file, so that the file does not change with the day it
# was written; loading stamps the rows with the time of the load.
APPLIED_IN_FILE = "2000-01-01 00:00:00+00"


def migration_hashes(loader: MigrationLoader | None = None) -> dict[str, str]:
    """Every migration on disk, "app.name", with a hash of its file."""
    loader = loader or MigrationLoader(None, ignore_no_migrations=True)
    hashes = {}
    for (app_label, name), migration in loader.disk_migrations.items():
        source = Path(sys.modules[migration.__module__].__file__).read_bytes()
        hashes[f"{app_label}.{name}"] = hashlib.sha256(source).hexdigest()[:16]
    return dict(sorted(hashes.items()))


def read_header(path: Path = SNAPSHOT) -> dict[str, str] | None:
    """The migrations the snapshot holds, or None without a snapshot."""
    try:
        with path.open(encoding="utf-8") as file:
            first = file.readline()
    except FileNotFoundError:
        return None
    if not first.startswith(HEADER):
        return None
    return json.loads(first[len(HEADER) :])


def stale_migrations(held: dict[str, str], on_disk: dict[str, str]) -> list[str]:
    """The snapshot's migrations that are not on disk as they were when it was written."""
    return sorted(name for name, digest in held.items() if on_disk.get(name) != digest)


def usable(path: Path = SNAPSHOT) -> dict[str, str] | None:
    """The migrations of a snapshot that may be loaded (all on disk, unchanged), else None."""
    held = read_header(path)
    if held is None or stale_migrations(held, migration_hashes()):
        return None
    return held


def load(path: Path = SNAPSHOT) -> None:
    """Run the snapshot's SQL in one transaction, on the default database (which must have no tables).

    pg_dump's SQL changes the session's settings (search_path among them): the connection is closed
    afterwards, so that the next query gets a new one with Django's settings.
    """
    sql = path.read_text(encoding="utf-8")
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            # Its commit need not wait for the disk: a crash before the flush leaves an empty database, which
            # the next start fills the same way.
            cursor.execute("SET LOCAL synchronous_commit TO off")
            cursor.execute(sql)
            cursor.execute("UPDATE public.django_migrations SET applied = now() WHERE applied = %s", [APPLIED_IN_FILE])
    finally:
        connection.close()


def clean_dump(sql: str) -> str:
    """pg_dump's output without what changes from one run to the next or needs psql.

    Comments (its version, times), psql's meta-commands (\\restrict and its random key) and blank lines go;
    django_migrations' times become APPLIED_IN_FILE.
    """
    lines = [line for line in sql.splitlines() if line and not line.startswith(("--", "\\"))]
    text = "\n".join(lines) + "\n"
    return re.sub(
        r"(INSERT INTO public\.django_migrations .*?;\n)",
        lambda match: re.sub(r"'\d{4}-\d\d-\d\d [\d:.]+[+-][\d:]+'", f"'{APPLIED_IN_FILE}'", match.group(1)),
        text,
        flags=re.DOTALL,
    )


# Writing the snapshot (manage.py snapshot_schema) and comparing the two ways (the test): databases beside
# the default one, on its server, each filled by a manage.py of its own.


def database_url(name: str) -> str:
    """A DATABASE_URL for database `name` on the server of the default connection."""
    params = connection.get_connection_params()
    host = quote(params.get("host") or "", safe="")
    port = f":{params['port']}" if params.get("port") else ""
    password = f":{quote(params['password'], safe='')}" if params.get("password") else ""
    return f"postgres://{quote(params['user'], safe='')}{password}@{host}{port}/{name}"


def pg_dump_binary() -> str:
    if connection.settings_dict.get("EMBEDDED_DB_DIR"):
        from pgserver._commands import POSTGRES_BIN_PATH

        return str(POSTGRES_BIN_PATH / "pg_dump")
    found = shutil.which("pg_dump")
    if not found:
        raise CommandError("pg_dump is not on PATH.")
    return found


def run_in(name: str, *args: str, **kwargs) -> subprocess.CompletedProcess:
    """manage.py ARGS in a new process whose default database is `name` on the same server."""
    env = {**os.environ, "DATABASE_URL": database_url(name), "DATABASE_REPLICA_URLS": ""}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        **kwargs,
    )


def dump(name: str, *options: str) -> str:
    params = connection.get_connection_params()
    env = {**os.environ, "PGPASSWORD": params.get("password") or ""}
    command = [pg_dump_binary(), "--no-owner", "--no-privileges", "-U", params["user"], *options, name]
    if params.get("host"):
        command[1:1] = ["-h", params["host"]]
    if params.get("port"):
        command[1:1] = ["-p", str(params["port"])]
    return subprocess.run(command, env=env, capture_output=True, text=True, check=True).stdout


class Scratch:
    """A new empty database on the default connection's server, dropped on leaving."""

    def __init__(self, suffix: str):
        self.name = f"{connection.settings_dict['NAME']}_{suffix}"

    def __enter__(self) -> str:
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
            cursor.execute(f'CREATE DATABASE "{self.name}"')
        return self.name

    def __exit__(self, *exc) -> None:
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
