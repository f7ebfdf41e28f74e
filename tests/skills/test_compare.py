"""Comparison pages: two levels or two roles of a skill, and two roles' matrices."""

import pytest
from django.urls import reverse

from skills import selectors
from skills.compare import compare_roles, pair_cells
from skills.models import Expectation, Proficiency
from tests.factories import DomainFactory, SkillFactory, SkillGroupFactory, make_catalog, make_role

SEED = "ml-experiment-tracking"

# Anonymous visitors; the numbers do not move with the size of the catalog.
SKILL_COMPARE_QUERIES = 2  # the skill with its group and domain; its cells with role and level
ROLE_COMPARE_QUERIES = 2  # the roles for the form; the two roles' cells with level, skill, group and domain
# An anonymous comparison is counted in the default cache (the database): the client's history read, then
# written (count, savepoint, select, insert or update, release); and the revisions key the stored comparison.
ANON_COMPARE_LIMIT_QUERIES = 6


def skill_compare(slug=SEED, **params):
    return reverse("skills:skill-compare", args=[slug]), params


def text(response) -> str:
    return response.content.decode()


def cell(skill, role, level, description, *, required=False, proficiency=Proficiency.WORKING):
    return Expectation.objects.create(
        skill=skill, role=role, level=level, description=description, required=required, proficiency=proficiency
    )


# ------------------------------------------------------------------ the diff of a pair
def test_a_pair_names_what_differs(levels):
    role = make_role(levels)
    skill = SkillFactory()
    left = cell(skill, role, levels[0], "Logs runs by hand.", proficiency=Proficiency.WORKING)
    right = cell(skill, role, levels[2], "Logs runs automatically.", required=True, proficiency=Proficiency.ADVANCED)
    pair = pair_cells(left, right)
    assert pair.differs and pair.text_changed
    assert [s.text for s in pair.segments if s.is_delete] == ["by hand"]
    assert [s.text for s in pair.segments if s.is_insert] == ["automatically"]
    assert pair.changes == ["Optional → required", "Proficiency: Working → Advanced"]


def test_a_pair_of_one_cell_and_nothing(levels):
    role = make_role(levels)
    only = cell(SkillFactory(), role, levels[0], "Text.")
    assert pair_cells(only, None).changes == ["Only on the left"]
    assert pair_cells(None, only).changes == ["Only on the right"]
    assert not pair_cells(only, only).differs


# ------------------------------------------------------------------ skill: two levels
def test_two_levels_side_by_side_with_a_word_diff(client, seeded_catalog):
    response = client.get(reverse("skills:skill-compare", args=[SEED]), {"a": "junior", "b": "senior"})
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [row.subject.slug for row in rows] == ["data-scientist", "llm-engineer"]
    first = rows[0].pair
    assert (first.left.level.slug, first.right.level.slug) == ("junior", "senior")
    assert first.left.role.slug == first.right.role.slug == "data-scientist"
    page = text(response)
    assert "Junior beside Senior" in page
    assert "<del>" in page and "<ins>" in page
    # The seed's junior cells are "working", its senior cells "advanced": the badge says so.
    assert "Proficiency: Working → Advanced" in page
    assert reverse("skills:cell", args=[SEED, "data-scientist", "senior"]) in page


def test_required_difference_is_shown(client, levels):
    role = make_role(levels, name="Tester")
    skill = SkillFactory()
    cell(skill, role, levels[0], "Writes a test.")
    cell(skill, role, levels[1], "Writes a test.", required=True)
    response = client.get(reverse("skills:skill-compare", args=[skill.slug]), {"a": "junior", "b": "middle"})
    assert response.status_code == 200
    assert "Optional → required" in text(response)
    assert "Same text." in text(response)


