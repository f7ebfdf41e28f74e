"""The teams journey in Chromium, every step through the pages a person would use.

A lead creates a team and invites Ada (by username) and Ben (by email); both sign in, choose their role
and level, accept on their account page and assess themselves with evidence; the lead assesses them,
disagreeing with Ben. The heatmap says so in words, its filters and its sort work, and the CSV it
offers holds what it shows. Ben leaves: he is gone from the lead's heatmap at once and his page is
closed to the lead.
"""

import csv
import io
import json
import re
import subprocess

import pytest
from allauth.account.models import EmailAddress
from django.test import Client
from playwright.sync_api import expect

from growth import services as growth_services
from skills.models import Expectation, Level, Role, Skill
from teams import services
from teams.models import NOTE_MAX_LENGTH, TEAM_NAME_MAX_LENGTH, Assessment, Membership, Team
from tests.browser.helpers import (
    DESKTOP,
    PHONE,
    Site,
    axe_violations,
    require_tool,
    screenshot,
    script_hazards,
    sign_in,
)
from tests.factories import UserFactory
from tests.payloads import xss_payloads

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery staple"  # tests.factories.UserFactory's
TEAM = "Data Science"
SLUG = "data-science"


def open_as(browser, live_server, user) -> Site:
    """A browser of the user's own, signed in through the sign-in form (by their verified email)."""
    EmailAddress.objects.get_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})
    site = Site(browser.new_context().new_page(), live_server.url)
    page = site.page
    site.goto("/accounts/login/")
    page.locator("input[name=login]").fill(user.email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form").filter(has=page.locator("input[name=password]")).locator("[type=submit]").first.click()
    page.wait_for_url(site.url("/"))
    expect(page.locator(".account-nav__user").first).to_have_text(user.username)
    return site


def choose_role_and_level(site: Site) -> None:
    page = site.page
    open_account_page(page)
    card = page.locator("#growth-plan")
    card.get_by_label("Your role").select_option(label="Data Scientist")
    card.get_by_label("Your current level").select_option(label="Middle")
    card.get_by_role("button", name="Save my role and level").click()
    page.wait_for_url("**/me/plan/")


def accept_on_account_page(site: Site) -> None:
    page = site.page
    open_account_page(page)
    invitations = page.locator("#team-invitations")
    expect(invitations).to_contain_text(f"{TEAM}, from lena")
    # "Accept : Data Science": Chromium puts a space before the visually hidden part of the name.
    invitations.get_by_role("button", name=re.compile(rf"^Accept\W+{TEAM}$")).click()
    page.wait_for_url(site.url(f"/teams/{SLUG}/"))
    expect(page.locator(".messages")).to_contain_text(f"You joined {TEAM}.")
    expect(page.locator("table.heatmap")).to_have_count(0)  # the heatmap is for leads


def assess(page, skill: str, level: str, *, url: str = "", note: str = "") -> None:
    """Open the skill's form on /me/skills/ or a person's page, fill it and record."""
    row = page.locator(f"#skill-{skill}")
    name = row.locator("h3").inner_text()
    row.locator("summary").click()
    form = row.locator("form")
    form.get_by_label("Level whose expectation is met").select_option(label=level)
    form.get_by_label("Evidence link").fill(url)
    form.get_by_label("Note (Markdown)").fill(note)
    form.get_by_role("button", name=re.compile("^Record")).click()
    expect(page.locator("#inplace-status")).to_have_text(f"Assessment of {name} recorded.")  # in place


def self_assess(site: Site, assessments: list[tuple]) -> None:
    page = site.page
    open_account_page(page)
    page.locator("#teams").get_by_role("link", name="My skills").click()
    page.wait_for_url("**/me/skills/")
    for skill, level, url, note in assessments:
        assess(page, skill, level, url=url, note=note)


def column_slugs(page) -> list[str]:
    """The skills of the heatmap's columns, by the slug their header links to."""
    links = page.locator("table.heatmap thead tr:nth-child(2) th a").all()
    return [link.get_attribute("href").rstrip("/").rsplit("/", 1)[-1] for link in links]


def cell(page, person: str, skill: str):
    """The heatmap's entry of the person (their row) and the skill (its column)."""
    row = page.locator("table.heatmap tbody tr").filter(has=page.locator("th a").get_by_text(person, exact=True))
    return row.locator("td").nth(column_slugs(page).index(skill))


def row_names(page) -> list[str]:
    return [name.strip() for name in page.locator("table.heatmap tbody th a").all_inner_texts()]


def column_names(page) -> list[str]:
    return [name.strip() for name in page.locator("table.heatmap thead tr:nth-child(2) th a").all_inner_texts()]


def apply_filters(page, *, domain: str = "All domains", required=False, disagree=False, by_gap=False) -> None:
    filters = page.get_by_role("form", name="Filters")
    filters.get_by_label("Domain").select_option(label=domain)
    filters.get_by_label("Required only").set_checked(required)
    filters.get_by_label("Disagreements only").set_checked(disagree)
    filters.get_by_label("Largest gap first").set_checked(by_gap)
    filters.get_by_role("button", name="Apply").click()
    page.wait_for_load_state("load")


def page_table(page) -> dict[tuple[str, str], dict]:
    """(person, skill name) -> what the entry says, for every entry of a skill in the person's role."""
    names = {slug: name.strip() for slug, name in zip(column_slugs(page), column_names(page), strict=True)}
    slugs = column_slugs(page)
    rows = page.locator("table.heatmap tbody tr").evaluate_all(
        """(rows) => rows.map(row => [row.querySelector('th a').textContent.trim(),
            [...row.querySelectorAll('td')].map(td => [td.className, td.textContent.trim().replace(/\\s+/g, ' ')])])"""
    )
    shown = {}
    for person, entries in rows:
        for slug, (classes, text) in zip(slugs, entries, strict=True):
            if "n" in classes.split():
                continue  # not in the person's role (or hidden by the filters)
            status, _, levels = text.partition(" exp. ")
            expected, self_level, lead_level = (part.strip() for part in levels.split("·"))
            shown[(person, names[slug])] = {
                "self": self_level.removeprefix("self "),
                "lead": lead_level.removeprefix("lead "),
                "required": expected.endswith("*"),
                "disagree": "disagree" in status,
                "expected": expected.removesuffix("*"),
            }
    return shown


def downloaded_csv(page) -> dict[tuple[str, str], dict]:
    with page.expect_download() as download:
        page.get_by_role("link", name="Download CSV").click()
    text = download.value.path().read_text(encoding="utf-8")
    return {
        (row["person"], row["skill"]): {
            "self": row["self"],
            "lead": row["lead"],
            "required": row["required"] == "true",
            "disagree": row["disagree"] == "true",
            "expected": row["expected"],
        }
        for row in csv.DictReader(io.StringIO(text))
    }


def open_account_page(page) -> None:
    """The account page from the header: its link sits in the menu under the member's name."""
    page.locator(".account-menu__toggle:visible").first.click()
    page.locator(".account-nav a[href='/accounts/profile/']:visible").first.click()


def test_a_lead_builds_a_team_assesses_it_and_a_member_who_leaves_is_gone(browser, live_server, seeded_catalog):
    lena = UserFactory(username="lena")
    ada = UserFactory(username="ada")
    ben = UserFactory(username="ben", email="ben@example.com")

    # Lena creates the team from the Teams page and invites Ada by username, Ben by email.
    lead = open_as(browser, live_server, lena)
    page = lead.page
    open_account_page(page)
    page.locator("#teams").get_by_role("link", name="My teams").click()
    page.wait_for_url("**/teams/")
    page.get_by_label("Team name").fill(TEAM)
    page.get_by_role("button", name="Create the team").click()
    page.wait_for_url(lead.url(f"/teams/{SLUG}/"))
    expect(page.get_by_role("heading", level=1)).to_have_text(TEAM)
    for identifier, name in (("ada", "ada"), ("ben@example.com", "ben")):
        page.get_by_label("Invite by username or email").fill(identifier)
        page.get_by_role("button", name="Invite", exact=True).click()
        expect(page.locator(".messages")).to_contain_text(f"{name} is invited.")
    expect(page.locator(".team-members")).to_contain_text("ada Member invited")
    expect(page.locator(".team-members")).to_contain_text("ben Member invited")

    # Ada and Ben sign in, choose their role and level, accept, and assess themselves with evidence.
    member_a = open_as(browser, live_server, ada)
    choose_role_and_level(member_a)
    accept_on_account_page(member_a)
    self_assess(
        member_a,
        [
            ("experiment-tracking", "Middle", "https://example.com/ada/tracking", "Set up **MLflow** for the team."),
            ("ml-model-evaluation", "Middle", "", "Wrote the evaluation guide."),
        ],
    )
    member_b = open_as(browser, live_server, ben)
    choose_role_and_level(member_b)
    accept_on_account_page(member_b)
    self_assess(
        member_b,
        [
            ("experiment-tracking", "Senior", "https://example.com/ben/dashboards", "Runs *every* experiment review."),
            ("unit-testing", "Junior", "", ""),
        ],
    )
    mine = member_b.page.locator("#skill-experiment-tracking")
    expect(mine.locator(".assessment").first).to_contain_text("Senior")
    expect(mine.locator(".assessment em")).to_have_text("every")  # the note's Markdown, rendered
    expect(mine.get_by_role("link", name="Evidence")).to_have_attribute("href", "https://example.com/ben/dashboards")
    screenshot(member_b.page, "teams-my-skills")

    # Ben's teammate sees no heatmap and cannot open Ada's page.
    response = member_b.page.goto(member_b.url(f"/teams/{SLUG}/people/ada/"))
    assert response.status == 403
    member_b.errors.clear()

    # Lena assesses both on their pages, reached from the heatmap; she disagrees with Ben.
    page.reload()
    expect(page.locator("table.heatmap")).to_be_visible()
    for person, skill, level, note in (
        ("ada", "experiment-tracking", "Middle", "Agreed: the MLflow set-up."),
        ("ada", "ml-model-evaluation", "Middle", ""),
        ("ben", "experiment-tracking", "Junior", "Reviews are a start; *tracking* itself is new."),
    ):
        page.locator("table.heatmap tbody th").get_by_role("link", name=person, exact=True).click()
        page.wait_for_url(f"**/teams/{SLUG}/people/{person}/")
        assess(page, skill, level, note=note)
        row = page.locator(f"#skill-{skill}")
        expect(row.locator(".skill-row__assessments > div").nth(1)).to_contain_text(level)
        page.locator(".eyebrow").get_by_role("link", name=TEAM).click()
        page.wait_for_url(f"**/teams/{SLUG}/")
    assert Assessment.objects.filter(assessor=lena).count() == 3

    # The heatmap says the disagreement in words, not only in colour.
    disagreement = cell(page, "ben", "experiment-tracking")
    expect(disagreement.locator("b")).to_have_text(re.compile(r"1 below · ≠ disagree"))
    expect(disagreement).to_contain_text("exp. Mid* · self Sen · lead Jun")
    expect(cell(page, "ada", "experiment-tracking").locator("b")).to_have_text("meets")
    expect(cell(page, "ada", "unit-testing").locator("b")).to_have_text("not assessed")
    summary = page.locator("tfoot td").nth(column_slugs(page).index("experiment-tracking"))
    expect(summary).to_have_text("1 meet · 1 below · 0 not assessed")
    assert row_names(page) == ["ada", "ben", "lena"]
    screenshot(page, "teams-heatmap")
    assert page_table(page) == downloaded_csv(page)

    # Filters: a domain, required only, disagreements only; sort by gap. The CSV follows each.
    apply_filters(page, domain="Testing & QA")
    assert column_names(page) == ["Unit Testing"]
    assert row_names(page) == ["ada", "ben"]
    expect(cell(page, "ben", "unit-testing").locator("b")).to_have_text("1 below")
    assert page_table(page) == downloaded_csv(page)

    apply_filters(page, required=True)
    assert column_names(page) == ["Experiment Tracking", "ML Model Evaluation"]
    assert page_table(page) == downloaded_csv(page)

    apply_filters(page, disagree=True)
    assert column_names(page) == ["Experiment Tracking"]
    assert row_names(page) == ["ben"]
    assert list(downloaded_csv(page)) == [("ben", "Experiment Tracking")]

    apply_filters(page, by_gap=True)
    assert row_names(page) == ["ben", "ada", "lena"]
    assert page_table(page) == downloaded_csv(page)
    screenshot(page, "teams-heatmap-by-gap")

    # Ben leaves from the team page; Lena's heatmap loses him at once, and his page is closed to her.
    member_b.goto(f"/teams/{SLUG}/")
    member_b.page.get_by_role("button", name="Leave the team").click()
    member_b.page.wait_for_url("**/teams/")
    expect(member_b.page.locator(".messages")).to_contain_text(f"You left {TEAM}.")
    assert not Membership.objects.filter(team__slug=SLUG, user=ben, status="active").exists()

    page.reload()
    assert row_names(page) == ["ada", "lena"]
    expect(page.locator("table.heatmap")).not_to_contain_text("disagree")
    expect(page.locator(".team-members")).not_to_contain_text("ben")
    assert "ben" not in {person for person, _skill in downloaded_csv(page)}
    response = page.goto(lead.url(f"/teams/{SLUG}/people/ben/"))
    assert response.status == 404
    lead.errors.remove(f"404 GET {lead.url(f'/teams/{SLUG}/people/ben/')}")

    for site in (lead, member_a, member_b):
        assert site.errors == []
        assert site.dialogs == []


# --- axe-core and the Nu HTML checker on every teams page -----------------------------------------------

MODES = {
    "light": {"viewport": DESKTOP, "color_scheme": "light"},
    "dark": {"viewport": DESKTOP, "color_scheme": "dark"},
    "phone": {"viewport": PHONE, "color_scheme": "light"},
}

# Every teams page, with who looks at it: the lead, a member (ben), one invited (ivy, no role chosen).
TEAM_PAGES = [
    ("team-list-lead", "lena", "/teams/"),
    ("team-list-invited", "ivy", "/teams/"),
    ("account-invited", "ivy", "/accounts/profile/"),
    ("heatmap", "lena", f"/teams/{SLUG}/"),
    ("heatmap-filtered", "lena", f"/teams/{SLUG}/?domain=machine-learning-ai&disagree=1&sort=gap"),
    ("heatmap-empty", "lena", f"/teams/{SLUG}/?domain=security"),
    ("team-as-member", "ben", f"/teams/{SLUG}/"),
    ("team-as-invited", "ivy", f"/teams/{SLUG}/"),
    ("person", "lena", f"/teams/{SLUG}/people/ben/"),
    ("person-self", "lena", f"/teams/{SLUG}/people/lena/"),
    ("my-skills", "ben", "/me/skills/"),
    ("my-skills-target", "ben", "/me/skills/?role=technical-lead&level=senior"),
    ("my-skills-no-role", "ivy", "/me/skills/"),
]


def build_team_world() -> dict:
    """Lena leads Data Science with Ada and Ben (Middle Data Scientists) and has invited Ivy; Ben assessed
    himself with evidence, Lena disagrees on one skill, and one of his cells was edited since."""
    users = {name: UserFactory(username=name) for name in ("lena", "ada", "ben", "ivy")}
    middle, role = Level.objects.get(slug="middle"), Role.objects.get(slug="data-scientist")
    team = services.team_create(user=users["lena"], name=TEAM)
    for name in ("ada", "ben"):
        growth_services.plan_settings_save(user=users[name], role=role, level=middle)
        services.member_invite(team=team, by=users["lena"], identifier=name)
        services.invitation_accept(team=team, user=users[name])
    services.member_invite(team=team, by=users["lena"], identifier=users["ivy"].email)
    skills = {skill.slug: skill for skill in Skill.objects.filter(expectations__role=role).distinct()}
    levels = {level.slug: level for level in Level.objects.all()}
    for skill, level in (("experiment-tracking", "senior"), ("unit-testing", "junior"), ("dbt", None)):
        services.self_assessment_record(
            user=users["ben"],
            skill=skills[skill],
            level=levels.get(level),
            evidence_url=f"https://example.com/ben/{skill}",
            note="Ran the **weekly** review; see [the notes](https://example.com/notes).\n\n- one\n- two",
        )
    services.self_assessment_record(user=users["ada"], skill=skills["experiment-tracking"], level=middle)
    for who, skill, level in (("ben", "experiment-tracking", "junior"), ("ada", "experiment-tracking", "middle")):
        services.lead_assessment_record(
            team=team, lead=users["lena"], subject=users[who], skill=skills[skill], level=levels[level], note="*Seen*."
        )
    edited = Expectation.objects.get(skill__slug="unit-testing", role=role, level__slug="junior")
    Expectation.objects.filter(pk=edited.pk).update(description=edited.description + " Also tests the edge cases.")
    return users


def open_every_form(page) -> None:
    page.locator("details").evaluate_all("(all) => all.forEach(d => d.open = true)")


@pytest.mark.parametrize("mode", MODES)
def test_the_teams_pages_have_no_serious_accessibility_violation(site, node_tools, seeded_catalog, mode):
    users = build_team_world()
    page = site.page
    page.set_viewport_size(MODES[mode]["viewport"])
    page.emulate_media(color_scheme=MODES[mode]["color_scheme"])
    problems = {}
    for name, who, path in TEAM_PAGES:
        page.context.clear_cookies()
        sign_in(page.context, site.base_url, users[who])
        site.goto(path)
        open_every_form(page)
        if violations := axe_violations(page):
            problems[f"{name} ({mode}) {path}"] = violations
        screenshot(page, f"teams-{name}-{mode}")
    assert problems == {}
    assert site.errors == []


def test_the_teams_pages_are_valid_html(tmp_path, node_tools, seeded_catalog):
    java = require_tool("java", "the Nu HTML Checker runs on Java (apt-get install default-jre-headless)")
    users = build_team_world()
    clients = {}
    for who, user in users.items():
        clients[who] = Client()
        clients[who].force_login(user)
    pages = {}
    for name, who, path in TEAM_PAGES:
        response = clients[who].get(path)
        assert response.status_code == 200, path
        pages[name] = response
    posts = {
        "create-errors": ("lena", "/teams/new/", {"name": ""}),
        "assess-errors": ("ben", "/me/skills/dbt/", {"dbt-level": "nonsense", "dbt-evidence_url": "not a link"}),
        "invite-errors": ("lena", f"/teams/{SLUG}/invite/", {"user": "nobody"}),
    }
    for name, (who, path, data) in posts.items():
        pages[name] = clients[who].post(path, data, follow=True)
        assert pages[name].status_code in (200, 400), name
    html = {name: response.content.decode() for name, response in pages.items()}
    assert "Made against an older text" in html["person"] and "Made against an older text" in html["my-skills"]
    assert "≠ disagree" in html["heatmap"] and "Team invitations" in html["account-invited"]
    assert pages["create-errors"].status_code == 400
    files = []
    for name, response in pages.items():
        path = tmp_path / f"{name}.html"
        path.write_text(response.content.decode())
        files.append(path)
    result = subprocess.run(
        [java, "-jar", str(node_tools["vnu"]), "--errors-only", "--format", "json", *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(result.stderr or result.stdout)["messages"]
    errors = [
        f"{m['url'].rsplit('/', 1)[-1]}:{m.get('lastLine')}: {m['message']} [{m.get('extract', '').strip()[:80]}]"
        for m in messages
    ]
    assert errors == [], "\n".join(errors)
    assert len(files) == len(TEAM_PAGES) + 3


def test_no_payload_runs_in_notes_or_team_names(browser, live_server, seeded_catalog):
    """Every payload of tests/payloads/xss.txt as an assessment note (self and lead) and as a team name."""
    users = build_team_world()
    payloads = xss_payloads()
    role = Role.objects.get(slug="data-scientist")
    skills = list(Skill.objects.filter(expectations__role=role).distinct().order_by("slug"))
    team = Team.objects.get(slug=SLUG)
    for index, skill in enumerate(skills):
        chunk = "\n\n".join(payloads[index :: len(skills)])
        services.self_assessment_record(user=users["ben"], skill=skill, level=None, note=chunk[:NOTE_MAX_LENGTH])
        services.lead_assessment_record(
            team=team, lead=users["lena"], subject=users["ben"], skill=skill, level=None, note=chunk[-NOTE_MAX_LENGTH:]
        )
    for payload in payloads:
        hostile = services.team_create(user=users["lena"], name=payload[:TEAM_NAME_MAX_LENGTH], slug="")
        services.member_invite(team=hostile, by=users["lena"], identifier="ivy")
    pages = {
        "ben": ["/me/skills/"],
        "lena": ["/teams/", f"/teams/{SLUG}/", f"/teams/{SLUG}/people/ben/"],
        "ivy": ["/teams/", "/accounts/profile/"],
    }
    found = {}
    for who, paths in pages.items():
        context = browser.new_context(bypass_csp=True)
        sign_in(context, live_server.url, users[who])
        site = Site(context.new_page(), live_server.url)
        for path in paths:
            site.goto(path)
            open_every_form(site.page)
            site.page.wait_for_timeout(50)  # room for onload, onfocus, ontoggle and the like to fire
            if hazards := script_hazards(site.page):
                found[f"{who} {path}"] = hazards
            if who == "ivy":  # every hostile team's invitation is on the page, and the team she was invited to
                expect(site.page.locator("#team-invitations li")).to_have_count(len(payloads) + 1)
        assert site.dialogs == [] and site.errors == []
        context.close()
    assert found == {}
