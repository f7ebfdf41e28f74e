"""The teams world: a role over two domains, one team with a lead, a member and an invitee, and the cast.

The cast of the access matrix: anonymous, outsider (signed in, in no team), invitee (invited, not yet
in), teammate (active member of the same team as `member`), lead, other_lead (lead of another team), staff.
`member` is the subject whose assessments are at stake.
"""

from dataclasses import dataclass

import pytest

from growth import services as growth_services
from skills.models import Expectation, Level, Proficiency, Role
from teams import services
from teams.models import Team
from tests.factories import DomainFactory, SkillFactory, SkillGroupFactory, UserFactory, make_role
from tests.teams.helpers import SECRET_NOTE, SECRET_URL


@dataclass
class TeamWorld:
    role: Role
    other_role: Role
    junior: Level
    middle: Level
    senior: Level
    lead_level: Level
    skills: dict  # slug -> Skill
    cells: dict  # "<skill>@<level>" -> Expectation
    team: Team
    other_team: Team


def make_cell(skill, role, level, description, *, required=False) -> Expectation:
    return Expectation.objects.create(
        skill=skill, role=role, level=level, description=description, required=required, proficiency=Proficiency.WORKING
    )


@pytest.fixture
def world(levels, member, staff) -> TeamWorld:
    """Data Scientist (Junior..Lead): Alpha (tracking required at Middle, dashboards), Omega (testing).

    The member is a Middle Data Scientist; the lead leads "Core" where the member and the teammate are
    active and the invitee is invited; other_lead leads "Edge".
    """
    junior, middle, senior, lead_level, _principal = levels
    role = make_role([junior, middle, senior, lead_level], name="Data Scientist", slug="data-scientist")
    other_role = make_role([junior, middle, senior], name="ML Engineer", slug="ml-engineer")
    alpha = SkillGroupFactory(domain=DomainFactory(name="Alpha", slug="alpha", position=1))
    omega = SkillGroupFactory(domain=DomainFactory(name="Omega", slug="omega", position=2))
    skills = {
        "tracking": SkillFactory(group=alpha, name="Tracking", slug="tracking"),
        "dashboards": SkillFactory(group=alpha, name="Dashboards", slug="dashboards"),
        "testing": SkillFactory(group=omega, name="Testing", slug="testing"),
        "elsewhere": SkillFactory(group=omega, name="Elsewhere", slug="elsewhere"),
    }
    cells = {}
    for level in (junior, middle, senior, lead_level):
        cells[f"tracking@{level.slug}"] = make_cell(
            skills["tracking"], role, level, f"Tracks runs at {level.name}.", required=level.position >= 2
        )
        cells[f"dashboards@{level.slug}"] = make_cell(skills["dashboards"], role, level, f"Dashboards, {level.name}.")
        cells[f"testing@{level.slug}"] = make_cell(
            skills["testing"], role, level, f"Tests at {level.name}.", required=level.position >= 3
        )
    for level in (junior, middle, senior):
        cells[f"elsewhere@{level.slug}"] = make_cell(
            skills["elsewhere"], other_role, level, f"Elsewhere at {level.name}.", required=True
        )
    users = {name: UserFactory(username=name) for name in ("lead", "teammate", "invitee", "outsider", "other_lead")}
    for user in (member, users["lead"], users["teammate"]):
        growth_services.plan_settings_save(user=user, role=role, level=middle)
    team = services.team_create(user=users["lead"], name="Core")
    for name in ("teammate",):
        services.member_invite(team=team, by=users["lead"], identifier=name)
        services.invitation_accept(team=team, user=users[name])
    services.member_invite(team=team, by=users["lead"], identifier=member.email)
    services.invitation_accept(team=team, user=member)
    services.member_invite(team=team, by=users["lead"], identifier="invitee")
    other_team = services.team_create(user=users["other_lead"], name="Edge")
    return TeamWorld(
        role=role,
        other_role=other_role,
        junior=junior,
        middle=middle,
        senior=senior,
        lead_level=lead_level,
        skills=skills,
        cells=cells,
        team=team,
        other_team=other_team,
    )


@pytest.fixture
def cast(world, member, staff) -> dict:
    """Every persona of the access matrix, by name (None for anonymous)."""
    from django.contrib.auth import get_user_model

    users = {user.username: user for user in get_user_model().objects.all()}
    return {
        "anonymous": None,
        "outsider": users["outsider"],
        "invitee": users["invitee"],
        "teammate": users["teammate"],
        "member": member,
        "lead": users["lead"],
        "other_lead": users["other_lead"],
        "staff": staff,
    }


@pytest.fixture
def assessed(world, cast) -> None:
    """The member self-assessed tracking at Senior with secret evidence; the lead says Middle."""
    services.self_assessment_record(
        user=cast["member"],
        skill=world.skills["tracking"],
        level=world.senior,
        evidence_url=SECRET_URL,
        note=SECRET_NOTE,
    )
    services.lead_assessment_record(
        team=world.team,
        lead=cast["lead"],
        subject=cast["member"],
        skill=world.skills["tracking"],
        level=world.middle,
        evidence_url="",
        note="",
    )
