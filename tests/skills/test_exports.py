"""CSV exports of a skill's cells and of a role's matrix; the whole catalog as JSON through the API."""

import csv
import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from skills import catalog_io
from skills.exports import ROLE_COLUMNS, SKILL_COLUMNS, neutralize
from skills.models import Domain, Expectation, Level, Proficiency, Role, RoleLevel, Skill, SkillGroup
from tests.factories import DomainFactory, SkillFactory, SkillGroupFactory, make_catalog, make_role

SEED = "ml-experiment-tracking"
CSV_QUERIES = 2  # the skill (or role) with its taxonomy; its cells
CATALOG_QUERIES = 8  # levels; domains, their groups; roles, their role levels, those levels; skills; cells
# An anonymous client's request to the whole catalog is counted in the default cache (the database): its
# history read, then written (count, savepoint, select, insert or update, release).
ANON_THROTTLE_QUERIES = 6

HARD_TEXT = 'Müller — 中文, "quoted", and a second line:\nstill the same cell.'


def read_csv(response) -> list[list[str]]:
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.reader(io.StringIO(response.content.decode("utf-8"), newline="")))


def cell(skill, role, level, description, *, required=False, proficiency=Proficiency.WORKING):
    return Expectation.objects.create(
        skill=skill, role=role, level=level, description=description, required=required, proficiency=proficiency
    )


@pytest.fixture
def hard_catalog(levels):
    """Non-ASCII names, commas, quotes, newlines and formula-looking text."""
    group = SkillGroupFactory(name="Qualität, Tests", domain=DomainFactory(name="Sécurité"))
    skill = SkillFactory(name="Müller — 中文", slug="mueller", group=group)
    zeta = make_role(levels, name="Zeta Role", slug="zeta")
    alpha = make_role(levels, name="Alpha Role", slug="alpha")
    cell(skill, zeta, levels[1], "Zeta at middle.")
    cell(skill, zeta, levels[0], HARD_TEXT, required=True, proficiency=Proficiency.AWARENESS)
    cell(skill, alpha, levels[2], '=HYPERLINK("https://evil.example","click")', proficiency=Proficiency.EXPERT)
    cell(skill, alpha, levels[0], "- a Markdown list item\n- another")
    return {"skill": skill, "alpha": alpha, "zeta": zeta}


