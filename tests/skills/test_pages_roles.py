"""Roles pages: the list by family, the role profile with its matrix, and the career-track PDF."""

import io
import os
import re
import subprocess
import sys
import urllib.request
import zlib
from html import unescape

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils.html import escape

from skills import pdf_process, selectors
from skills.models import Domain, Expectation, Proficiency
from skills.views import roles as role_views
from tests.factories import DomainFactory, ExpectationFactory, SkillFactory, SkillGroupFactory, make_catalog, make_role


def test_role_list_groups_roles_by_family_with_counts(client, levels):
    devops = make_role(levels, name="DevOps Engineer", family="Infrastructure & Operations")
    make_role(levels, name="Data Scientist", family="ML & AI Engineering")
    make_role(levels, name="ML Engineer", family="ML & AI Engineering")
    skill = SkillFactory()
    ExpectationFactory(skill=skill, role=devops, level=levels[0])
    ExpectationFactory(skill=skill, role=devops, level=levels[2])
    ExpectationFactory(role=devops, level=levels[2])

    response = client.get(reverse("skills:roles"))

    assert response.status_code == 200
    html = response.content.decode()
    families = re.findall(r'<h2 id="family-[^"]+">([^<]+)</h2>', html)
    assert families == ["Infrastructure &amp; Operations", "ML &amp; AI Engineering"]
    assert html.index("Data Scientist") < html.index("ML Engineer")
    assert f'href="{devops.get_absolute_url()}"' in html
    assert devops.tagline in html
    # DevOps: 2 skills, at 2 levels (Junior and Senior); the others have no cells.
    assert re.search(r"2 skills\s*· 2 levels", html)
    assert re.search(r"0 skills\s*· 0 levels", html)


def test_unknown_role_is_404(client, db):
    assert client.get("/roles/no-such-role/").status_code == 404
    assert client.get("/roles/no-such-role/career-track.pdf").status_code == 404


@pytest.fixture
def mixed_role(levels):
    """A role with cells in two domains, not at every level, some required."""
    role = make_role(levels[2:], name="Technical Lead", family="Engineering Management")
    security = SkillGroupFactory(domain=DomainFactory(name="Security", position=2), name="Application Security")
    testing = SkillGroupFactory(domain=DomainFactory(name="Testing & QA", position=1), name="Unit Testing")
    threat = SkillFactory(name="Threat Modeling", group=security)
    unit = SkillFactory(name="Unit Testing", group=testing)
    cells = [
        (unit, levels[2], Proficiency.ADVANCED, True),
        (unit, levels[3], Proficiency.EXPERT, True),
        (threat, levels[2], Proficiency.WORKING, False),
        (threat, levels[4], Proficiency.AWARENESS, False),
    ]
    for skill, level, proficiency, required in cells:
        ExpectationFactory(skill=skill, role=role, level=level, proficiency=proficiency, required=required)
    # Another role's cell must not show up.
    ExpectationFactory(skill=unit, role=make_role(levels), level=levels[0])
    return role


def test_role_profile_counts_and_levels(client, mixed_role):
    response = client.get(mixed_role.get_absolute_url())

    assert response.status_code == 200
    profile = role_views._profile(mixed_role.slug)
    # skills with a cell; levels with a cell (Sen, Lead, Princ); required cells; all cells
    assert (profile.skill_count, profile.level_count, profile.required_count, profile.cell_count) == (2, 3, 2, 4)
    html = response.content.decode()
    assert "Engineering Management" in html
    assert mixed_role.tagline in html
    # Stack and focus by level come from the RoleLevels: Senior, Lead / Staff, Principal only.
    assert [rl.level.slug for rl in profile.role_levels] == ["senior", "lead", "principal"]
    assert "Focus at Senior" in html
    assert "Focus at Junior" not in html
    assert f"Stack of {mixed_role.name}" in html
    assert reverse("skills:role-pdf", args=[mixed_role.slug]) in html


def test_role_matrix_is_grouped_by_domain_with_every_level_as_a_column(client, mixed_role, levels):
    html = client.get(mixed_role.get_absolute_url()).content.decode()

    # Domains in catalog order, each collapsible without JavaScript.
    assert re.findall(r'<h3 class="matrix-domain__title">([^<]+)</h3>', html) == ["Testing &amp; QA", "Security"]
    anchors = [f"domain-{Domain.objects.get(name=name).slug}" for name in ("Testing & QA", "Security")]
    assert re.findall(r'<details class="matrix-domain" id="([^"]+)" open>', html) == anchors
    # Every level of the catalog is a column, short name with the full name in <abbr>; the role's own levels
    # (Senior on) link to the role at that level.
    for level in levels:
        abbr = f'<abbr title="{level.name}">{level.short}</abbr>'
        if level.position >= 3:
            link = reverse("skills:role-level", args=[mixed_role.slug, level.slug])
            abbr = f'<a class="matrix__level-link" href="{link}">{abbr}</a>'
        assert f'<th scope="col" class="matrix__level">{abbr}</th>' in html
    assert html.count('<th scope="row">') == 2
    # One link per cell, to the cell's detail page.
    assert len(re.findall(r'class="prof prof--\w+ matrix__link[ "]', html)) == 4
    for cell in Expectation.objects.filter(role=mixed_role).select_related("skill", "level"):
        assert f'href="{reverse("skills:cell", args=[cell.skill.slug, mixed_role.slug, cell.level.slug])}"' in html
    # Blank where the role has no cell: 2 rows by 5 levels, less 4 cells.
    assert html.count('<span class="visually-hidden">no expectation</span>') == 6
    # Two required cells, plus the marker once in the legend: a ring and an asterisk, not a colour alone.
    assert html.count('class="matrix__req"') == 3
    assert html.count("matrix__link--required") == 3


