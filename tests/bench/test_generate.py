"""The synthetic catalog: believable, deterministic, added beside the real one, audited."""

import io
from collections import defaultdict

import pytest
from django.core.management import CommandError, call_command

from bench.generate import LAST_UPDATED, PREFIX, GenerateError, generate_catalog, generated_part, plan_catalog
from skills.catalog_io import export_catalog
from skills.models import PROFICIENCY_ORDER, Expectation, ExpectationEvent, Role, RoleLevel, Skill

pytestmark = pytest.mark.django_db


def generate(**kwargs):
    options = {"skills": 60, "roles": 12, "seed": 7} | kwargs
    return generate_catalog(**options)


def generated_export() -> dict:
    return generated_part(export_catalog())


def test_generates_a_catalog_with_prefixed_slugs(levels):
    stats = generate()
    skills = Skill.objects.filter(slug__startswith=PREFIX)
    assert stats.skills == skills.count() == 60
    assert stats.roles == Role.objects.filter(slug__startswith=PREFIX).count() == 12
    assert stats.cells == Expectation.objects.filter(skill__in=skills).count() > 60
    assert stats.domains >= 1 and stats.groups >= 3
    assert not Skill.objects.exclude(slug__startswith=PREFIX).exists()


def test_cells_sit_on_levels_their_role_has_and_some_roles_skip_levels(levels):
    generate(roles=30)
    role_levels = defaultdict(set)
    for role_id, level_id in RoleLevel.objects.values_list("role_id", "level_id"):
        role_levels[role_id].add(level_id)
    for role_id, level_id in Expectation.objects.values_list("role_id", "level_id"):
        assert level_id in role_levels[role_id]
    junior = levels[0]
    starts_later = [role for role, have in role_levels.items() if junior.pk not in have]
    assert starts_later, "some roles start at Middle or Senior"
    assert any(len(have) == len(levels) for have in role_levels.values())
    assert len({Role.objects.get(pk=pk).family for pk in role_levels}) >= 2


def test_proficiency_never_drops_from_one_level_to_the_next(levels):
    generate()
    by_pair = defaultdict(list)
    for cell in Expectation.objects.select_related("level"):
        by_pair[cell.skill_id, cell.role_id].append((cell.level.position, PROFICIENCY_ORDER[cell.proficiency]))
    for cells in by_pair.values():
        ranks = [rank for _, rank in sorted(cells)]
        assert ranks == sorted(ranks)
    assert len({rank for cells in by_pair.values() for _, rank in cells}) == 4


def test_text_is_varied_and_flags_are_mixed(levels):
    generate()
    descriptions = list(Expectation.objects.values_list("description", flat=True))
    assert all(len(text) > 40 for text in descriptions)
    assert len(set(descriptions)) > 0.95 * len(descriptions)
    required = Expectation.objects.filter(required=True).count()
    assert 0 < required < len(descriptions)
    assert len(set(Skill.objects.values_list("summary", flat=True))) == 60


def test_same_seed_same_catalog_other_seed_another(levels):
    generate()
    first = generated_export()
    generate(replace_generated=True)
    assert generated_export() == first
    generate(seed=8, replace_generated=True)
    other = generated_export()
    assert other != first
    assert other["skills"] and other["roles"] and other["domains"]


def test_batch_size_does_not_change_the_catalog(levels):
    generate(batch_size=5000)
    first = generated_export()
    generate(batch_size=7, replace_generated=True)
    assert generated_export() == first


def test_adds_to_the_existing_catalog_and_replaces_only_generated_rows(seeded_catalog):
    before = export_catalog()
    generate()
    generate(replace_generated=True)
    after = export_catalog()
    for key in ("domains", "roles", "skills"):
        assert [r for r in after[key] if not r["slug"].startswith(PREFIX)] == before[key]
    assert after["levels"] == before["levels"]
    names = Skill.objects.values_list("name", flat=True)
    assert len(set(names)) == len(names)


def test_refuses_a_second_run_without_replace(levels):
    generate()
    with pytest.raises(GenerateError, match="--replace-generated"):
        generate(seed=9)
    with pytest.raises(CommandError, match="--replace-generated"):
        call_command("generate_catalog", "--skills", "5", "--roles", "2", stdout=io.StringIO())


def test_every_cell_is_audited_and_keeps_its_planned_date(levels):
    stats = generate()
    events = ExpectationEvent.objects.filter(pgh_label="insert", skill__slug__startswith=PREFIX)
    assert events.count() == stats.cells
    assert {event.pgh_context.metadata["source"] for event in events.select_related("pgh_context")} == {"generate"}
    dates = set(Skill.objects.values_list("updated", flat=True))
    assert max(dates) <= LAST_UPDATED and len(dates) > 10


def test_creates_the_levels_when_there_are_none():
    stats = generate(skills=10, roles=3)
    assert stats.cells > 0
    assert RoleLevel.objects.exists()


def test_command_reports_on_stdout_and_shows_progress_on_stderr(levels):
    out, err = io.StringIO(), io.StringIO()
    call_command("generate_catalog", "--skills", "20", "--roles", "4", "--seed", "3", stdout=out, stderr=err)
    assert "Generated" in out.getvalue() and "20 skills" in out.getvalue()
    assert "100%" in err.getvalue() and "cells [" in err.getvalue()


def test_command_rejects_bad_numbers(levels):
    with pytest.raises(CommandError):
        call_command("generate_catalog", "--skills", "0", "--roles", "4")


def test_the_benchmark_size_plans_at_least_150000_cells(levels):
    plan = plan_catalog(skills=2000, roles=80, seed=1, n_levels=len(levels))
    assert plan.cell_count >= 150_000
    assert len({skill.name for skill in plan.skills}) == 2000
    assert len({role.name for role in plan.roles}) == 80
