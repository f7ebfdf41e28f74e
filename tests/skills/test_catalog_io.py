import copy
import json
from pathlib import Path

import pghistory.models
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from skills.catalog_io import CatalogError, dumps, export_catalog, import_catalog, validate
from skills.models import Domain, Expectation, Level, Role, RoleLevel, Skill, SkillGroup

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "catalog.json"


def load_fixture() -> dict:
    return json.loads(FIXTURE.read_text(encoding="utf-8"))


def catalog_counts() -> tuple:
    return tuple(m.objects.count() for m in (Level, Domain, SkillGroup, Role, RoleLevel, Skill, Expectation))


def event_count() -> int:
    return pghistory.models.Events.objects.count()


@pytest.mark.django_db
def test_round_trip_of_the_shipped_fixture_gives_identical_bytes(tmp_path):
    call_command("import_catalog", str(FIXTURE), verbosity=0)
    out = tmp_path / "export.json"
    call_command("export_catalog", output=str(out))
    assert out.read_bytes() == FIXTURE.read_bytes()


@pytest.mark.django_db
def test_export_empty_import_export_is_identical():
    import_catalog(load_fixture())
    first = dumps(export_catalog())
    for model in (Expectation, Skill, RoleLevel, Role, SkillGroup, Domain, Level):
        model.objects.all().delete()
    assert catalog_counts() == (0,) * 7
    import_catalog(json.loads(first))
    assert dumps(export_catalog()) == first


@pytest.mark.django_db
def test_importing_the_same_file_twice_changes_nothing():
    data = load_fixture()
    import_catalog(data)
    versions = dict(Expectation.objects.values_list("pk", "version"))
    updated = dict(Skill.objects.values_list("pk", "updated"))
    events = event_count()

    stats = import_catalog(data)

    assert stats.created == 0 and stats.updated == 0
    assert dict(Expectation.objects.values_list("pk", "version")) == versions
    assert dict(Skill.objects.values_list("pk", "updated")) == updated
    assert event_count() == events


@pytest.mark.django_db
def test_import_updates_a_changed_cell_and_keeps_the_files_dates():
    data = load_fixture()
    import_catalog(data)
    changed = copy.deepcopy(data)
    skill = next(s for s in changed["skills"] if s["slug"] == "ml-experiment-tracking")
    skill["cells"][0]["description"] = "Logs every run with parameters and metrics."

    stats = import_catalog(changed)

    assert stats.updated == 1
    cell = Expectation.objects.get(skill__slug="ml-experiment-tracking", description__startswith="Logs every run")
    assert cell.version == 2
    assert Skill.objects.get(slug="ml-experiment-tracking").updated.isoformat() == "2026-02-22"


@pytest.mark.django_db
def test_import_attaches_source_to_the_audit_trail():
    import_catalog(load_fixture(), source_name="catalog.json")
    event = pghistory.models.Events.objects.filter(pgh_obj_model="skills.Skill").first()
    assert event.pgh_context["source"] == "import"
    assert event.pgh_context["file"] == "catalog.json"


def _broken(mutate) -> dict:
    data = load_fixture()
    mutate(data)
    return data


def _seed(data):
    return next(s for s in data["skills"] if s["slug"] == "ml-experiment-tracking")


