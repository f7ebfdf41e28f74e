"""Comparison pages: two levels or two roles of a skill, and two roles' matrices."""

import pytest
from django.urls import reverse

from skills import selectors
from skills.compare import compare_roles, level_pair, role_pair
from skills.models import Expectation, Proficiency
from skills.templatetags.markdown_tags import markdown_filter as markdown
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


# ------------------------------------------------------------------ what differs, in words
def test_two_levels_of_a_role_say_what_changes(levels):
    role = make_role(levels)
    skill = SkillFactory()
    left = cell(skill, role, levels[0], "Logs runs by hand.", proficiency=Proficiency.WORKING)
    right = cell(skill, role, levels[2], "Logs runs automatically.", required=True, proficiency=Proficiency.ADVANCED)
    pair = level_pair(left, right, to=levels[2])
    assert pair.differs
    assert pair.changes == ["Becomes required", "Proficiency rises from Working to Advanced", "New text at Senior"]
    assert pair.segments == []  # the redline is made only when asked for
    redlined = level_pair(left, right, to=levels[2], redline=True)
    assert [s.text for s in redlined.segments if s.is_delete] == ["by hand"]
    assert [s.text for s in redlined.segments if s.is_insert] == ["automatically"]
    back = level_pair(right, left, to=levels[0])
    assert back.changes == ["Becomes optional", "Proficiency falls from Advanced to Working", "New text at Junior"]


def test_a_skill_new_at_or_dropped_from_a_level_is_said(levels):
    role = make_role(levels)
    only = cell(SkillFactory(), role, levels[0], "Text.")
    assert level_pair(None, only, to=levels[0]).changes == ["New at Junior"]
    assert level_pair(only, None, to=levels[1]).changes == ["Not listed at Middle"]
    same = level_pair(only, only, to=levels[0])
    assert not same.differs and same.changes == ["No change"]


def test_two_roles_at_a_level_say_how_they_differ_without_a_word_diff(levels):
    a, b = make_role(levels, name="Alpha"), make_role(levels, name="Beta")
    skill = SkillFactory()
    left = cell(skill, a, levels[1], "Reviews tests.", required=True, proficiency=Proficiency.WORKING)
    right = cell(skill, b, levels[1], "Reviews the tests.", proficiency=Proficiency.EXPERT)
    pair = role_pair(left, right, a=a, b=b)
    assert pair.differs and pair.segments == []
    assert pair.changes == ["Required for Alpha only", "Higher proficiency for Beta: Expert rather than Working"]
    assert role_pair(left, None, a=a, b=b).changes == ["Expected of Alpha only"]
    assert role_pair(None, right, a=a, b=b).changes == ["Expected of Beta only"]
    alike = role_pair(left, left, a=a, b=a)
    assert not alike.differs
    assert alike.changes == ["Required and proficiency are the same", "The same text for both"]


# ------------------------------------------------------------------ skill: two levels
def test_two_levels_side_by_side_in_full_with_what_changed_in_words(client, seeded_catalog):
    response = client.get(reverse("skills:skill-compare", args=[SEED]), {"a": "junior", "b": "senior"})
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [row.subject.slug for row in rows] == ["data-scientist", "llm-engineer"]
    first = rows[0].pair
    assert (first.left.level.slug, first.right.level.slug) == ("junior", "senior")
    assert first.left.role.slug == first.right.role.slug == "data-scientist"
    page = text(response)
    assert "Junior beside Senior" in page
    # Both texts in full, as the skill page renders them; no redline unless asked for.
    for row in rows:
        assert markdown(row.pair.left.description) in page
        assert markdown(row.pair.right.description) in page
    assert "<del>" not in page and "<ins>" not in page
    # The seed's junior Data Scientist is "working", its senior "advanced": said in words.
    assert "<li>Proficiency rises from Working to Advanced</li>" in page
    assert "<li>Proficiency rises from Awareness to Advanced</li>" in page
    assert "<li>New text at Senior</li>" in page
    assert reverse("skills:cell", args=[SEED, "data-scientist", "senior"]) in page
    assert 'href="?a=junior&amp;b=senior&amp;redline=1#results">Show word-by-word changes</a>' in page


