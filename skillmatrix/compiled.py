"""A queryset's SQL, compiled once per process and run again with other arguments.

For a hot lookup whose building and compiling by the ORM costs more than the database's answer (the growth plan's
tick: tens of filters over subqueries, to find one row). The queryset stays the one definition: `build(**arguments)`
makes it, and it is compiled once with a stand-in for each argument; each run binds the real values where the
stand-ins were. A stand-in must be a value the ORM passes as a parameter (in the field's range, not a slice's
bound): one it folded into the SQL text instead fails the first run loudly. Tests run the fast path and its queryset
and compare them (tests/skillmatrix/test_compiled.py, tests/growth/test_plan_cell.py).
"""

import contextlib
import functools
from collections.abc import Callable, Iterator
from typing import Any

import psycopg
from django.conf import settings
from django.db import connection
from django.db.backends.utils import CursorWrapper
from django.db.models import Model, QuerySet


class CompiledQuery:
    def __init__(self, build: Callable[..., QuerySet], **stand_ins: Any):
        self.build = build
        self.stand_ins = stand_ins

    @functools.cached_property
    def _compiled(self) -> tuple[str, tuple, tuple[str | None, ...]]:
        sql, params = self.build(**self.stand_ins).query.sql_with_params()
        slots = tuple(self._slot(param) for param in params)
        missing = set(self.stand_ins) - set(slots)
        if missing:
            raise ValueError(f"arguments not passed as parameters by the ORM: {', '.join(sorted(missing))}")
        return sql, tuple(params), slots

    def _slot(self, param: Any) -> str | None:
        for name, stand_in in self.stand_ins.items():
            if type(param) is not list and param == stand_in:
                return name
        return None

    def bind(self, **arguments: Any) -> tuple[str, list]:
        """The SQL and its parameters for these arguments (the names of the stand-ins)."""
        sql, params, slots = self._compiled
        return sql, [arguments[slot] if slot is not None else param for param, slot in zip(params, slots, strict=True)]

    def rows(self, **arguments: Any) -> list[tuple]:
        sql, params = self.bind(**arguments)
        with prepared_cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()


class _PreparingCursor(psycopg.Cursor):
    """Binds on the server and prepares each statement at once: psycopg keeps it per connection (prepared_max)."""

    def execute(self, query, params=None, *, prepare=None, binary=None):
        return super().execute(query, params, prepare=True, binary=binary)


@contextlib.contextmanager
def prepared_cursor() -> Iterator[CursorWrapper]:
    """A cursor for statements whose text never changes (a CompiledQuery's, raw SQL with parameters): the database
    plans each once per connection (settings.DB_PREPARED_STATEMENTS; else Django's own cursor). Its queries are
    Django's as any other (execute wrappers, the queries tests count)."""
    if not settings.DB_PREPARED_STATEMENTS:
        with connection.cursor() as cursor:
            yield cursor
        return
    connection.ensure_connection()
    raw = _PreparingCursor(connection.connection)
    cursor = connection.make_debug_cursor(raw) if connection.queries_logged else connection.make_cursor(raw)
    with cursor:
        yield cursor


def instance[M: Model](model: type[M], values: dict[str, Any]) -> M:
    """A model instance from some of its columns by attname (the others deferred), as the ORM makes one: the
    fields' own conversions from the database (JSON), then Model.from_db."""
    names, converted = [], []
    for field in model._meta.concrete_fields:
        if field.attname in values:
            value = values[field.attname]
            if hasattr(field, "from_db_value"):
                value = field.from_db_value(value, None, connection)
            names.append(field.attname)
            converted.append(value)
    return model.from_db(connection.alias, names, converted)
