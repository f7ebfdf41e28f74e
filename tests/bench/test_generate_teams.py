"""Generated teams: the benchmark's 50-person team, others of 5 to 50, assessments with a history."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from bench.generate import delete_generated, generate_catalog
from bench.generate_teams import generate_teams
from growth.models import PlanProfile
from teams import selectors
from teams.models import Assessment, AssessmentKind, Membership, MembershipRole, Team

pytestmark = pytest.mark.django_db


def test_teams_of_generated_members_with_assessments(levels):
    generate_catalog(skills=40, roles=4, seed=3)
    stats = generate_teams(teams=3, seed=3)

    teams = list(Team.objects.filter(slug__startswith="gen-").order_by("slug"))
    assert (stats.teams, len(teams)) == (3, 3)
    sizes = [Membership.objects.active().filter(team=team).count() for team in teams]
    assert sizes[0] == 50 and all(5 <= size <= 50 for size in sizes)
    assert stats.members == sum(sizes) == get_user_model().objects.filter(username__startswith="gen-").count()
    for team in teams:
        (lead,) = Membership.objects.filter(team=team, role=MembershipRole.LEAD)
        people = PlanProfile.objects.filter(user__team_memberships__team=team)
        assert len(set(people.values_list("role_id", flat=True))) == 1  # the heatmap's columns: the role's skills
        by_lead = Assessment.objects.filter(kind=AssessmentKind.LEAD, subject__team_memberships__team=team)
        assert by_lead.exists() and not by_lead.exclude(assessor=lead.user).exists()
    assert stats.assessments == Assessment.objects.count()
    # A history: more rows than current assessments.
    assert Assessment.objects.current().count() < stats.assessments
    heatmap = selectors.heatmap(team=teams[0])
    assert len(heatmap.people) == 50 and heatmap.skills
    assert any(cell.self_assessment and cell.lead_assessment for p in heatmap.people for cell in p.cells)

    fields = ("subject__username", "skill__slug", "kind", "created", "level_id")
    again = list(Assessment.objects.order_by(*fields).values_list(*fields))
    delete_generated()
    assert not Team.objects.exists() and not Assessment.objects.exists()
    generate_catalog(skills=40, roles=4, seed=3)
    generate_teams(teams=3, seed=3)
    same = list(Assessment.objects.order_by(*fields).values_list(*fields))
    assert same == again  # the same seed, the same teams


def test_the_command_makes_teams_and_shows_progress(levels):
    out, err = io.StringIO(), io.StringIO()
    call_command("generate_catalog", "--skills", "20", "--roles", "2", "--teams", "2", stdout=out, stderr=err)
    assert "2 teams" in out.getvalue() and "members [" in err.getvalue()