BAD_FILES = {
    "wrong type": (
        lambda d: _seed(d)["cells"][0].update(required="yes"),
        "skills[",
        "(ml-experiment-tracking).cells[0].required: expected true or false, got 'yes'",
    ),
    "unknown role": (
        lambda d: _seed(d)["cells"][0].update(role="astronaut"),
        "(ml-experiment-tracking).cells[0].role",
        "unknown role 'astronaut'",
    ),
    "unknown level": (
        lambda d: _seed(d)["cells"][1].update(level="wizard"),
        "(ml-experiment-tracking).cells[1].level",
        "unknown level 'wizard'",
    ),
    "level the role lacks": (
        lambda d: _seed(d)["cells"][0].update(role="technical-lead"),
        "(ml-experiment-tracking).cells[0].level",
        "role 'technical-lead' has no level 'junior'",
    ),
    "duplicate cell": (
        lambda d: _seed(d)["cells"].append(dict(_seed(d)["cells"][0])),
        "(ml-experiment-tracking).cells[10]",
        "duplicate cell (role, level) ('data-scientist', 'junior')",
    ),
    "missing field": (
        lambda d: _seed(d)["cells"][2].pop("description"),
        "(ml-experiment-tracking).cells[2].description",
        "missing field",
    ),
    "bad date": (
        lambda d: _seed(d).update(updated="22/02/2026"),
        "(ml-experiment-tracking).updated",
        "is not a date",
    ),
    "bad proficiency": (
        lambda d: _seed(d)["cells"][3].update(proficiency="guru"),
        "(ml-experiment-tracking).cells[3].proficiency",
        "'guru' is not one of",
    ),
    "duplicate skill slug": (
        lambda d: d["skills"].append(dict(_seed(d), name="Another name")),
        f"skills[{len(load_fixture()['skills'])}] (ml-experiment-tracking).slug",
        "duplicate skill slug",
    ),
    "unknown group": (
        lambda d: _seed(d).update(group="nowhere"),
        "(ml-experiment-tracking).group",
        "unknown group 'nowhere'",
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize("case", BAD_FILES, ids=list(BAD_FILES))
def test_a_bad_file_is_refused_whole_with_messages_naming_record_and_field(case):
    mutate, where, message = BAD_FILES[case]
    with pytest.raises(CatalogError) as error:
        import_catalog(_broken(mutate))
    assert any(where in e and message in e for e in error.value.errors), error.value.errors
    assert catalog_counts() == (0,) * 7
    assert event_count() == 0


@pytest.mark.django_db
def test_a_bad_file_changes_nothing_in_an_existing_catalog():
    import_catalog(load_fixture())
    before = dumps(export_catalog())
    data = load_fixture()
    _seed(data)["cells"][0]["description"] = "A new text that must not land."
    _seed(data)["cells"][5]["proficiency"] = 7
    with pytest.raises(CatalogError):
        import_catalog(data)
    assert dumps(export_catalog()) == before


@pytest.mark.parametrize("data", [[], "text", None, {"format": "other"}])
@pytest.mark.django_db
def test_the_wrong_document_is_refused(data):
    with pytest.raises(CatalogError):
        validate(data)


@pytest.mark.django_db
def test_import_command_reports_errors_and_progress(tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(_broken(lambda d: _seed(d)["cells"][0].update(role="astronaut"))))
    with pytest.raises(CommandError) as error:
        call_command("import_catalog", str(bad))
    assert "nothing imported" in str(error.value)
    assert "cells[0].role: unknown role 'astronaut'" in str(error.value)

    broken_json = tmp_path / "broken.json"
    broken_json.write_text('{"format": ')
    with pytest.raises(CommandError, match="not valid JSON"):
        call_command("import_catalog", str(broken_json))
    with pytest.raises(CommandError, match="no such file"):
        call_command("import_catalog", str(tmp_path / "missing.json"))

    call_command("import_catalog", str(FIXTURE))
    out = capsys.readouterr()
    total = len(load_fixture()["skills"])
    assert f"skills {total}/{total} (100%)" in out.err
    assert "created" in out.out


@pytest.mark.django_db
def test_if_empty_skips_a_catalog_that_has_skills(capsys):
    call_command("import_catalog", str(FIXTURE), verbosity=0)
    Skill.objects.filter(slug="dbt").update(summary="Edited by an admin.")
    call_command("import_catalog", str(FIXTURE), if_empty=True)
    assert Skill.objects.get(slug="dbt").summary == "Edited by an admin."
    assert "nothing imported" in capsys.readouterr().out


@pytest.mark.django_db
def test_a_cell_whose_role_lost_the_level_during_the_import_is_refused_by_name(monkeypatch):
    """validate() passes, then the role loses a level (another writer): the database refuses the cells,
    the import writes nothing and names the records."""
    from skills import catalog_io

    import_catalog(load_fixture())
    data = load_fixture()
    data["roles"] = []  # the roles as they are in the database
    checked = []

    def validate_then_lose_a_level(data):
        validate(data)
        if not checked:
            Expectation.objects.filter(role__slug="data-scientist", level__slug="junior").delete()
            RoleLevel.objects.filter(role__slug="data-scientist", level__slug="junior").delete()
            checked.append(dumps(export_catalog()))

    monkeypatch.setattr(catalog_io, "validate", validate_then_lose_a_level)
    with pytest.raises(CatalogError) as error:
        import_catalog(data)
    assert any(
        "(ml-experiment-tracking).cells[" in e and "role 'data-scientist' has no level 'junior'" in e
        for e in error.value.errors
    ), error.value.errors
    assert dumps(export_catalog()) == checked[0]


@pytest.mark.django_db
def test_import_keeps_a_cells_text_byte_for_byte_and_a_second_import_changes_nothing():
    import_catalog(load_fixture())
    data = load_fixture()
    _seed(data)["cells"][0]["description"] = "  Indented, with a trailing newline.\n"
    assert import_catalog(data).updated == 1
    cell = Expectation.objects.get(description__startswith="  Indented")
    assert cell.description == "  Indented, with a trailing newline.\n" and cell.version == 2
    stats = import_catalog(data)
    assert stats.updated == 0 and stats.created == 0