def test_role_matrix_cells_show_proficiency_codes_and_legend(client, mixed_role):
    html = client.get(mixed_role.get_absolute_url()).content.decode()

    for code, label in [("A", "Awareness"), ("W", "Working"), ("Ad", "Advanced"), ("E", "Expert")]:
        assert f'aria-hidden="true">{code}</span> {label}</li>' in html  # legend
    assert re.search(r'prof--advanced matrix__link matrix__link--required"[^>]*title="Advanced · required"', html)
    assert re.search(r'prof--working matrix__link"[^>]*title="Working"', html)
    assert '<span aria-hidden="true">Ad<span class="matrix__req">*</span></span>' in html
    assert '<span class="visually-hidden">Advanced, required</span>' in html


def test_role_without_cells_says_so(client, levels):
    role = make_role(levels)
    html = client.get(role.get_absolute_url()).content.decode()
    assert "No skills are mapped to this role yet." in html


def test_pages_have_no_inline_script_or_style(client, mixed_role):
    for url in [reverse("skills:roles"), mixed_role.get_absolute_url()]:
        html = client.get(url).content.decode()
        assert "<script>" not in html
        assert "style=" not in html


# --- Query counts: the same for a role with 5 and with 80 skills ---------------------


def _catalog(levels, size):
    catalog = make_catalog(skills=size, roles=2, levels=levels)
    make_role(levels)  # a role with no cells, in the list too
    return catalog


@pytest.mark.parametrize("size", [5, 80])
def test_role_list_query_count(client, levels, django_assert_num_queries, size):
    _catalog(levels, size)
    with django_assert_num_queries(2):  # the revisions, the roles with their counts
        response = client.get(reverse("skills:roles"))
    assert response.status_code == 200


@pytest.mark.parametrize("size", [5, 80])
def test_role_detail_query_count(client, levels, django_assert_num_queries, size):
    role = _catalog(levels, size)["roles"][0]
    # the revisions; role, its role levels, the catalog's levels, the role's cells, their skills
    with django_assert_num_queries(6):
        response = client.get(role.get_absolute_url())
    links = r'class="prof prof--\w+ matrix__link[ "]'
    assert len(re.findall(links, response.content.decode())) == size * len(levels)
    # Then from the fragment cache until the catalog changes: the revisions only.
    with django_assert_num_queries(1):
        again = client.get(role.get_absolute_url())
    assert len(re.findall(links, again.content.decode())) == size * len(levels)


@pytest.mark.parametrize("size", [5, 80])
def test_career_track_query_count(client, levels, django_assert_num_queries, monkeypatch, size):
    role = _catalog(levels, size)["roles"][0]
    rendered = {}

    def fake_pdf(html, *, base_url):  # WeasyPrint makes no query; skip its seconds of layout here
        rendered["html"] = html
        return b"%PDF-1.7 fake"

    monkeypatch.setattr(role_views, "html_to_pdf", fake_pdf)
    # The revisions (the stored PDF's key); the role with its cell count, its role levels, the catalog's
    # levels, the role's cells, their skills.
    with django_assert_num_queries(6):
        response = client.get(reverse("skills:role-pdf", args=[role.slug]))
    assert response.status_code == 200
    assert rendered["html"].count('class="cell"') == size * len(levels)
    # Then from storage until the catalog changes: the revisions only.
    with django_assert_num_queries(1):
        assert client.get(reverse("skills:role-pdf", args=[role.slug])).getvalue() == b"%PDF-1.7 fake"


# --- The career-track PDF -------------------------------------------------------


