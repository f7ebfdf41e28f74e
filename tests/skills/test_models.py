"""Rules the database keeps on every write path: versions, Last updated, the audit trail, a cell's role level."""

import datetime

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from skills.audit import audit_context
from skills.models import Expectation, ExpectationEvent, Proficiency, RoleLevel
from skills.services import CellChange, cell_save
from tests.factories import ExpectationFactory, SkillFactory, make_role


@pytest.fixture
def cell(levels):
    role = make_role(levels)
    return ExpectationFactory(role=role, level=levels[0], skill=SkillFactory(updated=datetime.date(2026, 2, 22)))


def test_a_content_change_bumps_the_version_whatever_writes_it(cell):
    cell.description = "Changed through save()."
    cell.save()
    Expectation.objects.filter(pk=cell.pk).update(required=True)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE skills_expectation SET proficiency = 'expert' WHERE id = %s", [cell.pk])
    cell.refresh_from_db()
    assert cell.version == 4


def test_a_write_without_content_change_keeps_the_version(cell):
    Expectation.objects.filter(pk=cell.pk).update(description=cell.description)
    cell.refresh_from_db()
    assert cell.version == 1


def test_a_cell_change_sets_the_skills_last_updated_to_today(cell):
    Expectation.objects.filter(pk=cell.pk).update(description="New text.")
    cell.skill.refresh_from_db()
    assert cell.skill.updated == timezone.now().date()


def test_a_raw_sql_change_lands_in_the_audit_trail_with_its_context(cell, member):
    with audit_context(source="shell", user=member):
        Expectation.objects.filter(pk=cell.pk).update(description="Audited text.")
    event = ExpectationEvent.objects.filter(pgh_obj_id=cell.pk, pgh_label="update").get()
    assert event.description == "Audited text."
    assert event.pgh_context.metadata["source"] == "shell"
    assert event.pgh_context.metadata["username"] == "member"


def test_deletes_are_audited(cell):
    pk = cell.pk
    cell.delete()
    assert ExpectationEvent.objects.filter(pgh_obj_id=pk, pgh_label="delete").exists()


def test_cell_save_reports_whether_anything_changed(cell):
    change = CellChange(
        role=cell.role, level=cell.level, description=cell.description, required=False, proficiency="working"
    )
    assert cell_save(skill=cell.skill, change=change)[1] is False
    saved, changed = cell_save(skill=cell.skill, change=CellChange(**{**change.__dict__, "required": True}))
    assert changed and saved.version == 2


def test_cell_save_refuses_a_level_the_role_does_not_have(levels):
    from django.core.exceptions import ValidationError

    role = make_role(levels[2:])
    with pytest.raises(ValidationError) as error:
        cell_save(
            skill=SkillFactory(),
            change=CellChange(role=role, level=levels[0], description="x", required=False, proficiency="working"),
        )
    assert "level" in error.value.message_dict


def test_cell_save_refuses_in_a_message_what_the_database_refuses(levels, monkeypatch):
    """The role lost the level after the service's own check: PostgreSQL refuses, the caller gets a ValidationError."""
    from django.core.exceptions import ValidationError

    from skills import services

    role = make_role(levels[2:])
    monkeypatch.setattr(services, "cell_validate", lambda **kwargs: None)
    with pytest.raises(ValidationError) as error:
        cell_save(
            skill=SkillFactory(),
            change=CellChange(role=role, level=levels[0], description="x", required=False, proficiency="working"),
        )
    assert error.value.message_dict == {"level": [f"The role {role} has no level {levels[0]}."]}
    assert not Expectation.objects.filter(role=role).exists()


def test_cell_save_moves_the_given_cell_and_keeps_the_text_as_given(cell, levels):
    change = CellChange(
        role=cell.role, level=levels[1], description=" Spaced text.\n", required=True, proficiency="expert"
    )
    saved, changed = cell_save(skill=cell.skill, change=change, cell=cell)
    assert changed and saved.pk == cell.pk
    assert (saved.level, saved.description, saved.version) == (levels[1], " Spaced text.\n", 2)
    assert Expectation.objects.filter(skill=cell.skill).count() == 1


