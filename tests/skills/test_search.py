"""Full-text search: the query builder, ranking, highlighting, page states, the trigger-kept documents."""

import re

import pytest
from django.db import connection
from django.urls import reverse
from rest_framework.test import APIClient

from skills import search_results, selectors
from skills.models import Expectation, Role, RoleSearch, Skill, SkillSearch
from skills.search_results import highlight
from tests.factories import ExpectationFactory, RoleFactory, SkillFactory, make_catalog, make_role

SEARCH = reverse("skills:search")


def result_names(response):
    return [skill.name for skill in response.context["page"]]


# --- The tsquery is built from words, never from raw input ---------------------------


def test_query_keeps_letters_and_digits_and_prefixes_the_last_word(db):
    assert selectors.search_words("  Kubernetes, k8s & helm!  ") == ["kubernetes", "k8s", "helm"]
    text = selectors.tsquery_text(selectors.search_words("Experiment's trac"))
    assert text == "'experiment' & 's' & 'trac':*"
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_tsquery('english', %s)::text", [text])
        assert cursor.fetchone()[0] == "'experi' & 'trac':*"  # stemmed; the stop word dropped


@pytest.mark.parametrize("text", ["", "   ", "!!!", "&|!<->():*'\\", "___"])
def test_query_with_no_word_is_none(text):
    assert selectors.search_query(text) is None


def test_query_is_bounded():
    assert len(selectors.search_words(" ".join(f"w{n}" for n in range(50)))) == selectors.SEARCH_MAX_WORDS
    assert selectors.search_words("a" * 5000) == ["a" * selectors.SEARCH_MAX_WORD_LENGTH]
    assert selectors.search_words("x" * 199 + " hidden") == ["x" * selectors.SEARCH_MAX_WORD_LENGTH]


@pytest.mark.parametrize(
    "text",
    [
        "'",
        "\\",
        "a:*b",
        "foo & | bar",
        "!(x <-> y)",
        "it's",
        "a' | 'b",
        "\x00",
        "%00",
        "x" * 5000,
        "日本語 テスト",
        "c++ c# .net",
        "<script>alert(1)</script>",
    ],
)
def test_odd_input_never_fails(client, levels, text):
    make_catalog(skills=3, roles=1, levels=levels)
    response = client.get(SEARCH, {"q": text})
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()


# --- Matching and ranking ---------------------------------------------------------------


@pytest.fixture
def zebra(levels):
    """The word 'zebrafish' in a name (A), a summary (B) and a cell description (C)."""
    role = make_role(levels, name="Aquarium Keeper")
    in_description = SkillFactory(name="Alpha Care", summary="Feeding.")
    ExpectationFactory(skill=in_description, role=role, level=levels[0], description="Knows the zebrafish diet.")
    in_summary = SkillFactory(name="Beta Care", summary="Breeding zebrafish in tanks.")
    in_name = SkillFactory(name="Zebrafish Husbandry", summary="Water.")
    SkillFactory(name="Unrelated", summary="Nothing here.")
    return {"name": in_name, "summary": in_summary, "description": in_description, "role": role}


def test_results_are_ranked_name_then_summary_then_description(client, zebra):
    response = client.get(SEARCH, {"q": "zebrafish"})
    assert result_names(response) == ["Zebrafish Husbandry", "Beta Care", "Alpha Care"]


def test_the_last_word_matches_as_a_prefix(client, zebra):
    assert result_names(client.get(SEARCH, {"q": "zebraf"})) == ["Zebrafish Husbandry", "Beta Care", "Alpha Care"]
    assert result_names(client.get(SEARCH, {"q": "zebrafish husb"})) == ["Zebrafish Husbandry"]
    # Only the last word is a prefix: the others must be whole words.
    assert client.get(SEARCH, {"q": "zebraf husbandry"}).context["page"].paginator.count == 0


def test_words_match_in_their_english_forms(client, zebra):
    assert "Beta Care" in result_names(client.get(SEARCH, {"q": "breeds"}))


def test_roles_are_separate_results(client, zebra):
    response = client.get(SEARCH, {"q": "aquarium"})
    assert [role.name for role in response.context["roles"]] == ["Aquarium Keeper"]
    html = response.content.decode()
    assert f'href="{zebra["role"].get_absolute_url()}"><mark>Aquarium</mark> Keeper</a>' in html


def test_matches_are_highlighted_in_name_and_snippet(client, zebra):
    html = client.get(SEARCH, {"q": "zebrafish"}).content.decode()
    assert "<mark>Zebrafish</mark> Husbandry" in html
    assert "Breeding <mark>zebrafish</mark> in tanks" in html
    assert "Knows the <mark>zebrafish</mark> diet" in html