def test_a_role_missing_at_one_level_is_said(client, levels):
    lead = make_role(levels[2:], name="Lead")
    dev = make_role(levels, name="Developer")
    skill = SkillFactory()
    cell(skill, dev, levels[0], "Junior developer text.")
    cell(skill, dev, levels[2], "Senior developer text.")
    cell(skill, lead, levels[2], "Senior lead text.")
    response = client.get(reverse("skills:skill-compare", args=[skill.slug]), {"a": "junior", "b": "senior"})
    rows = {row.subject.name: row.pair for row in response.context["rows"]}
    assert rows["Lead"].left is None and rows["Lead"].changes == ["Only on the right"]
    assert "Nothing is described here." in text(response)


# ------------------------------------------------------------------ skill: two roles
def test_two_roles_per_level(client, seeded_catalog):
    response = client.get(
        reverse("skills:skill-compare", args=[SEED]), {"role_a": "data-scientist", "role_b": "llm-engineer"}
    )
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [row.subject.slug for row in rows] == ["junior", "middle", "senior", "lead", "principal"]
    for row in rows:
        assert row.pair.left.role.slug == "data-scientist"
        assert row.pair.right.role.slug == "llm-engineer"
        assert row.pair.left.level == row.pair.right.level == row.subject
    page = text(response)
    assert "Data Scientist beside LLM Engineer" in page
    assert "<ins>" in page


def test_same_level_twice_is_an_identical_choice(client, seeded_catalog):
    response = client.get(reverse("skills:skill-compare", args=[SEED]), {"a": "middle", "b": "middle"})
    assert response.status_code == 200
    assert "Identical choice" in text(response)
    assert all(not row.pair.differs for row in response.context["rows"])
    assert "<ins>" not in text(response)


def test_same_role_twice_is_an_identical_choice(client, seeded_catalog):
    params = {"role_a": "llm-engineer", "role_b": "llm-engineer"}
    response = client.get(reverse("skills:skill-compare", args=[SEED]), params)
    assert response.status_code == 200
    assert "Identical choice" in text(response)


# ------------------------------------------------------------------ skill: the form and bad input
def test_without_parameters_the_form_and_an_explanation(client, seeded_catalog):
    response = client.get(reverse("skills:skill-compare", args=[SEED]))
    assert response.status_code == 200
    page = text(response)
    assert 'name="a"' in page and 'name="b"' in page and 'name="role_a"' in page and 'name="role_b"' in page
    assert '<option value="principal">Principal</option>' in page
    assert '<option value="llm-engineer">LLM Engineer</option>' in page
    assert "Choose two levels, or two roles" in page
    assert "rows" not in response.context
    assert "field__errors" not in page


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"a": "junior"}, "Choose a level for each side."),
        ({"role_b": "data-scientist"}, "Choose a role for each side."),
    ],
)
def test_one_side_only_keeps_the_choice_and_asks_for_the_other(client, seeded_catalog, params, message):
    response = client.get(reverse("skills:skill-compare", args=[SEED]), params)
    assert response.status_code == 200
    page = text(response)
    assert message in page
    value = next(iter(params.values()))
    assert f'<option value="{value}" selected>' in page
    assert "rows" not in response.context


@pytest.mark.parametrize(
    "params",
    [
        {"a": "junior", "b": "no-such-level"},
        {"a": "<script>", "b": "junior"},
        {"role_a": "data-scientist", "role_b": "backend-developer"},  # a role, but not one of this skill
        {"a": "junior", "b": "x" * 5000},
        {"a": "junior\x00", "b": "senior"},
    ],
)
def test_unknown_choices_answer_400_with_the_form(client, seeded_catalog, params):
    response = client.get(reverse("skills:skill-compare", args=[SEED]), params)
    assert response.status_code == 400
    page = text(response)
    assert "field__errors" in page
    assert "This skill has no such" in page
    assert "<script>" not in page


def test_levels_and_roles_at_once_answer_400(client, seeded_catalog):
    params = {"a": "junior", "b": "senior", "role_a": "data-scientist", "role_b": "llm-engineer"}
    response = client.get(reverse("skills:skill-compare", args=[SEED]), params)
    assert response.status_code == 400
    assert "Compare either two levels or two roles" in text(response)


