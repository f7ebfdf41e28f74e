"""Skill-side pages: home, skill profile with the level picker, cell detail, history, errors."""

import datetime
import html as html_lib
import re

import pytest
from django.template.loader import render_to_string

from skills.audit import audit_context
from skills.models import Expectation, Level, Proficiency, Role, RoleLevel, Skill
from skills.services import CellChange, cell_save
from tests.factories import DomainFactory, SkillFactory, SkillGroupFactory, make_role

SEED = "/skills/ml-experiment-tracking/"

# Anonymous visitors; the numbers do not move with the size of the catalog.
HOME_QUERIES = 5  # the revisions; domains, groups, skills with counts, roles with counts
# the revisions; skill with taxonomy and counts, its cells with role and level; watchers, proposals, comments
SKILL_QUERIES = 6
SKILL_QUERIES_CACHED = 1  # the revisions: both parts of the page come from the fragment cache
CELL_QUERIES = 4  # cell with skill/role/level, the role's other levels, the cell's audit events, its proposals
HISTORY_QUERIES = 5  # skill, event count, event page, roles named on the page, levels


def html(response) -> str:
    return response.content.decode()


def squash(text: str) -> str:
    """The page's text without tags and with single spaces, to compare with the source document."""
    text = re.sub(r"<[^>]+>", " ", text)
    return re.sub(r"\s+", " ", html_lib.unescape(text))


def bulk_catalog(*, levels: list[Level], skills: int, roles: int = 2) -> dict:
    """A catalog built with bulk inserts.

    Every skill has the first role's cells at every level; the first skill has
    every role's cells, so that it grows with `roles` while the rest stays cheap.
    """
    group = SkillGroupFactory(domain=DomainFactory())
    role_objs = Role.objects.bulk_create(
        Role(name=f"Bulk role {i:03}", slug=f"bulk-role-{i}", family=f"Family {i % 3}") for i in range(roles)
    )
    RoleLevel.objects.bulk_create(RoleLevel(role=role, level=level) for role in role_objs for level in levels)
    skill_objs = Skill.objects.bulk_create(
        Skill(
            group=group,
            name=f"Bulk skill {i:04}",
            slug=f"bulk-skill-{i}",
            summary="Built in bulk.",
            updated=datetime.date(2026, 2, 22),
        )
        for i in range(skills)
    )
    Expectation.objects.bulk_create(
        Expectation(
            skill=skill,
            role=role,
            level=level,
            description=f"{role.name} does {skill.name} at {level.name}.",
            required=level.position >= 3,
            proficiency=Proficiency.values[min(level.position - 1, 3)],
        )
        for index, skill in enumerate(skill_objs)
        for role in (role_objs if index == 0 else role_objs[:1])
        for level in levels
    )
    return {"group": group, "roles": role_objs, "skills": skill_objs}


def cell(skill, role, level, description, *, required=False, proficiency=Proficiency.WORKING):
    return Expectation.objects.create(
        skill=skill, role=role, level=level, description=description, required=required, proficiency=proficiency
    )


# ------------------------------------------------------------------ skill profile
def test_seed_skill_profile_as_the_source_shows_it(client, seeded_catalog):
    response = client.get(SEED)
    assert response.status_code == 200
    page = html(response)
    text = squash(page)
    assert "<h1>ML Experiment Tracking</h1>" in page
    assert "This skill defines expectations across roles and levels." in text
    assert 'class="badge badge--domain">Machine Learning &amp; AI<' in page
    assert 'class="badge">MLOps<' in page
    # The stat cards, in the source's words and counts (DESIGN section 2).
    assert "Roles 2 where this skill appears" in text
    assert "Levels 5 structured growth path" in text
    assert "Mandatory requirements 0 the other 10 optional" in text
    assert "Domain Machine Learning & AI" in text
    assert "Group MLOps" in text
    assert "Last updated February 22, 2026" in text
    assert '<time datetime="2026-02-22">' in page
    assert "How to Use" in text
    assert "Choose your current level and compare expectations." in text
    assert "What is Expected at Each Level" in text
    assert "The table shows how skill depth grows from Junior to Principal. Click a row to see details." in text
    for description in Expectation.objects.filter(skill__slug="ml-experiment-tracking").values_list(
        "description", flat=True
    ):
        assert description in text