def test_catalog_text_is_escaped_and_only_our_marks_are_html(client, levels):
    role = make_role(levels)
    ExpectationFactory(
        skill=SkillFactory(name="Escaping", summary="Quokka"),
        role=role,
        level=levels[0],
        description='Quokka <script>alert(1)</script> <mark>fake</mark> 1 < 2 & "q" <b onclick="x()">bold</b>',
    )
    response = client.get(SEARCH, {"q": "quokka"})
    snippet = str(response.context["results"][0].snippet_html)
    # Postgres' parser drops tags from the headline; what is left is escaped, and the
    # only markup is the <mark> around each match.
    assert snippet.count("<mark>") == snippet.count("</mark>") == 1
    assert snippet.replace("<mark>", "").replace("</mark>", "").count("<") == 0
    assert "1 &lt; 2 &amp; &quot;q&quot;" in snippet
    html = response.content.decode()
    assert "<script>alert" not in html
    assert "<b onclick" not in html


def test_highlight_escapes_then_marks_and_drops_stray_markers():
    start, stop = selectors.MARK_START, selectors.MARK_STOP
    assert highlight(f"a <b> {start}word{stop} & c") == "a &lt;b&gt; <mark>word</mark> &amp; c"
    assert highlight(f"{start}open {start}x{stop} close{stop}") == "open <mark>x</mark> close"
    assert highlight(None) == ""


# --- Where each result matched -------------------------------------------------------------


def test_each_result_names_the_role_and_level_it_matched_and_links_to_it(client, levels):
    role = make_role(levels, name="Aquarium Keeper", slug="aquarium-keeper")
    other = make_role(levels, name="Vet", slug="vet")
    skill = SkillFactory(name="Fish Care", slug="fish-care", summary="Keeping fish well.")
    ExpectationFactory(skill=skill, role=role, level=levels[0], description="Feeds the fish daily.")
    ExpectationFactory(skill=skill, role=other, level=levels[2], description="Treats a sick axolotl.")
    ExpectationFactory(skill=skill, role=role, level=levels[3], description="Plans the axolotl tank and its axolotl.")
    response = client.get(SEARCH, {"q": "axolotl"})
    [hit] = response.context["results"]
    # The cell that names the word most, and its link: the cell's own page.
    assert (hit.cell.role, hit.cell.level) == (role, levels[3])
    assert not hit.by_role
    html = response.content.decode()
    where = re.search(r'<p class="search-result__where">(.*?)</p>', html, re.S).group(1)
    assert "Found in" in where
    assert (
        f'<a href="/skills/fish-care/aquarium-keeper/{levels[3].slug}/">Aquarium Keeper · {levels[3].name}</a>' in where
    )
    assert "Plans the <mark>axolotl</mark> tank" in html


def test_a_result_found_by_its_name_or_summary_alone_has_no_cell(client, zebra):
    hits = {hit.skill.name: hit for hit in client.get(SEARCH, {"q": "zebrafish"}).context["results"]}
    assert hits["Zebrafish Husbandry"].cell is None
    assert hits["Beta Care"].cell is None
    assert str(hits["Beta Care"].snippet_html) == "Breeding <mark>zebrafish</mark> in tanks."
    assert hits["Alpha Care"].cell.role == zebra["role"]


def test_all_words_in_one_cell_beat_some_words_in_another(client, levels):
    role = make_role(levels, name="Keeper")
    skill = SkillFactory(name="Habitat", summary="Tanks.")
    ExpectationFactory(skill=skill, role=role, level=levels[0], description="Cleans gravel. Gravel, gravel, gravel.")
    ExpectationFactory(skill=skill, role=role, level=levels[1], description="Checks the heater.")
    ExpectationFactory(skill=skill, role=role, level=levels[2], description="Replaces gravel and heater together.")
    [hit] = client.get(SEARCH, {"q": "gravel heater"}).context["results"]
    assert hit.cell.level == levels[2]
    # Words found in different cells only: the cell holding the most of them.
    [hit] = client.get(SEARCH, {"q": "cleans heater"}).context["results"]
    assert hit.cell.level in (levels[0], levels[1])