def test_unknown_skill_is_404(client, db):
    assert client.get(reverse("skills:skill-compare", args=["no-such-skill"])).status_code == 404


def test_a_skill_without_cells_says_there_is_nothing_to_compare(client, levels):
    skill = SkillFactory()
    response = client.get(reverse("skills:skill-compare", args=[skill.slug]))
    assert response.status_code == 200
    assert "nothing to compare" in text(response)


# ------------------------------------------------------------------ roles: two matrices
@pytest.fixture
def two_roles(levels):
    """Two roles sharing two skills (one the same at every level, one not), each with a skill of its own."""
    domain = DomainFactory(name="Testing")
    group = SkillGroupFactory(domain=domain)
    a = make_role(levels, name="Alpha Engineer", slug="alpha")
    b = make_role(levels, name="Beta Engineer", slug="beta")
    same, different, only_a, only_b = (
        SkillFactory(group=group, name=name) for name in ("Same", "Different", "Only Alpha", "Only Beta")
    )
    for level in levels[:3]:
        cell(same, a, level, f"Same text at {level.name}.")
        cell(same, b, level, f"Same text at {level.name}.")
    cell(different, a, levels[0], "Writes unit tests.")
    cell(different, b, levels[0], "Writes unit tests and property tests.")
    cell(different, a, levels[1], "Reviews tests.", proficiency=Proficiency.WORKING)
    cell(different, b, levels[1], "Reviews tests.", proficiency=Proficiency.EXPERT, required=True)
    cell(different, a, levels[2], "Designs the test strategy.")  # only Alpha at Senior
    cell(different, a, levels[3], "Leads testing.")
    cell(different, b, levels[3], "Leads testing.")  # the same: not listed
    cell(only_a, a, levels[0], "Alpha only.")
    cell(only_b, b, levels[4], "Beta only.")
    return {"a": a, "b": b, "same": same, "different": different, "only_a": only_a, "only_b": only_b}


def test_compare_roles_finds_skills_of_one_role_and_cells_that_differ(two_roles):
    a, b = two_roles["a"], two_roles["b"]
    comparison = compare_roles(a=a, b=b, cells=selectors.two_roles_cells(a=a, b=b))
    [domain] = comparison.domains
    assert domain.only_a == [two_roles["only_a"]]
    assert domain.only_b == [two_roles["only_b"]]
    assert domain.same_count == 1
    [difference] = domain.different
    assert difference.skill == two_roles["different"]
    assert [item.level.slug for item in difference.levels] == ["junior", "middle", "senior"]
    junior, middle, senior = (item.pair for item in difference.levels)
    assert [s.text for s in junior.segments if s.is_insert] == [" and property tests"]
    assert middle.changes == ["Optional → required", "Proficiency: Working → Expert"]
    assert senior.right is None and senior.changes == ["Only on the left"]
    assert (comparison.only_a_count, comparison.only_b_count) == (1, 1)
    assert (comparison.shared_count, comparison.different_count, comparison.cell_difference_count) == (2, 1, 3)


def test_role_compare_page(client, two_roles):
    response = client.get(reverse("skills:role-compare"), {"a": "alpha", "b": "beta"})
    assert response.status_code == 200
    page = text(response)
    assert "Alpha Engineer and Beta Engineer" in page
    assert "Only Alpha Engineer" in page and "Only Beta Engineer" in page
    assert two_roles["only_a"].get_absolute_url() in page
    assert "Different · Junior" in page and "Different · Lead / Staff" not in page
    assert "Same · Junior" not in page
    assert "<ins>" in page
    assert "1 shared skill with the same expectations" in page
    assert reverse("skills:cell", args=[two_roles["different"].slug, "alpha", "junior"]) in page