def test_the_word_redline_is_there_when_asked_for(client, seeded_catalog):
    params = {"a": "junior", "b": "senior", "redline": "1"}
    response = client.get(reverse("skills:skill-compare", args=[SEED]), params)
    assert response.status_code == 200
    page = text(response)
    assert all(row.pair.segments for row in response.context["rows"])
    assert page.count('<p class="diff redline" lang="en">') == 2
    assert "<del>" in page and "<ins>" in page
    assert 'href="?a=junior&amp;b=senior#results">Hide word-by-word changes</a>' in page
    # The level form keeps the choice of a redline when other levels are chosen.
    assert '<input type="hidden" name="redline" value="1">' in page
    # The texts are still there in full beside it.
    assert markdown(response.context["rows"][0].pair.right.description) in page


def test_required_difference_is_shown(client, levels):
    role = make_role(levels, name="Tester")
    skill = SkillFactory()
    cell(skill, role, levels[0], "Writes a test.")
    cell(skill, role, levels[1], "Writes a test.", required=True)
    response = client.get(reverse("skills:skill-compare", args=[skill.slug]), {"a": "junior", "b": "middle"})
    assert response.status_code == 200
    assert response.context["rows"][0].pair.changes == ["Becomes required"]
    assert "<li>Becomes required</li>" in text(response)


def test_a_role_missing_at_one_level_is_said(client, levels):
    lead = make_role(levels[2:], name="Lead")
    dev = make_role(levels, name="Developer")
    skill = SkillFactory()
    cell(skill, dev, levels[0], "Junior developer text.")
    cell(skill, dev, levels[2], "Senior developer text.")
    cell(skill, lead, levels[2], "Senior lead text.")
    cell(skill, lead, levels[3], "Lead lead text.")
    response = client.get(reverse("skills:skill-compare", args=[skill.slug]), {"a": "junior", "b": "senior"})
    rows = {row.subject.name: row.pair for row in response.context["rows"]}
    assert rows["Lead"].left is None and rows["Lead"].changes == ["New at Senior"]
    assert "Nothing is described here." in text(response)
    response = client.get(reverse("skills:skill-compare", args=[skill.slug]), {"a": "senior", "b": "lead"})
    rows = {row.subject.name: row.pair for row in response.context["rows"]}
    assert rows["Developer"].right is None and rows["Developer"].changes == ["Not listed at Lead / Staff"]


# ------------------------------------------------------------------ skill: two roles
@pytest.mark.parametrize("redline", [None, "1"])
def test_two_roles_per_level_in_words_and_never_a_word_diff(client, seeded_catalog, redline):
    params = {"role_a": "data-scientist", "role_b": "llm-engineer"} | ({"redline": redline} if redline else {})
    response = client.get(reverse("skills:skill-compare", args=[SEED]), params)
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [row.subject.slug for row in rows] == ["junior", "middle", "senior", "lead", "principal"]
    for row in rows:
        assert row.pair.left.role.slug == "data-scientist"
        assert row.pair.right.role.slug == "llm-engineer"
        assert row.pair.left.level == row.pair.right.level == row.subject
        assert row.pair.segments == []
    page = text(response)
    assert "Data Scientist beside LLM Engineer" in page
    assert "<ins>" not in page and "<del>" not in page and "word-by-word" not in page
    assert "<li>Higher proficiency for Data Scientist: Working rather than Awareness</li>" in page
    assert "<li>Required and proficiency are the same</li>" in page
    assert markdown(rows[0].pair.right.description) in page


def test_same_level_twice_is_an_identical_choice(client, seeded_catalog):
    response = client.get(reverse("skills:skill-compare", args=[SEED]), {"a": "middle", "b": "middle"})
    assert response.status_code == 200
    assert "Identical choice" in text(response)
    assert all(not row.pair.differs for row in response.context["rows"])
    assert "<li>No change</li>" in text(response)
    assert "<ins>" not in text(response)


def test_same_role_twice_is_an_identical_choice(client, seeded_catalog):
    params = {"role_a": "llm-engineer", "role_b": "llm-engineer"}
    response = client.get(reverse("skills:skill-compare", args=[SEED]), params)
    assert response.status_code == 200
    assert "Identical choice" in text(response)
    assert all(not row.pair.differs for row in response.context["rows"])


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