def test_seed_skill_has_one_table_per_level_with_headers(client, seeded_catalog):
    page = html(client.get(SEED))
    assert page.count('<table class="data-table level-table') == 5
    assert page.count('<th scope="col">Role</th>') == 5
    for header in ("Required", "Proficiency", "Description"):
        assert page.count(f'<th scope="col">{header}</th>') == 5
    assert page.count('<th scope="row">') == 10
    headings = re.findall(r'<h3 class="level-section__title" id="level-([a-z-]+)-title">', page)
    assert headings == ["junior", "middle", "senior", "lead", "principal"]


def test_every_row_links_to_its_cell(client, seeded_catalog):
    page = html(client.get(SEED))
    for role in ("data-scientist", "llm-engineer"):
        for level in ("junior", "middle", "senior", "lead", "principal"):
            url = f"/skills/ml-experiment-tracking/{role}/{level}/"
            assert f'<tr data-href="{url}">' in page
            assert f'<a class="row-link__target" href="{url}">' in page
    assert 'src="/static/js/level-picker.js"' in page


def test_community_placeholder_is_left_for_the_proposals_app(client, seeded_catalog):
    page = html(client.get(SEED))
    assert '<section id="community" class="section" aria-labelledby="community-title">' in page
    assert '<h2 id="community-title">Community</h2>' in page


def test_last_updated_is_a_localized_date(client, seeded_catalog):
    page = html(client.get(SEED, HTTP_ACCEPT_LANGUAGE="de"))
    assert "22. Februar 2026" in page


def test_counts_follow_the_design_definitions(client, levels):
    skill = SkillFactory()
    backend, lead = make_role(levels), make_role(levels[2:])
    cell(skill, backend, levels[0], "One.", required=True)
    cell(skill, backend, levels[2], "Two.")
    cell(skill, lead, levels[2], "Three.", required=True)
    cell(skill, lead, levels[3], "Four.")
    text = squash(html(client.get(skill.get_absolute_url())))
    assert "Roles 2 where" in text
    assert "Levels 3 structured" in text  # junior, senior, lead: levels with at least one cell
    assert "Mandatory requirements 2 the other 2 optional" in text


def test_a_skill_without_cells_renders(client, levels):
    skill = SkillFactory()
    response = client.get(skill.get_absolute_url())
    assert response.status_code == 200
    assert "No expectations are described for this skill yet." in html(response)


def test_unknown_skill_gets_the_friendly_404(client, db):
    response = client.get("/skills/no-such-skill/")
    assert response.status_code == 404
    page = html(response)
    assert "We could not find that page" in page
    assert 'action="/search/"' in page
    assert '<main id="main"' in page


# --------------------------------------------------------------------- level picker
def test_level_picker_is_a_plain_get_form(client, seeded_catalog):
    page = html(client.get(SEED))
    form = re.search(r'<form class="level-picker" method="get"[^>]*>.*?</form>', page, re.S).group(0)
    assert '<select id="level-select" name="level"' in form
    assert '<button type="submit"' in form
    assert re.findall(r'<option value="([a-z]+)"', form) == ["junior", "middle", "senior", "lead", "principal"]
    assert 'id="compare"' not in page


def test_chosen_level_is_shown_beside_the_next_with_a_word_diff(client, seeded_catalog):
    response = client.get(SEED, {"level": "middle"})
    assert response.status_code == 200
    page = html(response)
    text = squash(page)
    assert "From Middle to Senior" in text
    assert '<option value="middle" selected>' in page
    assert 'class="level-section level-section--current" id="level-middle"' in page
    assert 'class="level-section level-section--next" id="level-senior"' in page
    compare = page[page.index('id="compare"') : page.index('id="levels-title"')]
    assert compare.count('class="compare__role"') == 2
    assert "<del>" in compare
    assert "<ins>" in compare
    # The Data Scientist's Senior text gains "Designs enterprise" and loses "Independently builds".
    assert re.search(r"<del><span[^>]*>removed: </span>Independently builds</del>", compare)
    assert re.search(r"<ins><span[^>]*>added: </span>Designs enterprise</ins>", compare)
    assert "Proficiency: Working → Advanced" in compare


