"""The role at one level (/roles/<role>/<level>/): every expectation in full, and what the next level adds."""

import re
from html import unescape

import pytest
from django.urls import reverse

from skills.models import Expectation, Proficiency, Role, RoleLevel, Skill
from skills.templatetags.markdown_tags import render_markdown
from tests.factories import DomainFactory, ExpectationFactory, SkillFactory, SkillGroupFactory, make_role

# Anonymous visitors; the same for a role of 3 skills and of 60.
# the revisions; the role, its role levels with their levels, the cells of the level and the next
ROLE_LEVEL_QUERIES = 4
ROLE_LEVEL_QUERIES_CACHED = 1  # the revisions: the page's content comes from the fragment cache


def url(role, level) -> str:
    return reverse("skills:role-level", args=[getattr(role, "slug", role), getattr(level, "slug", level)])


def page(client, role, level) -> str:
    response = client.get(url(role, level))
    assert response.status_code == 200
    return response.content.decode()


def section(html: str, section_id: str) -> str:
    """The markup of <section id="section_id">, up to the next top-level section of the page."""
    start = html.index(f'<section class="section{"" if section_id != "next" else " next-level"}" id="{section_id}"')
    end = html.find('<section class="section', start + 1)
    return html[start : end if end != -1 else len(html)]


def article(html: str, element_id: str) -> str:
    start = html.index(f'<article class="reading-item" id="{element_id}"')
    return html[start : html.index("</article>", start)]


# --- The seed catalog: "As a Middle Data Scientist" ------------------------------------


def test_middle_data_scientist_reads_every_middle_description_in_full(client, seeded_catalog):
    html = page(client, "data-scientist", "middle")
    cells = Expectation.objects.filter(role__slug="data-scientist", level__slug="middle").select_related("skill")
    assert cells.count() >= 8  # the starter catalog gives a Middle Data Scientist at least eight skills
    main = html[: html.index('id="next"')]
    for cell in cells:
        assert render_markdown(cell.description) in main, cell.skill.name
        assert cell.skill.name in main
    role_level = RoleLevel.objects.get(role__slug="data-scientist", level__slug="middle")
    text = unescape(html)
    assert role_level.stack in text
    assert role_level.focus in text


def test_middle_data_scientist_sees_what_senior_adds(client, seeded_catalog):
    html = page(client, "data-scientist", "middle")
    upcoming = section(html, "next")
    assert '<h2 id="next-title">To reach Senior</h2>' in upcoming
    middle = {
        cell.skill_id: cell for cell in Expectation.objects.filter(role__slug="data-scientist", level__slug="middle")
    }
    senior = Expectation.objects.filter(role__slug="data-scientist", level__slug="senior").select_related("skill")
    assert senior.exists()
    for cell in senior:
        before = middle.get(cell.skill_id)
        if before is None:
            assert "New at Senior" in article(upcoming, f"next-{cell.skill.slug}")
            continue
        if (before.description, before.required, before.proficiency) == (
            cell.description,
            cell.required,
            cell.proficiency,
        ):
            continue
        item = article(upcoming, f"next-{cell.skill.slug}")
        assert render_markdown(cell.description) in item  # the Senior text, in full
        if cell.required and not before.required:
            assert "Becomes required" in item
        if cell.proficiency != before.proficiency:
            words = f"{Proficiency(before.proficiency).label} to {Proficiency(cell.proficiency).label}"
            assert words in item


def test_top_level_says_there_is_no_next_level(client, seeded_catalog):
    html = page(client, "data-scientist", "principal")
    upcoming = section(html, "next")
    assert "Principal is this role\u2019s top level: there is no next level." in unescape(upcoming)
    assert "To reach" not in html
    assert "reading-item" not in upcoming
    assert "redline" not in upcoming


def test_level_switcher_links_the_roles_levels_and_marks_this_one(client, seeded_catalog):
    html = page(client, "technical-lead", "lead")
    switcher = html[html.index('<nav class="level-switcher"') :]
    switcher = switcher[: switcher.index("</nav>")]
    links = re.findall(r'<a href="/roles/technical-lead/([a-z]+)/"( aria-current="page")?>', switcher)
    # A Technical Lead starts at Senior.
    assert links == [("senior", ""), ("lead", ' aria-current="page"'), ("principal", "")]