def test_a_roles_name_finds_the_skills_of_its_matrix(client, levels):
    keeper = make_role(levels, name="Aquarium Keeper", slug="aquarium-keeper", tagline="Looks after tanks.")
    vet = make_role(levels, name="Vet", slug="vet", tagline="An aquarium visitor.")
    feeding = SkillFactory(name="Feeding", slug="feeding", summary="Food.")
    cleaning = SkillFactory(name="Cleaning", slug="cleaning", summary="Water.")
    surgery = SkillFactory(name="Surgery", slug="surgery", summary="Operations.")
    ExpectationFactory(skill=feeding, role=keeper, level=levels[1], description="Feeds twice a day.")
    ExpectationFactory(skill=feeding, role=keeper, level=levels[0], description="Feeds once a day.")
    ExpectationFactory(skill=cleaning, role=keeper, level=levels[2], description="Cleans the filters.")
    ExpectationFactory(skill=surgery, role=vet, level=levels[2], description="Operates on fish.")
    response = client.get(SEARCH, {"q": "aquarium keeper"})
    assert [role.name for role in response.context["roles"]] == ["Aquarium Keeper"]
    hits = {hit.skill.name: hit for hit in response.context["results"]}
    # A role's tagline is not its name: the Vet's skills are not listed for "aquarium".
    assert set(hits) == {"Feeding", "Cleaning"}
    assert all(hit.by_role and hit.cell.role == keeper for hit in hits.values())
    assert hits["Feeding"].cell.level == levels[0]  # the role's lowest level for the skill
    html = response.content.decode()
    assert "Expected of" in html
    assert f'href="/skills/feeding/aquarium-keeper/{levels[0].slug}/"' in html
    # As the words are typed: the last one is a prefix.
    assert {hit.skill.name for hit in client.get(SEARCH, {"q": "aquarium kee"}).context["results"]} == set(hits)


def test_a_skill_named_by_the_words_comes_before_a_roles_skills(client, levels):
    keeper = make_role(levels, name="Tank Keeper")
    ExpectationFactory(skill=SkillFactory(name="Alpha"), role=keeper, level=levels[0], description="Alpha text.")
    SkillFactory(name="Tank Design", summary="Glass.")
    assert result_names(client.get(SEARCH, {"q": "tank"})) == ["Tank Design", "Alpha"]


def test_the_api_search_finds_a_roles_skills_too(levels):
    keeper = make_role(levels, name="Aquarium Keeper")
    skill = SkillFactory(name="Feeding", summary="Food.")
    ExpectationFactory(skill=skill, role=keeper, level=levels[0], description="Feeds fish.")
    response = APIClient().get("/api/skills/", {"search": "aquarium keeper"})
    assert [s["slug"] for s in response.json()["results"]] == [skill.slug]


# --- Snippets: whole words, and an ellipsis where text was left out --------------------------


@pytest.mark.parametrize(
    ("source", "headline", "snippet"),
    [
        ("Uses MLflow daily.", "Uses \ue000MLflow\ue001 daily.", "Uses \ue000MLflow\ue001 daily."),
        ("One two three four five.", "two three", "… two three …"),
        ("One two three four five.", "One two", "One two …"),
        ("One two three four five.", "four five", "… four five."),  # the full stop is kept, no ellipsis
        (
            "Uses W&B and MLflow, not CI/CD.",
            "B and \ue000MLflow\ue001, not CI",
            "… W&B and \ue000MLflow\ue001, not CI/CD.",
        ),
        ("Logs (to MLflow) runs.", "to \ue000MLflow\ue001", "… (to \ue000MLflow\ue001) …"),
        ("Text.", "", ""),
        ("Text.", None, ""),
    ],
)
def test_snippets_begin_and_end_on_whole_words(source, headline, snippet):
    marked = {"\\ue000": selectors.MARK_START, "\\ue001": selectors.MARK_STOP}

    def mark(text):
        for escaped, character in marked.items():
            text = text.replace(escaped, character) if text else text
        return text

    assert search_results.snippet(source, mark(headline)) == mark(snippet)


def test_long_descriptions_are_cut_at_words_with_ellipses(client, levels):
    role = make_role(levels)
    words = [f"word{n}" for n in range(120)]
    words[60] = "okapi"
    ExpectationFactory(skill=SkillFactory(name="Long"), role=role, level=levels[0], description=" ".join(words) + ".")
    [hit] = client.get(SEARCH, {"q": "okapi"}).context["results"]
    text = str(hit.snippet_html)
    assert text.startswith("… word") and text.endswith(" …")
    inner = text.removeprefix("… ").removesuffix(" …").replace("<mark>", "").replace("</mark>", "")
    assert " ".join(words).find(inner) > 0  # a run of whole words of the text
    assert "<mark>okapi</mark>" in text
    assert len(inner.split()) <= selectors.SNIPPET["max_words"]


# --- The starter catalog ----------------------------------------------------------------------


