"""Catalog names and texts in the visitor's language, or in English marked as English (skills/translations.py)."""

import copy
import json
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from skills import translations
from skills.catalog_io import CatalogError, dumps, export_catalog, import_catalog
from skills.models import Domain, Expectation, Level, Role, Skill
from tests.factories import ExpectationFactory, make_catalog, make_role

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "catalog.json"
MARK = '<span class="lang-mark"'


def page(client, url: str, language: str) -> str:
    response = client.get(url, {"lang": language})
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}"' in html  # the page's language stays the interface's
    return html


# --- what a visitor sees


@pytest.mark.django_db
def test_a_german_visitor_reads_the_seed_skill_in_german(client, seeded_catalog):
    html = page(client, reverse("skills:skill", args=["ml-experiment-tracking"]), "de")
    assert "<h1>ML-Experiment-Tracking</h1>" in html
    assert "Dieser Skill beschreibt" in html
    assert "Nutzt MLflow oder W&amp;B für grundlegendes Experiment-Tracking" in html  # Data Scientist, Junior
    assert "Gestaltet die unternehmensweite Experiment-Tracking-Plattform" in html  # LLM Engineer, Principal
    assert "Uses MLflow or W&amp;B for basic experiment tracking" not in html
    assert "Maschinelles Lernen &amp; KI" in html and "Mid-Level" in html
    assert 'lang="en"' not in html.split("<main", 1)[1].split('id="community"', 1)[0]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "role", "level", "text"),
    [
        ("de", "Data Scientist", "Mid-Level", "Baut selbstständig den Experiment-Tracking-Workflow"),
        ("es", "Científico de datos", "Intermedio", "Construye de forma autónoma el flujo de seguimiento"),
        ("zh-hans", "数据科学家", "中级", "独立为机器学习项目搭建实验跟踪流程"),
    ],
)
def test_the_role_at_a_level_page_names_role_level_and_seed_text_in_the_visitors_language(
    client, seeded_catalog, language, role, level, text
):
    html = page(client, reverse("skills:role-level", args=["data-scientist", "middle"]), language)
    assert role in html and level in html and text in html
    # Skills without a translation yet: English, marked as such, never silently mixed in.
    assert '<span lang="en">Transfer Learning</span> ' + MARK in html
    with translation.override(language):
        assert translation.gettext("English") in html


@pytest.mark.django_db
def test_the_role_page_shows_translated_names_and_marks_the_rest(client, seeded_catalog):
    html = page(client, reverse("skills:role", args=["backend-developer-python"]), "de")
    assert "<h1>Backend-Entwickler (Python)</h1>" in html
    assert "Softwareentwicklung" in html  # the role's family
    assert "Praktiken der Softwareentwicklung" in html  # a domain
    # The tagline has no translation yet: English, marked.
    tagline = Role.objects.get(slug="backend-developer-python").tagline
    assert f'<span lang="en">{tagline}</span> {MARK}' in html


@pytest.mark.django_db
def test_an_english_page_has_no_language_marks(client, seeded_catalog):
    for url in (
        reverse("skills:skill", args=["transfer-learning"]),
        reverse("skills:role", args=["data-scientist"]),
        reverse("skills:role-level", args=["data-scientist", "middle"]),
        reverse("skills:home"),
    ):
        html = page(client, url, "en")
        assert MARK not in html and '<span lang="en">' not in html


@pytest.mark.django_db
def test_an_untranslated_skill_shows_english_with_the_mark(client, levels):
    cell = ExpectationFactory(role=make_role(levels), level=levels[0])
    html = page(client, cell.skill.get_absolute_url(), "es")
    assert f'<h1><span lang="en">{cell.skill.name}</span> {MARK}' in html
    assert '<div class="lang-fallback"><span class="lang-mark"' in html
    assert '<div lang="en"><p>' in html
    assert ">Inglés</span>" in html


@pytest.mark.django_db
def test_one_languages_page_is_never_served_to_another(client, seeded_catalog):
    urls = [
        reverse("skills:skill", args=["ml-experiment-tracking"]),
        reverse("skills:role", args=["data-scientist"]),
        reverse("skills:role-level", args=["data-scientist", "middle"]),
        reverse("skills:home"),
    ]
    for url in urls:
        german = page(client, url, "de")
        english = page(client, url, "en")
        assert "Maschinelles Lernen" in german or "Mid-Level" in german
        assert "Maschinelles Lernen" not in english and "Mid-Level" not in english
        assert "Mid-Level" in page(client, url, "de") or "Maschinelles Lernen" in german