def test_title_ends_with_the_site_name(client, seeded_catalog):
    html = page(client, "data-scientist", "middle")
    assert "<title>Data Scientist · Middle · Skill Matrix</title>" in html
    assert "<h1>Data Scientist at Middle</h1>" in html


# --- Content, built with factories -----------------------------------------------------


@pytest.fixture
def reading_role(levels):
    """A role with cells at Middle and Senior in two domains of two groups each, some required."""
    role = make_role(levels, name="Platform Engineer")
    security = DomainFactory(name="Security", position=2)
    testing = DomainFactory(name="Testing", position=1)
    groups = {
        "appsec": SkillGroupFactory(domain=security, name="Application Security", position=1),
        "crypto": SkillGroupFactory(domain=security, name="Cryptography", position=2),
        "unit": SkillGroupFactory(domain=testing, name="Unit Testing", position=1),
        "strategy": SkillGroupFactory(domain=testing, name="Test Strategy", position=2),
    }
    skills = {
        "threats": SkillFactory(name="Threat Modeling", group=groups["appsec"]),
        "tls": SkillFactory(name="TLS", group=groups["crypto"]),
        "pytest": SkillFactory(name="Pytest", group=groups["unit"]),
        "mutation": SkillFactory(name="Mutation Testing", group=groups["strategy"]),
        "fuzzing": SkillFactory(name="Fuzzing", group=groups["strategy"]),
    }
    middle, senior = levels[1], levels[2]
    rows = [
        # skill, level, proficiency, required, description
        ("threats", middle, Proficiency.WORKING, False, "Joins **threat modeling** sessions.\n\n- lists assets"),
        ("tls", middle, Proficiency.AWARENESS, True, "Knows why certificates expire. <script>alert(1)</script>"),
        ("pytest", middle, Proficiency.ADVANCED, True, "Writes fixtures and parametrized tests."),
        ("mutation", middle, Proficiency.WORKING, False, "Reads mutation reports."),
        ("threats", senior, Proficiency.ADVANCED, True, "Leads threat modeling sessions for new services."),
        ("tls", senior, Proficiency.AWARENESS, True, "Knows why certificates expire. <script>alert(1)</script>"),
        ("pytest", senior, Proficiency.WORKING, False, "Writes fixtures and parametrized tests."),
        ("fuzzing", senior, Proficiency.WORKING, False, "Adds property-based tests to parsers."),
    ]
    for key, level, proficiency, required, description in rows:
        ExpectationFactory(
            skill=skills[key],
            role=role,
            level=level,
            proficiency=proficiency,
            required=required,
            description=description,
        )
    # Another role's cell, and this role's cell at another level, must not show.
    ExpectationFactory(skill=skills["fuzzing"], role=make_role(levels), level=middle, description="Not this role.")
    ExpectationFactory(skill=skills["fuzzing"], role=role, level=levels[0], description="Not this level.")
    return role


def test_required_first_then_optional_each_by_domain_and_group(client, reading_role, levels):
    html = page(client, reading_role, "middle")
    required, optional = section(html, "required"), section(html, "optional")
    assert html.index('id="required"') < html.index('id="optional"') < html.index('id="next"')
    # Required: TLS (Security · Cryptography), Pytest (Testing · Unit Testing); Testing comes first.
    assert re.findall(r'<h3 class="reading-domain__title"[^>]*>([^<]+)</h3>', required) == ["Testing", "Security"]
    assert re.findall(r'<h4 class="reading-group__title">([^<]+)</h4>', required) == ["Unit Testing", "Cryptography"]
    assert re.findall(r'<h5 class="reading-item__title"[^>]*><a [^>]*>([^<]+)</a>', required) == ["Pytest", "TLS"]
    # Optional: Mutation Testing (Testing · Test Strategy), Threat Modeling (Security · Application Security).
    assert re.findall(r'<h4 class="reading-group__title">([^<]+)</h4>', optional) == [
        "Test Strategy",
        "Application Security",
    ]
    assert re.findall(r'<h5 class="reading-item__title"[^>]*><a [^>]*>([^<]+)</a>', optional) == [
        "Mutation Testing",
        "Threat Modeling",
    ]
    assert "Not this role." not in html
    assert "Not this level." not in html