def test_a_tool_name_finds_the_skills_whose_expectations_name_it(client, seeded_catalog):
    response = client.get(SEARCH, {"q": "MLflow"})
    hits = response.context["results"]
    assert hits[0].skill.name == "ML Experiment Tracking"
    assert "MLflow" in hits[0].cell.description
    html = response.content.decode()
    assert f'href="{hits[0].cell.get_absolute_url()}"' in html
    cell_page = client.get(hits[0].cell.get_absolute_url())
    assert cell_page.status_code == 200
    assert "MLflow" in cell_page.content.decode()
    for hit in hits:  # every result says where the tool is named
        assert "mlflow" in hit.cell.description.lower()

    terraform = client.get(SEARCH, {"q": "terraform"}).context["results"]
    assert terraform[0].skill.name == "Terraform"
    assert all("terraform" in hit.cell.description.lower() for hit in terraform)


def test_a_roles_name_finds_its_skills_in_the_starter_catalog(client, seeded_catalog):
    role = Role.objects.get(name="Data Scientist")
    response = client.get(SEARCH, {"q": "Data Scientist"})
    assert response.context["roles"][0] == role
    found = {hit.skill.slug for hit in response.context["results"]}
    of_role = set(Expectation.objects.filter(role=role).values_list("skill__slug", flat=True).distinct())
    assert of_role <= found
    assert all(hit.cell.role == role for hit in response.context["results"] if hit.skill.slug in of_role)


# --- Page states ------------------------------------------------------------------------


def test_empty_query_shows_hints_and_popular_skills(client, levels):
    catalog = make_catalog(skills=3, roles=2, levels=levels)
    response = client.get(SEARCH)
    html = response.content.decode()
    assert response.status_code == 200
    assert "How search works" in html
    assert [s.name for s in response.context["popular"]] == sorted(s.name for s in catalog["skills"])
    assert catalog["skills"][0].get_absolute_url() in html
    assert "Nothing matches" not in html


def test_no_result_state(client, zebra):
    response = client.get(SEARCH, {"q": "xylophone"})
    html = response.content.decode()
    assert "Nothing matches “xylophone”" in html
    assert "How search works" not in html


def test_punctuation_only_query_explains_itself(client, db):
    html = client.get(SEARCH, {"q": "&&"}).content.decode()
    assert "punctuation on its own is not searched" in html


def test_results_are_paginated(client, levels):
    make_catalog(skills=25, roles=1, levels=levels)
    first = client.get(SEARCH, {"q": "skill"})
    assert first.context["page"].paginator.count == 25
    assert len(result_names(first)) == 20
    html = first.content.decode()
    assert 'href="?q=skill&amp;page=2"' in html
    second = client.get(SEARCH, {"q": "skill", "page": 2})
    assert len(result_names(second)) == 5
    assert set(result_names(first)).isdisjoint(result_names(second))
    assert second.context["roles"] == []  # roles are listed on the first page only
    assert client.get(SEARCH, {"q": "skill", "page": "abc"}).context["page"].number == 1
    assert client.get(SEARCH, {"q": "skill", "page": 99}).context["page"].number == 2


def test_search_page_has_no_inline_script_or_style(client, zebra):
    for params in [{}, {"q": "zebrafish"}, {"q": "nothing-here"}]:
        html = client.get(SEARCH, params).content.decode()
        assert "<script>" not in html
        assert "style=" not in html


# --- Query counts: the same at 10 and at 500 skills --------------------------------------


@pytest.mark.parametrize("size", [10, 500])
@pytest.mark.parametrize(
    ("params", "queries"),
    [  # each after the catalog's revisions
        ({}, 2),  # popular skills
        ({"q": "skill"}, 5),  # count, page of skills, where each matched, roles
        ({"q": "nomatchatall"}, 3),  # count, roles
    ],
)
def test_search_query_count(client, levels, django_assert_num_queries, size, params, queries):
    make_catalog(skills=size, roles=2, levels=levels)
    with django_assert_num_queries(queries):
        response = client.get(SEARCH, params)
    assert response.status_code == 200
    with django_assert_num_queries(1):  # the same search again: from the cache until the catalog changes
        again = client.get(SEARCH, params)
    assert again.status_code == 200


@pytest.mark.parametrize("size", [30, 500])
def test_search_next_pages_query_count(client, levels, django_assert_num_queries, size):
    make_catalog(skills=size, roles=2, levels=levels)
    with django_assert_num_queries(4):  # revisions, count, page of skills, where each matched (roles: first page)
        response = client.get(SEARCH, {"q": "skill", "page": "2"})
    assert response.context["page"].number == 2


