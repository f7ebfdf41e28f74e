"""Each teams page and endpoint costs the same queries for a 3-person team on a 5-skill role and a
50-person team on a 300-skill role (STYLE.md habit 2; issue 18's scale). A person's pages are counted on
a small team at both catalog sizes: their cost does not depend on the team."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from growth.models import PlanProfile
from skills.freshness import kept
from skills.models import Expectation, Proficiency, RoleLevel
from teams import selectors, services
from teams.models import Assessment, AssessmentKind, Membership, MembershipStatus
from teams.pages import PEOPLE_PER_PAGE
from teams.selectors import ALL_DOMAINS_UP_TO
from tests.factories import DomainFactory, SkillFactory, SkillGroupFactory, UserFactory, make_role
from tests.teams.helpers import client_for, heatmap_cells

SIZES = [(3, 5), (50, 300)]


def build(levels, people: int, skills: int):
    """A team of `people` Middle members of one role with `skills` skills over two domains, all assessed."""
    junior, middle, senior, lead_level, _principal = levels
    role = make_role([junior, middle, senior, lead_level], name="Counted role", slug="counted-role")
    groups = [SkillGroupFactory(domain=DomainFactory()) for _ in range(2)]
    skill_rows = [SkillFactory(group=groups[i % 2]) for i in range(skills)]
    Expectation.objects.bulk_create(
        Expectation(
            skill=skill,
            role=role,
            level=level,
            description=f"{skill.name} at {level.name}.",
            required=i % 3 == 0,
            proficiency=Proficiency.WORKING,
        )
        for i, skill in enumerate(skill_rows)
        for level in (junior, middle, senior, lead_level)
    )
    lead = UserFactory(username="counted-lead")
    PlanProfile.objects.create(user=lead, role=role, level=senior)
    team = services.team_create(user=lead, name="Counted")
    users = [UserFactory(username=f"person{i:02d}") for i in range(people - 1)]
    PlanProfile.objects.bulk_create(PlanProfile(user=user, role=role, level=middle) for user in users)
    Membership.objects.bulk_create(
        Membership(team=team, user=user, status=MembershipStatus.ACTIVE, invited_by=lead) for user in users
    )
    cells = {(c.skill_id, c.level_id): c for c in Expectation.objects.filter(role=role)}
    rows = []
    for user in users:
        for i, skill in enumerate(skill_rows):
            for kind, assessor, level in (
                (AssessmentKind.SELF, user, senior if i % 2 else middle),
                (AssessmentKind.LEAD, lead, junior if i % 4 == 0 else middle),
            ):
                cell = cells[(skill.pk, level.pk)]
                rows.append(
                    Assessment(
                        subject=user,
                        assessor=assessor,
                        kind=kind,
                        skill=skill,
                        role=role,
                        level=level,
                        expectation=cell,
                        version=cell.version,
                        description=cell.description,
                        note="Note with *Markdown*.",
                        evidence_url="https://example.com/proof",
                    )
                )
    Assessment.objects.bulk_create(rows)
    # One cell edited after the assessments: its rows are "made against an older text".
    first = cells[(skill_rows[1].pk, senior.pk)]
    first.description = "Changed since."
    first.save()
    return team, lead, users, skill_rows


# The heatmap page built afresh (a miss: the first request after any change to the catalog or the teams):
# session, user; the revisions; team, own membership; the member list; the active members, profiles, role
# levels, cells, current assessments and their levels, cells and assessors (prefetched).
HEATMAP = 14
# The same page again: the lead's own copy of the whole page (freshness.member_pages): session, user and
# the revisions, whatever the size of the team.
HEATMAP_HIT = 3
# Other filters or another page of people: the heatmap built afresh, the member list kept (one query fewer).
HEATMAP_OTHER = HEATMAP - 1
# session, user; team, own membership; active memberships; profiles, role levels, cells, current assessments
# and their levels, cells and assessors
MATRIX = 12
# session, user; profiles, role levels, cells, current assessments (one person's: their ids, then those rows with
# levels, cells, assessors joined); roles and their levels (target form); target cells; the chart's counts
MY_SKILLS = 11
# session, user; team, own membership, the member; profiles, role levels, cells, current assessments (their ids,
# then joined: levels, cells, assessors); the chart's counts
PERSON = 11


def count(client, url: str) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return len(queries), response


@pytest.mark.parametrize(("people", "skills"), SIZES)
def test_the_heatmap_csv_and_matrix(levels, people, skills):
    team, lead, _users, _skills = build(levels, people, skills)
    client = client_for(lead)
    # A large team opens on its first domain (half the skills here), 20 people a page.
    shown = min(people, PEOPLE_PER_PAGE) * (skills if skills <= ALL_DOMAINS_UP_TO else skills // 2)
    n, response = count(client, f"/teams/{team.slug}/")
    assert response.status_code == 200 and len(heatmap_cells(response.content.decode())) == shown
    assert n == HEATMAP
    n, again = count(client, f"/teams/{team.slug}/")
    assert (again.status_code, n) == (200, HEATMAP_HIT)
    assert heatmap_cells(again.content.decode()) == heatmap_cells(response.content.decode())
    n, response = count(client, f"/teams/{team.slug}/?sort=gap&required=1")
    assert (response.status_code, n) == (200, HEATMAP_OTHER)
    last = (people - 1) // PEOPLE_PER_PAGE + 1
    n, response = count(client, f"/teams/{team.slug}/?domain=all&page={last}")
    rows = people - (last - 1) * PEOPLE_PER_PAGE
    assert response.status_code == 200 and len(heatmap_cells(response.content.decode())) == rows * skills
    assert n == HEATMAP_OTHER
    n, response = count(client, f"/teams/{team.slug}/matrix.csv")
    assert response.status_code == 200 and len(response.content.decode().splitlines()) == 1 + people * skills
    assert n == MATRIX
    n, response = count(client, f"/api/teams/{team.slug}/matrix/")
    assert response.status_code == 200 and len(response.json()["people"]) == people
    assert n == MATRIX


@pytest.mark.parametrize(("people", "skills"), [(3, 5), (3, 300)])
def test_me_skills_and_a_members_page(levels, people, skills):
    team, lead, users, _skill_rows = build(levels, people, skills)
    n, response = count(client_for(users[0]), "/me/skills/")
    assert response.status_code == 200 and response.content.decode().count('class="card skill-row"') == skills
    assert "Made against an older text" in response.content.decode()
    assert n == MY_SKILLS
    n, response = count(client_for(lead), f"/teams/{team.slug}/people/{users[0].username}/")
    assert response.status_code == 200 and response.content.decode().count('class="card skill-row"') == skills
    assert n == PERSON


@pytest.mark.parametrize("language", ["de", "es", "zh-hans"])
def test_a_persons_pages_in_another_language_cost_the_same(levels, settings, language):
    """Each skill's and domain's translations are read with it: no query per skill in another language."""
    team, lead, users, skill_rows = build(levels, 3, 300)
    skill_rows[0].translations = {
        "de": {"name": "Übersetzt"},
        "es": {"name": "Traducido"},
        "zh-hans": {"name": "已翻译"},
    }
    skill_rows[0].save()
    member, lead_client = client_for(users[0]), client_for(lead)
    for client in (member, lead_client):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    n, response = count(member, "/me/skills/")
    page = response.content.decode()
    assert response.status_code == 200 and page.count('class="card skill-row"') == 300
    assert skill_rows[0].translations[language]["name"] in page
    assert n == MY_SKILLS
    n, response = count(lead_client, f"/teams/{team.slug}/people/{users[0].username}/")
    assert response.status_code == 200 and response.content.decode().count('class="card skill-row"') == 300
    assert n == PERSON


# --- A role's skills kept per catalog revision (teams.selectors.role_skills) ---------------------------


@pytest.fixture
def kept_roles(monkeypatch):
    """Roles and targets kept as under the revision listener (whose counters, here, come from the database)."""
    monkeypatch.setattr(kept, "listening", lambda: True)
    selectors.forget()
    yield
    selectors.forget()


def unmasked(response) -> str:
    """The page without its CSRF tokens, masked anew on every response."""
    return re.sub(r'value="[A-Za-z0-9]{64}"', 'value="token"', response.content.decode())


def rows_of(response) -> list[str]:
    return re.findall(r'<li class="card skill-row" id="skill-([^"]+)">', response.content.decode())


def test_a_kept_role_spares_its_three_reads_and_shows_the_same(levels, kept_roles):
    team, lead, users, _skill_rows = build(levels, 3, 5)
    member = client_for(users[0])
    n, first = count(member, "/me/skills/")
    # The revisions (none under the listener), then the page as before.
    assert n == MY_SKILLS + 1
    # Kept: the role's levels and cells, and the target's cells.
    n, again = count(member, "/me/skills/")
    assert n == MY_SKILLS + 1 - 3
    assert unmasked(again) == unmasked(first)
    url = f"/teams/{team.slug}/people/{users[0].username}/"
    n, person = count(client_for(lead), url)
    assert n == PERSON + 1 - 2  # the role, kept by the member's request in this process
    assert rows_of(person) == rows_of(first)


def test_every_change_to_a_kept_role_shows_on_the_next_request(levels, kept_roles):
    _junior, middle, senior, lead_level, _principal = levels
    _team, _lead, users, skill_rows = build(levels, 3, 5)
    member = client_for(users[0])

    def page() -> str:
        response = member.get("/me/skills/")
        assert response.status_code == 200
        return unmasked(response)

    before = page()
    assert page() == before  # kept
    role = Expectation.objects.filter(skill=skill_rows[0]).first().role
    skill_rows[0].name = "A renamed skill"
    skill_rows[0].save()
    assert "A renamed skill" in page()

    # A cell made required at the member's level: their row says so.
    middle_cell = Expectation.objects.get(skill=skill_rows[1], role=role, level=middle)
    assert not middle_cell.required
    row = re.compile(rf'id="skill-{skill_rows[1].slug}">.*?</li>', re.S)
    assert "· required" not in row.search(page()).group()
    middle_cell.required = True
    middle_cell.save()
    assert "· required" in row.search(page()).group()

    # A new skill of the role: a new row. A skill's cell gone from the target level: no longer asked there; all its
    # cells gone: no longer a skill of the role.
    extra = SkillFactory(group=skill_rows[0].group)
    Expectation.objects.create(
        skill=extra, role=role, level=middle, description="New.", required=True, proficiency=Proficiency.WORKING
    )
    assert f'id="skill-{extra.slug}"' in page()
    target = re.compile(r'id="target-result">.*?</div>\s*</div>|id="target-result">.*', re.S)
    assert skill_rows[2].name in target.search(page()).group()
    Expectation.objects.filter(skill=skill_rows[2], role=role, level=senior).delete()
    assert skill_rows[2].name not in target.search(page()).group()
    Expectation.objects.filter(skill=skill_rows[2], role=role).delete()
    assert f'id="skill-{skill_rows[2].slug}"' not in page()

    # The role without the next level: the target moves on to the one after.
    assert f"Towards {senior.name} {role.name}" in page()
    Expectation.objects.filter(role=role, level=senior).delete()
    RoleLevel.objects.filter(role=role, level=senior).delete()
    assert f"Towards {lead_level.name} {role.name}" in page()