def test_each_expectation_shows_its_full_text_as_sanitized_markdown_and_proficiency_in_words(client, reading_role):
    html = page(client, reading_role, "middle")
    assert "Joins <strong>threat modeling</strong> sessions." in html
    assert "<li>lists assets</li>" in html
    assert "<script>alert" not in html
    item = article(html, "skill-" + Skill.objects.get(name="Pytest").slug)
    assert '<span class="flag flag--required">Required</span>' in item
    assert '<span class="prof prof--advanced">Advanced</span>' in item
    item = article(html, "skill-" + Skill.objects.get(name="TLS").slug)
    assert '<span class="prof prof--awareness">Awareness</span>' in item
    assert 'href="/skills/' in item
    # Stack and focus of this level, not of the others.
    assert "Stack of Platform Engineer" in html
    assert "Focus at Middle" in html
    assert "Focus at Junior" not in html


def test_next_level_section_names_each_change_in_words(client, reading_role):
    html = page(client, reading_role, "middle")
    upcoming = section(html, "next")
    slug = {skill.name: skill.slug for skill in Skill.objects.all()}

    assert "<h3>New at Senior: 1 skill</h3>" in upcoming
    assert "<h3>Changes at Senior: 2 skills</h3>" in upcoming
    fuzzing = article(upcoming, f"next-{slug['Fuzzing']}")
    assert "New at Senior" in fuzzing
    assert "Adds property-based tests to parsers." in fuzzing

    threats = article(upcoming, f"next-{slug['Threat Modeling']}")
    assert "Becomes required" in threats
    assert "Proficiency rises from Working to Advanced" in threats
    assert "New text at Senior" in threats
    assert "<p>Leads threat modeling sessions for new services.</p>" in threats

    pytest_item = article(upcoming, f"next-{slug['Pytest']}")
    assert "Becomes optional" in pytest_item
    assert "Proficiency falls from Advanced to Working" in pytest_item
    assert "New text" not in pytest_item  # the same text

    # Mutation Testing is not at Senior; TLS is the same at both levels.
    dropped = upcoming[upcoming.index("Not listed at Senior") :]
    assert "Mutation Testing" in dropped[: dropped.index("</ul>")]
    same = upcoming[upcoming.index("The same at Senior") :]
    assert "TLS" in same[: same.index("</ul>")]
    assert f'id="next-{slug["TLS"]}"' not in upcoming
    # Required at Senior first: Threat Modeling (required) before Pytest (now optional).
    assert upcoming.index(f"next-{slug['Threat Modeling']}") < upcoming.index(f"next-{slug['Pytest']}")


def test_the_word_redline_is_there_only_when_asked_for(client, reading_role):
    html = page(client, reading_role, "middle")
    assert "<ins>" not in html
    assert "<del>" not in html
    assert f'<a href="/roles/{reading_role.slug}/middle/?redline=1#next">Show word-by-word changes</a>' in html

    response = client.get(url(reading_role, "middle"), {"redline": "1"})
    html = response.content.decode()
    redlines = re.findall(r'<p class="diff redline no-print" lang="en">(.*?)</p>', html, flags=re.S)
    assert len(redlines) == 1  # Threat Modeling: the only text that changes
    threats = article(html, "next-" + Skill.objects.get(name="Threat Modeling").slug)
    assert redlines[0] in threats
    assert "<ins>" in redlines[0]
    assert "<del>" in redlines[0]
    assert f'<a href="/roles/{reading_role.slug}/middle/#next">Hide word-by-word changes</a>' in html
    # Everything else reads the same.
    assert render_markdown("Leads threat modeling sessions for new services.") in threats


def test_print_hides_the_header_and_the_switcher(client, reading_role):
    html = page(client, reading_role, "middle")
    assert '<div class="reading">' in html
    css = client.get("/static/css/site.css")
    text = b"".join(css.streaming_content).decode() if css.streaming else css.content.decode()
    rules = text[text.index("/* ---- role at a level ---- */") :]
    printing = rules[rules.index("@media print") :]
    for selector in ("body:has(.reading) .site-header", ".level-switcher"):
        assert selector in printing


# --- Errors -------------------------------------------------------------------------


def test_unknown_role_or_level_is_404_with_the_products_page(client, reading_role, levels):
    lead = make_role(levels[2:], name="Technical Lead")
    for address in [
        url("no-such-role", "middle"),
        url(reading_role, "no-such-level"),
        url(lead, "junior"),  # a level of the catalog the role does not have
    ]:
        response = client.get(address)
        assert response.status_code == 404, address
        assert "We could not find that page" in response.content.decode()
    assert client.get(url(lead, "senior")).status_code == 200


