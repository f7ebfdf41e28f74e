"""skills/revision_sql.py holds today's definition of the revision counters' SQL: the migrated database agrees.

Each check reads PostgreSQL's own rendering of what the migrations made, runs the module's text
in the test's transaction (rolled back afterwards) and reads the rendering again: the two must match.
"""

import pytest
from django.db import connection

from skills import revision_sql

pytestmark = pytest.mark.django_db


def function_definition(cursor, name: str) -> str:
    cursor.execute("SELECT pg_get_functiondef(p.oid) FROM pg_proc p WHERE p.proname = %s", [name])
    (definition,) = cursor.fetchone()
    return definition


def trigger_definitions(cursor) -> dict[str, str]:
    cursor.execute(
        "SELECT t.tgname, pg_get_triggerdef(t.oid) FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid "
        "WHERE p.proname = ANY(%s) AND NOT t.tgisinternal",
        [list(revision_sql.FUNCTIONS)],
    )
    return dict(cursor.fetchall())


@pytest.mark.parametrize("name", list(revision_sql.FUNCTIONS))
def test_the_module_defines_each_function_as_the_migrations_left_it(name):
    with connection.cursor() as cursor:
        migrated = function_definition(cursor, name)
        cursor.execute(revision_sql.FUNCTIONS[name])
        assert function_definition(cursor, name) == migrated


def test_the_module_lists_every_trigger_the_migrations_made_and_each_as_they_made_it():
    with connection.cursor() as cursor:
        migrated = trigger_definitions(cursor)
        assert sorted(migrated) == sorted(trigger.name for trigger in revision_sql.TRIGGERS)
        for trigger in revision_sql.TRIGGERS:
            cursor.execute(f"DROP TRIGGER {trigger.name} ON {trigger.table}")
            cursor.execute(trigger.create_sql())
        assert trigger_definitions(cursor) == migrated