def test_required_items_come_first_and_flag_changes_are_named(client, levels):
    skill = SkillFactory()
    optional_role = make_role(levels, name="Alpha Optional")
    required_role = make_role(levels, name="Zulu Required")
    new_role = make_role(levels, name="Mike New")
    for role in (optional_role, required_role):
        cell(skill, role, levels[1], "Writes tests for the code.", proficiency=Proficiency.WORKING)
    cell(skill, optional_role, levels[2], "Writes tests for all code.", proficiency=Proficiency.WORKING)
    cell(skill, required_role, levels[2], "Designs tests for all code.", required=True, proficiency="advanced")
    cell(skill, new_role, levels[2], "Starts at Senior.")
    page = html(client.get(skill.get_absolute_url(), {"level": "middle"}))
    order = re.findall(r'<h3 id="compare-([a-z0-9-]+)">', page)
    assert order == [required_role.slug, optional_role.slug, new_role.slug]
    text = squash(page)
    assert "Becomes required" in text
    assert "Proficiency: Working → Advanced" in text
    assert "New for this role at Senior" in text


def test_top_level_says_there_is_no_next_level(client, seeded_catalog):
    response = client.get(SEED, {"level": "principal"})
    assert response.status_code == 200
    text = squash(html(response))
    assert "Principal is the top level for this skill: there is no next level." in text
    assert "Next level" not in text


def test_unknown_level_gets_a_clear_message_not_an_error(client, seeded_catalog):
    response = client.get(SEED, {"level": '<script>alert("x")</script>'})
    assert response.status_code == 200
    page = html(response)
    assert "There is no level “&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;” for this skill." in page
    assert '<script>alert("x")' not in page
    assert 'href="?level=junior#compare"' in page
    assert 'id="compare-title"' not in page


def test_a_level_the_skill_does_not_use_is_unknown_to_it(client, levels):
    skill = SkillFactory()
    cell(skill, make_role(levels), levels[0], "Only junior.")
    response = client.get(skill.get_absolute_url(), {"level": "senior"})
    assert response.status_code == 200
    assert "There is no level “senior” for this skill." in html(response)


# ---------------------------------------------------------------------- cell detail
def test_cell_detail_shows_text_flags_and_links(client, levels):
    skill = SkillFactory(name="Testing", slug="testing")
    role = make_role(levels, name="QA Engineer", slug="qa-engineer")
    text = "Writes **unit tests**. See [docs](https://example.com) <script>alert(1)</script>"
    cell(skill, role, levels[1], text, required=True, proficiency=Proficiency.ADVANCED)
    cell(skill, role, levels[2], "Senior text.")
    response = client.get("/skills/testing/qa-engineer/middle/")
    assert response.status_code == 200
    page = html(response)
    assert "<strong>unit tests</strong>" in page
    assert '<a href="https://example.com" rel="nofollow noopener">docs</a>' in page
    assert "<script>alert(1)" not in page
    assert 'class="flag flag--required">Required<' in page
    assert 'class="prof prof--advanced">Advanced<' in page
    assert 'href="/roles/qa-engineer/"' in page
    assert 'href="/skills/testing/"' in page
    assert 'href="/skills/testing/?level=middle#compare"' in page
    assert '<a href="/skills/testing/qa-engineer/middle/" aria-current="page">Middle</a>' in page
    assert 'href="/skills/testing/qa-engineer/senior/"' in page


@pytest.mark.parametrize(
    "url",
    [
        "/skills/testing/qa-engineer/wizard/",
        "/skills/testing/nobody/middle/",
        "/skills/nothing/qa-engineer/middle/",
        "/skills/testing/qa-engineer/junior/",  # the role has the level, the skill has no cell there
    ],
)
def test_missing_cells_are_404(client, levels, url):
    skill = SkillFactory(name="Testing", slug="testing")
    cell(skill, make_role(levels, slug="qa-engineer"), levels[1], "Middle only.")
    response = client.get(url)
    assert response.status_code == 404
    assert "We could not find that page" in html(response)