def _pdf_page_count(pdf: bytes) -> int:
    """Pages of a PDF whose objects may sit in compressed object streams (WeasyPrint's default)."""
    chunks = [pdf]
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            chunks.append(zlib.decompress(stream))
        except zlib.error:
            continue
    return sum(len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", chunk)) for chunk in chunks)


def test_career_track_is_a_real_multi_page_pdf(client, seeded_catalog):
    response = client.get("/roles/data-scientist/career-track.pdf")
    pdf = response.getvalue()  # a FileResponse: the stored file, streamed

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="data-scientist-career-track.pdf"'
    assert pdf.startswith(b"%PDF-")
    assert pdf.rstrip().endswith(b"%%EOF")
    # A title page, then one page or more for each of the five levels.
    assert _pdf_page_count(pdf) > 5


def test_career_track_html_holds_every_cell_by_level(rf, seeded_catalog):
    role = selectors.roles_with_levels().get(slug="technical-lead")
    profile = selectors.role_profile(role=role)
    html = role_views.render_career_track(rf.get("/"), profile)

    assert "<h1>Technical Lead</h1>" in html
    assert "Engineering Management" in html
    assert role.tagline in html
    # Levels of the track: the role's (Senior, Lead / Staff, Principal), in order, with stack and focus.
    assert re.findall(r'<section class="level" id="level-([a-z]+)">', html) == ["senior", "lead", "principal"]
    for role_level in role.role_levels.all():
        assert escape(role_level.stack) in html
    text = unescape(html)  # descriptions go through the Markdown filter
    for cell in profile.cells:
        assert cell.description.splitlines()[0] in text
    assert "counter(page)" in html  # page numbers in the print CSS
    assert html.count('class="tag tag--required"') == profile.required_count


def test_weasyprint_that_cannot_load_ends_the_child_with_its_own_code(monkeypatch, capsys):
    """A server without Pango: the import raises OSError. The child says so and exits with UNAVAILABLE_EXIT."""

    class NoPango:
        def find_spec(self, name, path=None, target=None):
            if name == "weasyprint":
                raise OSError("cannot load library 'libpango-1.0-0'")
            return None

    monkeypatch.delitem(sys.modules, "weasyprint", raising=False)
    monkeypatch.setattr(sys, "meta_path", [NoPango(), *sys.meta_path])
    monkeypatch.setattr(pdf_process, "lower_priority", lambda nice, idle: None)
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"<p>Text</p>")))

    assert pdf_process._main("http://testserver/", 10) == pdf_process.UNAVAILABLE_EXIT
    assert "cannot load library 'libpango-1.0-0'" in capsys.readouterr().err


@pytest.mark.parametrize(
    "child",
    [
        f"import sys; sys.exit({pdf_process.UNAVAILABLE_EXIT})",  # WeasyPrint cannot load
        "import sys; sys.exit(1)",  # the build failed
        "import time; time.sleep(30)",  # the build outlived PDF_BUILD_TIMEOUT
    ],
)
def test_career_track_answers_503_when_no_pdf_can_be_made(client, levels, monkeypatch, settings, child):
    """Whatever stops the child, the page says so, links back to the role, and is never a 500."""
    settings.PDF_BUILD_TIMEOUT = 1
    monkeypatch.setattr(pdf_process, "_command", lambda base_url, nice, idle: [sys.executable, "-c", child])
    role = make_role(levels)

    response = client.get(reverse("skills:role-pdf", args=[role.slug]))

    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/html")
    assert "The PDF cannot be made right now" in response.content.decode()
    assert role.get_absolute_url() in response.content.decode()


def test_the_pdf_is_made_in_a_child_process_of_low_priority(monkeypatch):
    """The child runs `python -m skills.pdf_process` at PDF_BUILD_NICE and answers the PDF on its stdout."""
    commands = []
    real = pdf_process._command

    def command(base_url, nice, idle):
        commands.append((nice, idle))
        return real(base_url, nice, idle)

    monkeypatch.setattr(pdf_process, "_command", command)

    pdf = role_views.html_to_pdf("<p>Text</p>", base_url="http://testserver/")

    assert pdf.startswith(b"%PDF-")
    assert commands == [(10, False)]  # the default PDF_BUILD_NICE and PDF_BUILD_IDLE


PRIORITY_OF_A_CHILD = """
import os, sys
from skills import pdf_process
pdf_process.lower_priority(int(sys.argv[1]), sys.argv[2] == "idle")
print(os.getpriority(os.PRIO_PROCESS, 0), os.sched_getscheduler(0) == os.SCHED_IDLE)
"""


@pytest.mark.skipif(not hasattr(os, "SCHED_IDLE"), reason="SCHED_IDLE is Linux's")
@pytest.mark.parametrize(("idle", "scheduler_idle"), [("idle", "True"), ("normal", "False")])
def test_the_child_yields_the_cpu_to_every_page(idle, scheduler_idle):
    """A build's process is niced and, with PDF_BUILD_IDLE, runs under SCHED_IDLE: any page's thread that wakes
    up takes the core from it at once (a niced process would still keep it until its time slice ends)."""
    base = os.getpriority(os.PRIO_PROCESS, 0)
    done = subprocess.run(
        [sys.executable, "-c", PRIORITY_OF_A_CHILD, "5", idle],
        capture_output=True,
        text=True,
        check=True,
        cwd=settings.BASE_DIR,
    )
    assert done.stdout.split() == [str(min(base + 5, 19)), scheduler_idle]


def test_career_track_never_fetches_urls(monkeypatch):
    """Catalog text is user-suggested: nothing in it may make the server request a URL or read a file."""
    opened = []
    monkeypatch.setattr(urllib.request.OpenerDirector, "open", lambda self, url, *a, **kw: opened.append(url))
    html = '<img src="http://169.254.169.254/latest/"><link rel="stylesheet" href="file:///etc/passwd"><p>Text</p>'

    pdf = pdf_process.render(html, base_url="http://testserver/")  # the child's work, here to watch it

    assert pdf.startswith(b"%PDF-")
    assert opened == []