def insert_cell_sql(cell, level) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO skills_expectation (skill_id, role_id, level_id, description, required, proficiency, version)"
            " VALUES (%s, %s, %s, 'Raw.', false, 'working', 1)",
            [cell.skill_id, cell.role_id, level.pk],
        )


@pytest.mark.parametrize(
    "write",
    [
        lambda cell, level: Expectation.objects.create(
            skill=cell.skill, role=cell.role, level=level, description="ORM.", proficiency="working"
        ),
        insert_cell_sql,
        lambda cell, level: Expectation.objects.filter(pk=cell.pk).update(level=level),
    ],
    ids=["orm insert", "sql insert", "moved to the level"],
)
def test_the_database_refuses_a_cell_at_a_level_its_role_lacks(levels, write):
    role = make_role(levels[:2])
    cell = ExpectationFactory(role=role, level=levels[0])
    with pytest.raises(IntegrityError, match="expectation_role_level_fk"), transaction.atomic():
        write(cell, levels[3])
    assert list(Expectation.objects.values_list("level", flat=True)) == [levels[0].pk]


@pytest.mark.parametrize(
    "write",
    [
        lambda rl, levels: rl.delete(),
        lambda rl, levels: RoleLevel.objects.filter(pk=rl.pk).update(level=levels[4]),
    ],
    ids=["deleted", "moved to another level"],
)
def test_a_role_level_that_has_cells_stays(levels, write):
    cell = ExpectationFactory(role=make_role(levels[:2]), level=levels[0])
    role_level = RoleLevel.objects.get(role=cell.role, level=cell.level)
    with pytest.raises(IntegrityError, match="expectation_role_level_fk"), transaction.atomic():
        write(role_level, levels)
    assert RoleLevel.objects.filter(pk=role_level.pk, level=cell.level).exists()


def test_a_role_level_without_cells_may_go(cell, levels):
    RoleLevel.objects.filter(role=cell.role, level=levels[1]).delete()
    assert not RoleLevel.objects.filter(role=cell.role, level=levels[1]).exists()


@pytest.mark.parametrize(
    "values",
    [{"proficiency": "guru"}, {"description": ""}],
    ids=["unknown proficiency", "empty description"],
)
def test_database_constraints_back_the_rules(cell, values):
    with pytest.raises(IntegrityError), transaction.atomic():
        Expectation.objects.filter(pk=cell.pk).update(**values)


def test_one_cell_per_skill_role_and_level(cell):
    with pytest.raises(IntegrityError), transaction.atomic():
        Expectation.objects.create(
            skill=cell.skill, role=cell.role, level=cell.level, description="Twice.", proficiency=Proficiency.WORKING
        )


def test_shell_command_marks_writes_as_coming_from_the_shell(cell):
    from django.core.management import call_command

    call_command(
        "shell",
        command=f"from skills.models import Expectation as E; E.objects.filter(pk={cell.pk}).update(required=True)",
    )
    event = ExpectationEvent.objects.filter(pgh_obj_id=cell.pk, pgh_label="update").get()
    assert event.pgh_context.metadata["source"] == "shell"


@pytest.mark.parametrize("table", ["domain", "skillgroup", "skill", "role", "level", "rolelevel", "expectation"])
def test_every_catalog_table_has_insert_update_and_delete_audit_triggers(db, table):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal",
            [f"skills_{table}"],
        )
        # pgtrigger names them pgtrigger_<name>_<hash>.
        names = {row[0].removeprefix("pgtrigger_").rsplit("_", 1)[0] for row in cursor.fetchall()}
    assert {"insert_insert", "update_update", "delete_delete"} <= names


def test_a_bulk_insert_is_audited_row_by_row(levels):
    """pgtrigger.ignore is set to an empty list for speed: it must not silence any trigger."""
    from tests.factories import make_catalog

    catalog = make_catalog(skills=20, roles=2, levels=levels)
    cells = Expectation.objects.filter(skill__in=catalog["skills"])
    assert cells.count() == 200
    assert ExpectationEvent.objects.filter(pgh_obj_id__in=cells.values("pk"), pgh_label="insert").count() == 200
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('pgtrigger.ignore')")
        assert cursor.fetchone()[0] == "{}"