def test_compare_roles_finds_skills_of_one_role_and_levels_that_differ(two_roles):
    a, b = two_roles["a"], two_roles["b"]
    comparison = compare_roles(a=a, b=b, cells=selectors.two_roles_cells(a=a, b=b))
    [only_a], [only_b] = comparison.only_a, comparison.only_b
    assert (only_a.skill, [c.level.slug for c in only_a.cells]) == (two_roles["only_a"], ["junior"])
    assert (only_b.skill, [c.level.slug for c in only_b.cells]) == (two_roles["only_b"], ["principal"])
    assert comparison.alike == [two_roles["same"]]
    [difference] = comparison.different
    assert difference.skill == two_roles["different"]
    # Junior differs in words only, and Lead not at all: two roles' texts are not compared.
    assert [item.level.slug for item in difference.levels] == ["middle", "senior"]
    middle, senior = difference.levels
    assert middle.required_differs and middle.proficiency_differs
    assert senior.right is None and not senior.required_differs and not senior.proficiency_differs
    assert (comparison.shared_count, comparison.level_difference_count) == (2, 2)


def test_role_compare_page_is_a_grid_with_both_texts_behind_each_row(client, two_roles):
    response = client.get(reverse("skills:role-compare"), {"a": "alpha", "b": "beta"})
    assert response.status_code == 200
    page = text(response)
    assert "Alpha Engineer and Beta Engineer" in page
    assert "Only Alpha Engineer: 1 skill" in page and "Only Beta Engineer: 1 skill" in page
    assert reverse("skills:cell", args=[two_roles["only_a"].slug, "alpha", "junior"]) in page
    assert reverse("skills:cell", args=[two_roles["only_b"].slug, "beta", "principal"]) in page
    assert "In both, expected differently: 1 skill" in page
    assert "In both, expected alike: 1 skill" in page
    different = two_roles["different"]
    grid = page[page.index(f'<tbody id="both-{different.slug}">') :]
    grid = grid[: grid.index("</tbody>")]
    assert grid.count("<td>Middle</td>") == grid.count("<td>Senior</td>") == 1
    assert "Not expected" in grid
    assert '<span class="flag flag--required">Required</span>' in grid
    assert '<span class="prof prof--expert">Expert</span>' in grid
    # Behind the row: each role's text at the levels that differ, and no word diff between them.
    details = grid[grid.index('<details class="compare-texts">') : grid.index("</details>")]
    assert details.count(str(markdown("Reviews tests."))) == 2
    assert str(markdown("Designs the test strategy.")) in details
    assert "Writes unit tests" not in page
    assert "<ins>" not in page and "<del>" not in page
    both = "?role_a=alpha&amp;role_b=beta#results"
    assert f"{reverse('skills:skill-compare', args=[different.slug])}{both}" in details
    assert f'{reverse("skills:skill-compare", args=[two_roles["same"].slug])}{both}">Same</a>' in page


def test_role_compare_same_role_twice(client, two_roles):
    response = client.get(reverse("skills:role-compare"), {"a": "alpha", "b": "alpha"})
    assert response.status_code == 200
    comparison = response.context["comparison"]
    assert comparison.different == comparison.only_a == comparison.only_b == []
    assert comparison.shared_count == len(comparison.alike) == 3
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
    for redline in ("", "1"):
        with django_assert_num_queries(SKILL_COMPARE_QUERIES):
            response = client.get(url, {"a": "junior", "b": "principal", "redline": redline})
        assert len(response.context["rows"]) == size
    roles = catalog["roles"]
    with django_assert_num_queries(SKILL_COMPARE_QUERIES):
        response = client.get(url, {"role_a": roles[0].slug, "role_b": roles[-1].slug})
    assert len(response.context["rows"]) == len(levels)


@pytest.mark.parametrize("size", [3, 120])
def test_role_compare_query_count(client, levels, django_assert_num_queries, size):
    catalog = make_catalog(skills=size, roles=2, levels=levels)
    a, b = catalog["roles"]
    Expectation.objects.filter(role=b, level=levels[0]).update(required=True)  # every skill differs at Junior
    with django_assert_num_queries(ANON_COMPARE_LIMIT_QUERIES + 1 + ROLE_COMPARE_QUERIES):
        response = client.get(reverse("skills:role-compare"), {"a": a.slug, "b": b.slug})
    assert response.status_code == 200
    comparison = response.context["comparison"]
    assert (len(comparison.different), comparison.level_difference_count) == (size, size)
    assert text(response).count('<details class="compare-texts">') == size
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
