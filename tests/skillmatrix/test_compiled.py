"""skillmatrix.compiled: a queryset compiled once, run with other arguments, answers what the queryset answers."""

import pytest

from skillmatrix.compiled import CompiledQuery, instance
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