def test_role_compare_same_role_twice(client, two_roles):
    response = client.get(reverse("skills:role-compare"), {"a": "alpha", "b": "alpha"})
    assert response.status_code == 200
    comparison = response.context["comparison"]
    assert comparison.different_count == comparison.only_a_count == comparison.only_b_count == 0
    assert comparison.shared_count == 3
    assert "Identical choice" in text(response)


def test_role_compare_form_without_parameters(client, two_roles):
    response = client.get(reverse("skills:role-compare"))
    assert response.status_code == 200
    page = text(response)
    assert '<option value="alpha">Alpha Engineer</option>' in page
    assert "Choose two roles above" in page
    assert "field__errors" not in page


def test_role_compare_with_one_role_keeps_it(client, two_roles):
    response = client.get(reverse("skills:role-compare"), {"a": "alpha"})
    assert response.status_code == 200
    assert '<option value="alpha" selected>' in text(response)
    assert "Choose a role for each side." in text(response)


@pytest.mark.parametrize("params", [{"a": "alpha", "b": "nobody"}, {"a": "x" * 3000, "b": "beta"}, {"b": "a\x00"}])
def test_role_compare_unknown_role_is_400(client, two_roles, params):
    response = client.get(reverse("skills:role-compare"), params)
    assert response.status_code == 400
    assert "There is no such role" in text(response)


def test_role_compare_comes_before_role_pages(two_roles):
    assert reverse("skills:role-compare") == "/roles/compare/"


# ------------------------------------------------------------------ query counts
@pytest.mark.parametrize("size", [2, 40])
def test_skill_compare_query_count(client, levels, django_assert_num_queries, size):
    catalog = make_catalog(skills=2, roles=size, levels=levels)
    skill = catalog["skills"][0]
    url = reverse("skills:skill-compare", args=[skill.slug])
    with django_assert_num_queries(SKILL_COMPARE_QUERIES):
        response = client.get(url, {"a": "junior", "b": "principal"})
    assert len(response.context["rows"]) == size
    roles = catalog["roles"]
    with django_assert_num_queries(SKILL_COMPARE_QUERIES):
        response = client.get(url, {"role_a": roles[0].slug, "role_b": roles[-1].slug})
    assert len(response.context["rows"]) == len(levels)


@pytest.mark.parametrize("size", [3, 120])
def test_role_compare_query_count(client, levels, django_assert_num_queries, size):
    catalog = make_catalog(skills=size, roles=2, levels=levels)
    a, b = catalog["roles"]
    with django_assert_num_queries(ANON_COMPARE_LIMIT_QUERIES + 1 + ROLE_COMPARE_QUERIES):
        response = client.get(reverse("skills:role-compare"), {"a": a.slug, "b": b.slug})
    assert response.status_code == 200
    # make_catalog writes the role's name into every cell: every shared cell differs.
    assert response.context["comparison"].cell_difference_count == size * len(levels)
    # Then the stored comparison until the catalog changes: the roles for the form only.
    with django_assert_num_queries(ANON_COMPARE_LIMIT_QUERIES + 1 + 1):
        again = client.get(reverse("skills:role-compare"), {"a": a.slug, "b": b.slug})
    assert again.content == response.content.replace(
        response.context["csrf_token"].encode(), again.context["csrf_token"].encode()
    )


# ------------------------------------------------------------------ links to the pages
def test_skill_role_and_roles_pages_link_to_compare_and_csv(client, seeded_catalog):
    skill_page = text(client.get(reverse("skills:skill", args=[SEED])))
    assert f'href="{reverse("skills:skill-compare", args=[SEED])}"' in skill_page
    assert f'href="{reverse("skills:skill-csv", args=[SEED])}"' in skill_page
    role_page = text(client.get(reverse("skills:role", args=["data-scientist"])))
    assert f'href="{reverse("skills:role-compare")}?a=data-scientist"' in role_page
    assert f'href="{reverse("skills:role-csv", args=["data-scientist"])}"' in role_page
    assert f'href="{reverse("skills:role-compare")}"' in text(client.get(reverse("skills:roles")))
