"""skillmatrix.compiled: a queryset compiled once, run with other arguments, answers what the queryset answers."""

import pytest
from django.db import connection

from skillmatrix.compiled import CompiledQuery, instance, prepared_cursor
from skills.models import Level


def test_each_run_binds_its_arguments_where_the_stand_ins_were(levels):
    above = CompiledQuery(
        lambda position, slug: Level.objects.filter(position__gt=position).exclude(slug=slug).values_list("slug"),
        position=123_456_789,
        slug="stand-in",
    )
    for position, slug in [(0, "junior"), (levels[2].position, "lead"), (10**6, "x")]:
        orm = list(Level.objects.filter(position__gt=position).exclude(slug=slug).values_list("slug"))
        assert sorted(above.rows(position=position, slug=slug)) == sorted(orm)
    assert sorted(above.rows(position=levels[2].position, slug="lead")) == [("principal",)]


def test_an_argument_the_orm_folds_into_the_sql_fails_loudly(db):
    sliced = CompiledQuery(lambda count: Level.objects.values_list("slug")[:count], count=7)
    with pytest.raises(ValueError, match="not passed as parameters by the ORM: count"):
        sliced.rows(count=2)


def test_an_instance_is_the_orms_with_the_other_fields_deferred(levels):
    level = levels[1]
    Level.objects.filter(pk=level.pk).update(translations={"de": {"name": "Mittel"}})
    row = CompiledQuery(lambda pk: Level.objects.filter(pk=pk).values_list("id", "translations", "slug"), pk=-1).rows(
        pk=level.pk
    )[0]
    made = instance(Level, dict(zip(("id", "translations", "slug"), row, strict=True)))
    assert (made.pk, made.translations, made.slug) == (level.pk, {"de": {"name": "Mittel"}}, level.slug)
    assert made.get_deferred_fields() == {"name", "short", "position"}
    assert made._state.adding is False


def _prepared(text: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE strpos(statement, %s) > 0", [text])
        return cursor.fetchone()[0]


@pytest.mark.parametrize(("prepared", "field"), [(True, "slug"), (False, "name")])
def test_the_statements_are_prepared_once_per_connection_when_asked(settings, levels, prepared, field):
    settings.DB_PREPARED_STATEMENTS = prepared
    named = CompiledQuery(
        lambda value: Level.objects.filter(**{field: value}).values_list("position"), value="stand-in"
    )
    answers = [named.rows(value=getattr(level, field)) for level in levels]
    assert answers == [[(level.position,)] for level in levels]
    assert _prepared(f'WHERE "skills_level"."{field}" = $1') == (1 if prepared else 0)
    with prepared_cursor() as cursor:
        cursor.execute("SELECT %s::int + 1", [41])
        assert cursor.fetchone() == (42,)