# --- Links to the page ------------------------------------------------------------------


def test_role_page_links_each_level_heading_and_matrix_column(client, levels):
    lead = make_role(levels[2:], name="Technical Lead")
    ExpectationFactory(role=lead, level=levels[2])
    html = client.get(lead.get_absolute_url()).content.decode()
    for level in levels[2:]:
        assert html.count(f'href="{url(lead, level)}"') == 2  # the stack/focus heading and the column header
    for level in levels[:2]:
        assert url(lead, level) not in html


def test_home_links_each_role_at_each_of_its_levels(client, levels):
    lead = make_role(levels[2:], name="Technical Lead")
    html = client.get("/").content.decode()
    links = re.findall(rf'<a href="/roles/{lead.slug}/([a-z]+)/">([^<]+)</a>', html)
    assert links == [("senior", "Senior"), ("lead", "Lead / Staff"), ("principal", "Principal")]


def test_skill_page_links_each_role_at_each_level(client, reading_role):
    skill = Skill.objects.get(name="Threat Modeling")
    html = client.get(skill.get_absolute_url()).content.decode()
    for cell in Expectation.objects.filter(skill=skill).select_related("role", "level"):
        assert f'href="{url(cell.role, cell.level)}"' in html


# --- Cost and freshness -------------------------------------------------------------------


def role_of(levels, *, skills: int) -> Role:
    """A role with `skills` skills over four domains of two groups, at every level, some required."""
    groups = [SkillGroupFactory(domain=domain) for domain in DomainFactory.create_batch(4) for _ in range(2)]
    role = make_role(levels)
    skill_objs = Skill.objects.bulk_create(
        SkillFactory.build(group=groups[index % len(groups)]) for index in range(skills)
    )
    Expectation.objects.bulk_create(
        Expectation(
            skill=skill,
            role=role,
            level=level,
            description=f"{skill.name} at {level.name}, **step {level.position}**.",
            required=(index + level.position) % 3 == 0,
            proficiency=Proficiency.values[min(level.position - 1, 3)],
        )
        for index, skill in enumerate(skill_objs)
        for level in levels
    )
    return role


@pytest.mark.parametrize("size", [3, 60])
def test_query_count_is_the_same_at_any_size(client, levels, django_assert_num_queries, size):
    role = role_of(levels, skills=size)
    role_of(levels, skills=size)  # another role: its cells are not read
    with django_assert_num_queries(ROLE_LEVEL_QUERIES):
        response = client.get(url(role, "middle"))
    content = response.content.decode()
    assert content.count('<article class="reading-item" id="skill-') == size
    assert content.count('<article class="reading-item" id="next-') == size  # every text changes at Senior
    # Another address of the same content (a query string): the page's content from the fragment cache.
    with django_assert_num_queries(ROLE_LEVEL_QUERIES_CACHED):
        again = client.get(url(role, "middle"), {"utm": "x"})
    assert again.content.decode().count('<article class="reading-item" id="skill-') == size


def test_anonymous_copy_is_served_whole_and_revalidated_with_an_etag(client, reading_role, django_assert_num_queries):
    address = url(reading_role, "middle")
    first = client.get(address)
    assert first.headers["ETag"].startswith('W/"')
    assert "no-cache" in first.headers["Cache-Control"]
    with django_assert_num_queries(1):  # the revisions: the whole page from the anonymous cache
        second = client.get(address)
    token = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]*"')
    assert token.sub(b"", second.content) == token.sub(b"", first.content)  # each answer gets its own token
    etag = second.headers["ETag"]
    with django_assert_num_queries(1):
        assert client.get(address, headers={"if-none-match": etag}).status_code == 304


def test_a_change_to_the_catalog_shows_at_once(client, reading_role):
    address = url(reading_role, "middle")
    client.get(address)
    etag = client.get(address).headers["ETag"]
    cell = Expectation.objects.get(role=reading_role, level__slug="middle", skill__name="Pytest")
    cell.description = "Writes fixtures, parametrized tests and property-based tests."
    cell.save()
    response = client.get(address, headers={"if-none-match": etag})
    assert response.status_code == 200
    assert "Writes fixtures, parametrized tests and property-based tests." in response.content.decode()


def test_signed_in_members_get_the_page_too(client, reading_role, member):
    client.force_login(member)
    html = page(client, reading_role, "middle")
    assert "Writes fixtures and parametrized tests." in html