def test_cell_history_lists_changes_with_who_source_and_diff(client, levels, staff):
    skill = SkillFactory(slug="testing")
    role = make_role(levels, slug="qa-engineer")
    with audit_context(source="import", file="catalog.json"):
        cell(skill, role, levels[1], "Writes basic unit tests.")
    with audit_context(source="admin", user=staff):
        cell_save(
            skill=skill,
            change=CellChange(role, levels[1], "Writes thorough unit tests.", required=True, proficiency="advanced"),
        )
    page = html(client.get("/skills/testing/qa-engineer/middle/"))
    history = page[page.index('id="history-title"') :]
    entries = re.findall(r'<span class="badge [a-z-]+">(Added|Changed|Removed)</span>', history)
    assert entries == ["Changed", "Added"]  # newest first
    text = squash(history)
    assert "by staff" in text
    assert "through Admin" in text
    assert "through Import" in text
    assert "by the system" in text
    assert re.search(r"<del><span[^>]*>removed: </span>basic</del><ins><span[^>]*>added: </span>thorough", history)
    assert re.search(r"<dt>Required</dt>\s*<dd>.*?Optional</del> → <ins>.*?Required</ins>", history, re.S)
    assert re.search(r"<dt>Proficiency</dt>\s*<dd>.*?Working</del> → <ins>.*?Advanced</ins>", history, re.S)
    assert "version 2" in text


# -------------------------------------------------------------------------- history
# Committed writes: inside one test transaction every event would share its timestamp.
@pytest.mark.django_db(transaction=True)
def test_skill_history_newest_first_with_who_when_source_and_diff(client, levels, staff, reviewer):
    skill = SkillFactory(name="Testing", slug="testing", summary="Old summary.")
    role = make_role(levels, name="QA Engineer", slug="qa-engineer")
    with audit_context(source="import"):
        first = cell(skill, role, levels[0], "Runs the tests.")
    with audit_context(source="admin", user=staff):
        skill.summary = "A new summary."
        skill.save()
    with audit_context(source="proposal", user=reviewer, proposal=42):
        cell_save(skill=skill, change=CellChange(role, levels[0], "Runs and fixes the tests.", False, "working"))
    with audit_context(source="shell"):
        first.delete()

    response = client.get("/skills/testing/history/")
    assert response.status_code == 200
    page = html(response)
    actions = re.findall(r'<span class="badge [a-z-]+">(Added|Changed|Removed)</span>', page)
    assert actions[:3] == ["Removed", "Changed", "Changed"]
    assert actions.count("Added") == 2  # the skill and its cell
    text = squash(page)
    assert "approved by reviewer proposal #42" in text  # an approval older than the author's credit
    assert 'href="/proposals/42/"' in page
    assert "by staff" in text
    assert "QA Engineer · Junior" in text
    assert re.search(r"<ins><span[^>]*>added: </span> and fixes</ins>", page)
    assert re.search(r"<del><span[^>]*>removed: </span>Old</del>", page)
    assert "<time datetime=" in page


def test_skill_history_is_paginated(client, levels):
    skill = SkillFactory(slug="busy")
    role = make_role(levels)
    item = cell(skill, role, levels[0], "Version 0.")
    for number in range(1, 60):
        item.description = f"Version {number}."
        item.save()
    first = html(client.get("/skills/busy/history/"))
    total = int(re.search(r"(\d+) recorded changes", first).group(1))
    assert total >= 61  # 60 cell events, the skill's insert (and its "Last updated" touch)
    assert first.count('<article class="event') == 50
    assert "Page 1 of 2" in first
    assert 'href="?page=2"' in first
    second = html(client.get("/skills/busy/history/", {"page": 2}))
    assert "Page 2 of 2" in second
    assert second.count('<article class="event') == total - 50
    for bad in ("0", "999", "abc", "-1"):
        assert client.get("/skills/busy/history/", {"page": bad}).status_code == 200


def test_history_of_unknown_skill_is_404(client, db):
    assert client.get("/skills/nothing/history/").status_code == 404


# ----------------------------------------------------------------------------- home
def test_home_lists_domains_groups_skills_with_counts_and_role_families(client, seeded_catalog):
    response = client.get("/")
    assert response.status_code == 200
    page = html(response)
    text = squash(page)
    assert '<h3 class="domain__title" id="domain-machine-learning-ai">Machine Learning &amp; AI</h3>' in page
    assert '<h4 id="group-mlops">MLOps</h4>' in page
    assert '<a href="/skills/ml-experiment-tracking/">ML Experiment Tracking</a>' in page
    assert "ML Experiment Tracking 2 roles · 10 expectations" in text
    assert "Engineering Management" in text
    assert '<a href="/roles/technical-lead/">Technical Lead</a>' in page
    assert re.search(r'<form class="hero-search" role="search" action="/search/" method="get">', page)
    assert 'name="q"' in page