# ------------------------------------------------------------------ skill cells CSV
def test_skill_csv_columns_order_and_values(client, hard_catalog):
    response = client.get(reverse("skills:skill-csv", args=["mueller"]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="mueller-cells.csv"'
    rows = read_csv(response)
    assert (
        tuple(rows[0])
        == SKILL_COLUMNS
        == (
            "skill",
            "domain",
            "group",
            "role",
            "level",
            "level_position",
            "required",
            "proficiency",
            "version",
            "description",
        )
    )
    # By role (name), then level position.
    assert [(row[3], row[4]) for row in rows[1:]] == [
        ("Alpha Role", "Junior"),
        ("Alpha Role", "Senior"),
        ("Zeta Role", "Junior"),
        ("Zeta Role", "Middle"),
    ]
    zeta_junior = rows[3]
    assert zeta_junior == [
        "Müller — 中文",
        "Sécurité",
        "Qualität, Tests",
        "Zeta Role",
        "Junior",
        "1",
        "true",
        "awareness",
        "1",
        HARD_TEXT,
    ]


def test_csv_is_utf8_and_quotes_commas_quotes_and_newlines(client, hard_catalog):
    response = client.get(reverse("skills:skill-csv", args=["mueller"]))
    raw = response.content
    assert "Müller — 中文".encode() in raw  # UTF-8, no escaping
    assert not raw.startswith(b"\xef\xbb\xbf")  # no byte-order mark
    # The csv module quotes the field and doubles the inner quotes; the newline stays inside the quoted field.
    assert b'"Qualit\xc3\xa4t, Tests"' in raw
    assert '"Müller — 中文, ""quoted"", and a second line:\nstill the same cell."'.encode() in raw
    assert len(read_csv(response)) == 5  # header + 4 cells, whatever the newlines inside


def test_formula_injection_is_neutralized(client, hard_catalog):
    """Text that a spreadsheet would run as a formula (= + - @, tab, CR first) gets a leading apostrophe.

    The apostrophe is the only change: Markdown lists ("- item") get it too, which is the price of never running
    catalog text as a formula when someone opens the file in Excel or LibreOffice.
    """
    rows = read_csv(client.get(reverse("skills:skill-csv", args=["mueller"])))
    descriptions = {(row[3], row[4]): row[9] for row in rows[1:]}
    assert descriptions[("Alpha Role", "Senior")] == '\'=HYPERLINK("https://evil.example","click")'
    assert descriptions[("Alpha Role", "Junior")] == "'- a Markdown list item\n- another"
    assert descriptions[("Zeta Role", "Middle")] == "Zeta at middle."
    for value in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"):
        assert neutralize(value) == "'" + value
    for value in ("plain", "1=1", "", "'already"):
        assert neutralize(value) == value
    assert neutralize(5) == 5  # numbers are numbers


def test_formula_looking_names_are_neutralized_too(client, levels):
    role = make_role(levels, name="=cmd|' /C calc'!A0", slug="evil")
    skill = SkillFactory(name="@evil", slug="evil-skill")
    cell(skill, role, levels[0], "+text")
    rows = read_csv(client.get(reverse("skills:skill-csv", args=["evil-skill"])))
    assert rows[1][0] == "'@evil"
    assert rows[1][3] == "'=cmd|' /C calc'!A0"
    assert rows[1][9] == "'+text"
    rows = read_csv(client.get(reverse("skills:role-csv", args=["evil"])))
    assert rows[1][2] == "'@evil" and rows[1][7] == "'+text"


def test_skill_csv_of_the_seed_skill(client, seeded_catalog):
    rows = read_csv(client.get(reverse("skills:skill-csv", args=[SEED])))
    assert len(rows) == 11
    assert {row[0] for row in rows[1:]} == {"ML Experiment Tracking"}
    assert [row[5] for row in rows[1:6]] == ["1", "2", "3", "4", "5"]


def test_skill_without_cells_gives_the_header_only(client, levels):
    skill = SkillFactory()
    rows = read_csv(client.get(reverse("skills:skill-csv", args=[skill.slug])))
    assert rows == [list(SKILL_COLUMNS)]


def test_csv_of_unknown_skill_or_role_is_404(client, db):
    assert client.get(reverse("skills:skill-csv", args=["nothing"])).status_code == 404
    assert client.get(reverse("skills:role-csv", args=["nobody"])).status_code == 404


# ------------------------------------------------------------------ role matrix CSV
def test_role_csv_columns_order_and_values(client, hard_catalog, levels):
    other = SkillFactory(name="Another", slug="another", group=SkillGroupFactory(domain=DomainFactory(name="Aaa")))
    cell(other, hard_catalog["zeta"], levels[4], "Principal text.", required=True, proficiency=Proficiency.EXPERT)
    response = client.get(reverse("skills:role-csv", args=["zeta"]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="zeta-matrix.csv"'
    rows = read_csv(response)
    assert (
        tuple(rows[0])
        == ROLE_COLUMNS
        == (
            "domain",
            "group",
            "skill",
            "level",
            "required",
            "proficiency",
            "version",
            "description",
        )
    )
    # Ordered as the role page: domain (by position), group, skill, level position.
    assert [row[0] for row in rows[1:]] == ["Sécurité", "Sécurité", "Aaa"]  # Sécurité has the lower position
    by_skill = {(row[2], row[3]): row for row in rows[1:]}
    assert by_skill[("Müller — 中文", "Junior")] == [
        "Sécurité",
        "Qualität, Tests",
        "Müller — 中文",
        "Junior",
        "true",
        "awareness",
        "1",
        HARD_TEXT,
    ]
    assert by_skill[("Another", "Principal")][4:7] == ["true", "expert", "1"]
    assert [row[3] for row in rows[1:] if row[2] == "Müller — 中文"] == ["Junior", "Middle"]


def test_csv_carries_the_cell_version(client, hard_catalog):
    target = Expectation.objects.get(skill__slug="mueller", role__slug="zeta", level__slug="middle")
    target.description = "Changed once."
    target.save()
    rows = read_csv(client.get(reverse("skills:role-csv", args=["zeta"])))
    assert [row[6] for row in rows[1:] if row[3] == "Middle"] == ["2"]


# ------------------------------------------------------------------ query counts
@pytest.mark.parametrize("size", [2, 60])
def test_csv_query_counts(client, levels, django_assert_num_queries, size):
    catalog = make_catalog(skills=size, roles=size, levels=levels)
    skill, role = catalog["skills"][0], catalog["roles"][0]
    with django_assert_num_queries(CSV_QUERIES):
        response = client.get(reverse("skills:skill-csv", args=[skill.slug]))
    assert len(read_csv(response)) == 1 + size * len(levels)
    with django_assert_num_queries(CSV_QUERIES):
        response = client.get(reverse("skills:role-csv", args=[role.slug]))
    assert len(read_csv(response)) == 1 + size * len(levels)


@pytest.mark.parametrize("size", [2, 60])
def test_catalog_api_query_count(client, levels, django_assert_num_queries, size):
    make_catalog(skills=size, roles=size, levels=levels)
    # The limit; the revisions (the stored file's key); the export, once per catalog revision.
    with django_assert_num_queries(ANON_THROTTLE_QUERIES + 1 + CATALOG_QUERIES):
        response = client.get("/api/catalog/")
    assert response.status_code == 200
    data = json.loads(response.getvalue())
    assert len(data["skills"]) == size and len(data["roles"]) == size
    # Then the stored file: the limit and the revisions only.
    with django_assert_num_queries(ANON_THROTTLE_QUERIES + 1):
        assert json.loads(client.get("/api/catalog/").getvalue()) == data


# ------------------------------------------------------------------ the whole catalog through the API
def test_catalog_api_is_what_export_catalog_writes(client, seeded_catalog, tmp_path):
    response = client.get("/api/catalog/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    out = tmp_path / "catalog.json"
    call_command("export_catalog", "-o", str(out))
    assert response.getvalue() == out.read_bytes()


def test_catalog_api_keeps_non_ascii_text(client, hard_catalog):
    body = client.get("/api/catalog/").getvalue()
    assert "Müller — 中文".encode() in body  # UTF-8, not \u escapes
    skill = next(s for s in json.loads(body)["skills"] if s["slug"] == "mueller")
    assert HARD_TEXT in [c["description"] for c in skill["cells"]]


def _empty_the_catalog() -> None:
    Expectation.objects.all().delete()
    RoleLevel.objects.all().delete()
    Skill.objects.all().delete()
    Role.objects.all().delete()
    SkillGroup.objects.all().delete()
    Domain.objects.all().delete()
    Level.objects.all().delete()


def test_catalog_api_round_trips_through_import(client, seeded_catalog, hard_catalog):
    """Fetched from the API, imported into an empty catalog, exported again: the same bytes."""
    fetched = client.get("/api/catalog/").getvalue()
    _empty_the_catalog()
    assert json.loads(client.get("/api/catalog/").getvalue())["skills"] == []
    catalog_io.import_catalog(json.loads(fetched), source_name="api")
    assert Skill.objects.filter(slug="mueller").exists()
    assert client.get("/api/catalog/").getvalue() == fetched
    assert catalog_io.dumps(catalog_io.export_catalog()).encode() == fetched


def test_catalog_api_is_read_only(client, member):
    client.force_login(member)
    assert client.post("/api/catalog/", {}, content_type="application/json").status_code == 405
    assert client.get("/api/catalog/").status_code == 200


def test_catalog_api_is_documented(client, db):
    schema = client.get("/api/schema/?format=json").json()
    operation = schema["paths"]["/api/catalog/"]["get"]
    assert operation["operationId"] == "catalog_export"
    body = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert set(body["required"]) == {"format", "version", "levels", "domains", "roles", "skills"}
    assert "post" not in schema["paths"]["/api/catalog/"]