@pytest.mark.django_db
def test_a_german_role_name_finds_the_role(client, seeded_catalog):
    response = client.get(reverse("skills:search"), {"q": "Backend-Entwickler", "lang": "de"})
    assert response.status_code == 200
    assert "Backend-Entwickler (Python)" in response.content.decode()


# --- the filters


@pytest.mark.django_db
def test_the_filters_in_attributes_and_markdown(levels):
    level = levels[0]
    level.translations = {"de": {"name": "Einsteiger <b>"}}
    cell = ExpectationFactory(role=make_role(levels), level=level, description="Uses *tools*.")
    template = Template(
        '{% load translation_tags %}<abbr title="{{ level|tr_text:"name" }}" lang="{{ level|tr_lang:"name" }}">'
        '{{ level|tr:"name" }}</abbr>{{ cell|tr_markdown:"description" }}'
    )
    with translation.override("de"):
        html = template.render(Context({"level": level, "cell": cell}))
    assert html.startswith('<abbr title="Einsteiger &lt;b&gt;" lang="de">Einsteiger &lt;b&gt;</abbr>')
    assert '<div lang="en"><p>Uses <em>tools</em>.</p></div>' in html
    cell.translations = {"de": {"description": "Nutzt <script>x</script>*Werkzeuge*."}}
    with translation.override("de"):
        html = template.render(Context({"level": level, "cell": cell}))
    assert "<em>Werkzeuge</em>" in html and "<script>" not in html and MARK not in html


# --- validation


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ([], "expected an object of languages"),
        ({"fr": {"name": "x"}}, "'fr' is not one of the languages"),
        ({"en": {"name": "x"}}, "'en' is not one of the languages"),
        ({"de": "x"}, "de: expected an object of fields"),
        ({"de": {"slug": "x"}}, "de.slug: not a translated field"),
        ({"de": {"name": 3}}, "de.name: expected a string"),
        ({"de": {"name": "  "}}, "de.name: must not be empty"),
        ({"de": {"name": "x" * 61}}, "de.name: longer than 60 characters"),
    ],
)
def test_bad_translations_are_named(value, message):
    found = translations.problems(value, translations.field_limits(Level))
    assert any(message in problem for problem in found), found


@pytest.mark.django_db
def test_the_model_refuses_bad_translations(levels):
    level = levels[0]
    level.translations = {"de": {"name": "x" * 61}}
    with pytest.raises(ValidationError) as error:
        level.full_clean()
    assert "translations" in error.value.message_dict


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("where", "value", "message"),
    [
        ("level", {"xx": {"name": "X"}}, "levels[0] (junior).translations: 'xx' is not one of the languages"),
        ("cell", {"de": {"name": "X"}}, ".cells[0].translations: de.name: not a translated field (only description)"),
        ("skill", "German", "(ml-experiment-tracking).translations: expected an object of languages, got str"),
    ],
)
def test_an_import_with_bad_translations_is_refused_whole_naming_record_and_field(where, value, message):
    data = json.loads(FIXTURE.read_text())
    skill = next(s for s in data["skills"] if s["slug"] == "ml-experiment-tracking")
    target = {"level": data["levels"][0], "cell": skill["cells"][0], "skill": skill}[where]
    target["translations"] = value
    with pytest.raises(CatalogError) as error:
        import_catalog(data)
    assert any(message in problem for problem in error.value.errors), error.value.errors
    assert not Skill.objects.exists()


# --- the import/export file


@pytest.mark.django_db
def test_translations_round_trip_and_a_file_without_them_drops_them(levels):
    make_catalog(skills=2, roles=1, levels=levels)
    skill = Skill.objects.first()
    skill.translations = {"zh-hans": {"summary": "摘要"}, "de": {"name": "Fähigkeit", "summary": "Text"}}
    skill.save()
    Expectation.objects.filter(skill=skill).update(translations={"es": {"description": "Texto."}})
    first = dumps(export_catalog())
    exported = json.loads(first)["skills"][0]
    # Languages in the site's order, fields in the model's: the same bytes whatever order they were stored in.
    assert list(exported["translations"]) == ["de", "zh-hans"]
    assert exported["translations"]["de"] == {"name": "Fähigkeit", "summary": "Text"}
    stats = import_catalog(json.loads(first))
    assert stats.updated == 0 and stats.created == 0
    assert dumps(export_catalog()) == first
    stripped = json.loads(first)
    for record in stripped["skills"]:
        record.pop("translations", None)
        for cell in record["cells"]:
            cell.pop("translations", None)
    import_catalog(copy.deepcopy(stripped))
    assert not Skill.objects.exclude(translations={}).exists()
    assert not Expectation.objects.exclude(translations={}).exists()


# --- the admin