# --------------------------------------------------------------------------- layout
@pytest.mark.parametrize(
    "url",
    ["/", SEED, SEED + "?level=middle", SEED + "data-scientist/junior/", SEED + "history/", "/skills/x/"],
)
def test_layout_landmarks_and_no_inline_code(client, seeded_catalog, url):
    page = html(client.get(url))
    assert '<a class="skip-link" href="#main">' in page
    assert '<main id="main"' in page
    assert '<nav class="site-nav" aria-label="Main">' in page
    for href in ('href="/"', 'href="/roles/"', 'href="/proposals/"', 'href="/api/docs/"'):
        assert href in page
    assert '<link rel="stylesheet" href="/static/css/site.css">' in page
    assert 'action="/i18n/setlang/" method="post"' in page
    assert " style=" not in page
    assert "<style" not in page
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page)
    assert re.search(r"<html lang=\"en\"", page)


def test_language_switcher_keeps_the_visitor_on_the_page(client, seeded_catalog):
    page = html(client.get(SEED + "?level=middle"))
    assert '<input type="hidden" name="next" value="/skills/ml-experiment-tracking/?level=middle">' in page
    response = client.post("/i18n/setlang/", {"language": "de", "next": SEED + "?level=middle"})
    assert response.status_code == 302
    assert response["Location"] == SEED + "?level=middle"


def test_500_page_renders_without_a_request(db):
    page = render_to_string("500.html")
    assert "Something went wrong on our side" in page
    assert 'href="/static/css/site.css"' in page


# --------------------------------------------------------------------- query counts
@pytest.mark.parametrize("size", [10, 500])
def test_home_query_count_does_not_grow(client, levels, django_assert_num_queries, size):
    bulk_catalog(levels=levels, skills=size, roles=3)
    with django_assert_num_queries(HOME_QUERIES):
        response = client.get("/")
    assert html(response).count('class="skill-list__meta"') == size + 3


@pytest.mark.parametrize(("size", "roles"), [(10, 2), (500, 20)])
def test_skill_page_query_count_does_not_grow(client, levels, django_assert_num_queries, size, roles):
    catalog = bulk_catalog(levels=levels, skills=size, roles=roles)
    url = catalog["skills"][0].get_absolute_url()
    with django_assert_num_queries(SKILL_QUERIES):
        response = client.get(url)
    assert html(response).count("<tr data-href=") == roles * len(levels)
    with django_assert_num_queries(SKILL_QUERIES_CACHED):
        response = client.get(url)
    assert html(response).count("<tr data-href=") == roles * len(levels)
    # Another variant of the page: its own fragment, the Community block from the cache.
    with django_assert_num_queries(SKILL_QUERIES - 3):
        response = client.get(url, {"level": "middle"})
    assert html(response).count('class="compare__role"') == roles


@pytest.mark.parametrize(("size", "edits"), [(10, 1), (500, 30)])
def test_cell_page_query_count_does_not_grow(client, levels, django_assert_num_queries, size, edits):
    catalog = bulk_catalog(levels=levels, skills=size)
    item = Expectation.objects.select_related("skill", "role", "level").filter(skill=catalog["skills"][0]).first()
    for number in range(edits):
        item.description = f"Edit {number}."
        item.save()
    with django_assert_num_queries(CELL_QUERIES):
        response = client.get(item.get_absolute_url())
    assert html(response).count('<article class="event') == edits + 1


@pytest.mark.parametrize(("size", "roles"), [(10, 2), (500, 100)])
def test_history_page_query_count_does_not_grow(client, levels, django_assert_num_queries, size, roles):
    catalog = bulk_catalog(levels=levels, skills=size, roles=roles)
    skill = catalog["skills"][0]
    with django_assert_num_queries(HISTORY_QUERIES):
        response = client.get(f"/skills/{skill.slug}/history/")
    page = html(response)
    total = int(re.search(r"(\d+) recorded changes", page).group(1))
    assert total > roles * len(levels)  # every cell, the skill's insert and its "Last updated" touch
    assert page.count('<article class="event') == min(total, 50)
