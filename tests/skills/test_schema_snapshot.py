"""make run's fast path for a new database (fixtures/schema.sql) against the ordinary one (every migration)."""

import json

import psycopg
from django.db import connection

from skills import schema_snapshot


def test_the_snapshot_holds_the_migrations_on_disk_unchanged():
    held = schema_snapshot.read_header()
    assert held, "fixtures/schema.sql is missing: run `manage.py snapshot_schema`"
    stale = schema_snapshot.stale_migrations(held, schema_snapshot.migration_hashes())
    assert stale == [], f"changed since fixtures/schema.sql was written: {stale}; run `manage.py snapshot_schema`"


def test_a_snapshot_with_a_changed_or_missing_migration_is_not_used(tmp_path):
    held = schema_snapshot.read_header()
    body = schema_snapshot.SNAPSHOT.read_text(encoding="utf-8").split("\n", 1)[1]
    assert schema_snapshot.usable() == held

    for changed in ({**held, "skills.0001_initial": "0" * 16}, {**held, "skills.0999_gone": "0" * 16}):
        path = tmp_path / "schema.sql"
        path.write_text(schema_snapshot.HEADER + json.dumps(changed) + "\n" + body, encoding="utf-8")
        assert schema_snapshot.usable(path) is None
    assert schema_snapshot.usable(tmp_path / "none.sql") is None


def test_new_migrations_are_applied_after_the_snapshot():
    held = schema_snapshot.read_header()
    fewer = dict(list(held.items())[:-1])
    assert schema_snapshot.stale_migrations(fewer, schema_snapshot.migration_hashes()) == []


# The rows that migrations and post_migrate write, by their natural keys (ids follow the order migrate took, which
# varies from one run to the next where the graph allows).
ROWS = {
    "migrations": "SELECT app, name FROM django_migrations ORDER BY 1, 2",
    "content types": "SELECT app_label, model FROM django_content_type ORDER BY 1, 2",
    "permissions": """
        SELECT app_label, model, codename, name FROM auth_permission
        JOIN django_content_type ct ON ct.id = content_type_id ORDER BY 1, 2, 3""",
    "groups": """
        SELECT g.name, p.codename FROM auth_group g LEFT JOIN auth_group_permissions gp ON gp.group_id = g.id
        LEFT JOIN auth_permission p ON p.id = gp.permission_id ORDER BY 1, 2""",
}


def schema(name: str) -> str:
    """The database's schema as pg_dump writes it after one load of its own dump.

    PostgreSQL keeps a CHECK's expression as it parsed it: the same check loaded from a dump reads back in
    other (equal) words than when a migration made it. Both sides are compared in the dump's words.
    """
    sql = schema_snapshot.clean_dump(schema_snapshot.dump(name, "--schema-only"))
    with schema_snapshot.Scratch("round_trip") as again:
        with psycopg.connect(schema_snapshot.database_url(again)) as loading:
            psycopg.ClientCursor(loading).execute(sql)
        return schema_snapshot.clean_dump(schema_snapshot.dump(again, "--schema-only"))


def contents(name: str) -> tuple[str, dict]:
    with psycopg.connect(schema_snapshot.database_url(name)) as reading:
        rows = {what: reading.execute(query).fetchall() for what, query in ROWS.items()}
    return schema(name), rows


def test_a_new_database_from_the_snapshot_is_the_one_migrate_builds(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        connection.ensure_connection()
        with (
            schema_snapshot.Scratch("by_migrations") as by_migrations,
            schema_snapshot.Scratch("by_snapshot") as by_snapshot,
        ):
            schema_snapshot.run_in(by_migrations, "migrate", "--no-input", "-v0")
            prepared = schema_snapshot.run_in(by_snapshot, "prepare_site", "fixtures/catalog.json")
            expected, got = contents(by_migrations), contents(by_snapshot)
    out = prepared.stdout
    # One way, not both: the snapshot's migrations are not applied again.
    assert f"Loaded the schema of {len(schema_snapshot.read_header())} migrations from fixtures/schema.sql" in out
    assert "No migrations to apply." in out
    assert "Applying " not in out
    assert "Created the cache table django_cache." in out
    assert "Imported fixtures/catalog.json" in out
    assert got[0] == expected[0]
    assert got[1] == expected[1]
    assert len(got[1]["migrations"]) >= len(schema_snapshot.read_header())