@pytest.mark.django_db
def test_the_admin_edits_translations_as_text_fields(client, staff, levels):
    client.force_login(staff)
    level = levels[1]
    url = reverse("admin:skills_level_change", args=[level.pk])
    form = client.get(url).content.decode()
    assert 'name="translation_de_name"' in form and 'name="translation_zh_hans_short"' in form
    assert 'name="translations"' not in form  # no raw JSON to get wrong
    data = {
        "name": level.name,
        "short": level.short,
        "slug": level.slug,
        "position": level.position,
        "translation_de_name": "Mittelstufe",
        "translation_de_short": "Mit",
        "translation_es_name": "Intermedio",
        "translation_es_short": "",
        "translation_zh_hans_name": "",
        "translation_zh_hans_short": "",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    level.refresh_from_db()
    assert level.translations == {"de": {"name": "Mittelstufe", "short": "Mit"}, "es": {"name": "Intermedio"}}
    response = client.post(url, {**data, "translation_de_short": "x" * 13})
    assert response.status_code == 200 and "translation_de_short" in response.context["adminform"].form.errors


@pytest.mark.django_db
def test_the_admin_edits_an_expectations_translations_through_the_service(client, staff, levels):
    client.force_login(staff)
    cell = ExpectationFactory(role=make_role(levels), level=levels[0])
    url = reverse("admin:skills_expectation_change", args=[cell.pk])
    data = {
        "skill": cell.skill_id,
        "role": cell.role_id,
        "level": cell.level_id,
        "description": cell.description,
        "proficiency": cell.proficiency,
        "translation_de_description": "Schreibt Tests.",
        "translation_es_description": "",
        "translation_zh_hans_description": "",
    }
    assert client.post(url, data).status_code == 302
    cell.refresh_from_db()
    assert cell.translations == {"de": {"description": "Schreibt Tests."}} and cell.version == 1


@pytest.mark.django_db
def test_the_domain_admin_page_folds_each_language(client, staff, levels):
    client.force_login(staff)
    domain = Domain.objects.create(name="Data", slug="data", translations={"de": {"name": "Daten"}})
    html = client.get(reverse("admin:skills_domain_change", args=[domain.pk])).content.decode()
    assert 'value="Daten"' in html
    assert html.count("collapse") >= len(translations.LANGUAGES)


def test_a_diffs_hidden_labels_say_their_language_inside_english_text():
    from skills.diff import diff_html, word_diff

    with translation.override("de"):
        html = diff_html(word_diff("Writes tests.", "Writes good tests."))
    assert '<ins><span class="visually-hidden" lang="de">hinzugefügt: </span> good</ins>' in html
    with translation.override("en"):
        assert '<span class="visually-hidden">added: </span>' in diff_html(word_diff("a", "a b"))


@pytest.mark.django_db
def test_search_results_name_a_skill_in_the_visitors_language_or_mark_the_english(client, seeded_catalog):
    html = client.get(reverse("skills:search"), {"q": "experiment tracking", "lang": "de"}).content.decode()
    assert ">ML-Experiment-Tracking</a>" in html
    assert '<span lang="en"><mark>Experiment</mark> <mark>Tracking</mark></span> ' + MARK in html
    assert '<p class="search-result__snippet" lang="en">' in html


@pytest.mark.django_db
def test_a_new_description_drops_the_translations_of_the_old_one(levels):
    from skills.services import CellChange, cell_save

    cell = ExpectationFactory(role=make_role(levels), level=levels[0], description="Writes tests.")
    Expectation.objects.filter(pk=cell.pk).update(
        translations={"de": {"description": "Schreibt Tests."}, "es": {"description": "Escribe pruebas."}}
    )
    same = CellChange(cell.role, cell.level, "Writes tests.", required=True, proficiency=cell.proficiency)
    saved, _changed = cell_save(skill=cell.skill, change=same)
    assert saved.translations["de"] == {"description": "Schreibt Tests."}  # the text stayed: so do they
    new = CellChange(cell.role, cell.level, "Writes thorough tests.", required=True, proficiency=cell.proficiency)
    saved, _changed = cell_save(skill=cell.skill, change=new)
    cell.refresh_from_db()
    assert cell.translations == {}
    given = CellChange(
        cell.role, cell.level, "Writes tests first.", True, cell.proficiency, translations={"de": {"description": "X."}}
    )
    cell_save(skill=cell.skill, change=given)
    cell.refresh_from_db()
    assert cell.translations == {"de": {"description": "X."}}
    with pytest.raises(ValidationError):
        cell_save(
            skill=cell.skill, change=CellChange(cell.role, cell.level, "Y.", True, "working", translations={"fr": {}})
        )