def test_the_search_uses_the_gin_index(levels):
    make_catalog(skills=500, roles=2, levels=levels)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE skills_skillsearch")
        # A test catalog is small enough to scan; switch scans off to show the GIN index serves the match.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
    SkillFactory(name="Okapi Tracking")
    plan = Skill.objects.filter(search__document=selectors.search_query("okapi")).explain()
    assert "skillsearch_document" in plan, plan


# --- The read API's search is the same full-text search -----------------------------------


def test_api_search_is_full_text(zebra):
    api = APIClient()

    def slugs(text):
        response = api.get("/api/skills/", {"search": text})
        assert response.status_code == 200
        return [s["slug"] for s in response.json()["results"]]

    assert slugs("zebraf") == [zebra["name"].slug, zebra["summary"].slug, zebra["description"].slug]
    assert slugs("diet") == [zebra["description"].slug]
    assert slugs("!!!") == []
    assert len(slugs("")) == 4


# --- The documents are kept by the database, whatever writes the catalog ------------------


def document(skill):
    return SkillSearch.objects.get(skill=skill).document


def matches(text):
    return set(selectors.search_skills(selectors.Search.of(text)).values_list("name", flat=True))


def test_skill_document_follows_name_summary_and_cells(levels):
    role = make_role(levels)
    skill = SkillFactory(name="Pangolin", summary="Armadillo facts.")
    assert matches("pangolin") == matches("armadillo") == {"Pangolin"}

    Skill.objects.filter(pk=skill.pk).update(summary="Hedgehog facts.")
    assert matches("armadillo") == set()
    assert matches("hedgehog") == {"Pangolin"}

    cell = ExpectationFactory(skill=skill, role=role, level=levels[0], description="Uses a narwhal.")
    assert matches("narwhal") == {"Pangolin"}
    with connection.cursor() as cursor:  # raw SQL too: the trigger is in the database
        cursor.execute("UPDATE skills_expectation SET description = 'Uses a walrus.' WHERE id = %s", [cell.pk])
    assert matches("narwhal") == set()
    assert matches("walrus") == {"Pangolin"}

    other = SkillFactory(name="Other")
    Expectation.objects.filter(pk=cell.pk).update(skill=other)
    assert matches("walrus") == {"Other"}

    Expectation.objects.filter(pk=cell.pk).delete()
    assert matches("walrus") == set()

    skill.delete()
    assert not SkillSearch.objects.filter(skill_id=skill.pk).exists()
    assert matches("pangolin") == set()


def test_bulk_created_cells_are_searchable(levels):
    catalog = make_catalog(skills=3, roles=2, levels=levels)
    skill = catalog["skills"][0]
    assert "role" in document(skill)  # "Skill N for Role M at Junior." in every cell
    assert set(matches(catalog["roles"][1].name)) == {s.name for s in catalog["skills"]}


def test_a_write_that_changes_no_text_keeps_the_document(levels):
    role = make_role(levels)
    cell = ExpectationFactory(role=role, level=levels[0], description="Keeps a capybara.")
    before = document(cell.skill)
    Expectation.objects.filter(pk=cell.pk).update(required=True)
    assert document(cell.skill) == before


def test_role_document_follows_name_family_and_tagline(db):
    role = RoleFactory(name="Lighthouse Keeper", family="Maritime", tagline="Keeps the lamp lit.")

    def roles(text):
        return set(selectors.search_roles(selectors.search_query(text)).values_list("name", flat=True))

    assert roles("lighthouse") == roles("maritime") == roles("lamp") == {"Lighthouse Keeper"}
    Role.objects.filter(pk=role.pk).update(tagline="Watches the fog.")
    assert roles("lamp") == set()
    assert roles("fog") == {"Lighthouse Keeper"}
    role.delete()
    assert not RoleSearch.objects.exists()


def test_search_documents_stay_out_of_the_audit_trail(levels):
    """The documents are derived data: refreshing them writes no audit rows."""
    from skills import models
    from skills.models import SkillEvent

    cell = ExpectationFactory(role=make_role(levels), level=levels[0])  # "Last updated" is now today
    events = SkillEvent.objects.filter(pgh_obj=cell.skill).count()
    Expectation.objects.filter(pk=cell.pk).update(description="A new text with a tapir.")
    assert "tapir" in document(cell.skill)
    assert SkillEvent.objects.filter(pgh_obj=cell.skill).count() == events
    assert not hasattr(models, "SkillSearchEvent")
    assert not hasattr(models, "RoleSearchEvent")
