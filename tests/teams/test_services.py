"""The rules of teams and assessments, as the services hold them."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from teams import access, selectors, services
from teams.models import Assessment, AssessmentKind, Membership, MembershipRole, MembershipStatus
from tests.factories import UserFactory


def test_the_creator_leads_the_new_team(world, cast):
    membership = Membership.objects.get(team=world.team, user=cast["lead"])
    assert (membership.role, membership.status) == (MembershipRole.LEAD, MembershipStatus.ACTIVE)
    assert world.team.slug == "core"


def test_a_taken_address_given_or_an_empty_name_is_a_field_error(world, cast):
    with pytest.raises(ValidationError) as taken:
        services.team_create(user=cast["outsider"], name="Another", slug="core")
    assert "slug" in taken.value.message_dict
    assert services.team_create(user=cast["outsider"], name="Core").slug == "core-2"
    assert services.team_create(user=cast["outsider"], name="Core").slug == "core-3"
    with pytest.raises(ValidationError) as empty:
        services.team_create(user=cast["outsider"], name="   ")
    assert "name" in empty.value.message_dict


def test_invite_by_username_or_email_of_existing_users_only(world, cast):
    services.member_invite(team=world.team, by=cast["lead"], identifier="OUTSIDER@example.com")
    assert Membership.objects.get(team=world.team, user=cast["outsider"]).status == MembershipStatus.INVITED
    with pytest.raises(ValidationError) as unknown:
        services.member_invite(team=world.team, by=cast["lead"], identifier="nobody@example.com")
    assert "sign up" in unknown.value.message_dict["user"][0]
    with pytest.raises(ValidationError) as again:
        services.member_invite(team=world.team, by=cast["lead"], identifier="teammate")
    assert "already in this team" in again.value.message_dict["user"][0]


def test_only_a_lead_invites(world, cast):
    with pytest.raises(PermissionDenied):
        services.member_invite(team=world.team, by=cast["teammate"], identifier="outsider")
    with pytest.raises(PermissionDenied):
        services.member_invite(team=world.team, by=cast["other_lead"], identifier="outsider")


def test_accept_and_decline_need_an_open_invitation(world, cast):
    with pytest.raises(ValidationError):
        services.invitation_accept(team=world.team, user=cast["outsider"])
    with pytest.raises(ValidationError):
        services.invitation_accept(team=world.team, user=cast["teammate"])
    services.invitation_decline(team=world.team, user=cast["invitee"])
    assert not Membership.objects.filter(team=world.team, user=cast["invitee"]).exists()


def test_the_last_lead_leaves_only_by_naming_another(world, cast):
    lead, teammate = cast["lead"], cast["teammate"]
    with pytest.raises(ValidationError) as refused:
        services.member_remove(team=world.team, by=lead, user=lead)
    assert "new_lead" in refused.value.message_dict
    with pytest.raises(ValidationError):  # an invitee cannot lead
        services.member_remove(team=world.team, by=lead, user=lead, new_lead=cast["invitee"])
    services.member_remove(team=world.team, by=lead, user=lead, new_lead=teammate)
    assert Membership.objects.get(team=world.team, user=teammate).is_lead
    assert not Membership.objects.filter(team=world.team, user=lead).exists()


def test_a_member_leaves_and_only_a_lead_removes_others(world, cast):
    with pytest.raises(PermissionDenied):
        services.member_remove(team=world.team, by=cast["teammate"], user=cast["member"])
    services.member_remove(team=world.team, by=cast["teammate"], user=cast["teammate"])
    services.member_remove(team=world.team, by=cast["lead"], user=cast["member"])
    assert set(Membership.objects.filter(team=world.team).values_list("user__username", flat=True)) == {
        "lead",
        "invitee",
    }


def test_make_lead_needs_an_active_member(world, cast):
    with pytest.raises(ValidationError):
        services.member_make_lead(team=world.team, by=cast["lead"], user=cast["invitee"])
    services.member_make_lead(team=world.team, by=cast["lead"], user=cast["teammate"])
    # With two leads, one may leave without naming a successor.
    services.member_remove(team=world.team, by=cast["lead"], user=cast["lead"])
    assert Membership.objects.get(team=world.team, user=cast["teammate"]).is_lead


def test_a_self_assessment_keeps_the_cell_it_was_made_against(world, cast):
    row = services.self_assessment_record(
        user=cast["member"], skill=world.skills["tracking"], level=world.senior, note="Did it."
    )
    cell = world.cells["tracking@senior"]
    assert (row.expectation, row.version, row.description, row.role) == (cell, 1, cell.description, world.role)
    assert not row.made_against_older_text
    cell.description = "Tracks runs at Senior, automatically."
    cell.save()  # the database bumps the version
    row = Assessment.objects.select_related("expectation").get(pk=row.pk)
    assert row.made_against_older_text
    assert "".join(s.text for s in row.text_segments() if s.is_insert).strip() == ", automatically"


def test_a_level_outside_the_role_or_a_skill_outside_it_is_refused(world, cast, levels):
    principal = levels[4]
    with pytest.raises(ValidationError) as level:
        services.self_assessment_record(user=cast["member"], skill=world.skills["tracking"], level=principal)
    assert "level" in level.value.message_dict
    with pytest.raises(ValidationError) as skill:
        services.self_assessment_record(user=cast["member"], skill=world.skills["elsewhere"], level=None)
    assert "skill" in skill.value.message_dict
    with pytest.raises(ValidationError):  # no role and level chosen
        services.self_assessment_record(user=cast["outsider"], skill=world.skills["tracking"], level=None)


def test_none_is_a_level_and_bad_evidence_is_a_field_error(world, cast):
    row = services.self_assessment_record(user=cast["member"], skill=world.skills["tracking"], level=None)
    assert (row.level, row.version, row.description) == (None, None, "")
    with pytest.raises(ValidationError) as bad:
        services.self_assessment_record(
            user=cast["member"], skill=world.skills["tracking"], level=None, evidence_url="javascript:alert(1)"
        )
    assert "evidence_url" in bad.value.message_dict


def test_nothing_is_overwritten_and_the_latest_is_current(world, cast):
    for level in (world.junior, world.middle, world.senior):
        services.self_assessment_record(user=cast["member"], skill=world.skills["tracking"], level=level)
    assert Assessment.objects.filter(subject=cast["member"]).count() == 3
    current = selectors.current_assessments([cast["member"].pk])
    assert current[(cast["member"].pk, AssessmentKind.SELF, world.skills["tracking"].pk)].level == world.senior


def test_a_lead_assesses_active_members_of_their_own_team_only(world, cast):
    tracking = world.skills["tracking"]
    services.lead_assessment_record(
        team=world.team, lead=cast["lead"], subject=cast["member"], skill=tracking, level=world.middle
    )
    with pytest.raises(PermissionDenied):  # not a lead
        services.lead_assessment_record(
            team=world.team, lead=cast["teammate"], subject=cast["member"], skill=tracking, level=world.middle
        )
    with pytest.raises(PermissionDenied):  # a lead of another team
        services.lead_assessment_record(
            team=world.other_team, lead=cast["other_lead"], subject=cast["member"], skill=tracking, level=None
        )
    with pytest.raises(PermissionDenied):  # only invited
        services.lead_assessment_record(
            team=world.team, lead=cast["lead"], subject=cast["invitee"], skill=tracking, level=None
        )
    with pytest.raises(ValidationError):  # themself
        services.lead_assessment_record(
            team=world.team, lead=cast["lead"], subject=cast["lead"], skill=tracking, level=None
        )


def test_the_privacy_rule(world, cast):
    member = cast["member"]
    allowed = {name for name, user in cast.items() if user and access.can_view_assessments(user, member)}
    assert allowed == {"member", "lead", "staff"}
    services.member_remove(team=world.team, by=member, user=member)
    assert not access.can_view_assessments(cast["lead"], member)


def test_a_lead_who_left_sees_nothing_more(world, cast):
    services.member_make_lead(team=world.team, by=cast["lead"], user=cast["teammate"])
    assert access.can_view_assessments(cast["lead"], cast["member"])
    services.member_remove(team=world.team, by=cast["lead"], user=cast["lead"])
    assert not access.can_view_assessments(cast["lead"], cast["member"])


def test_gap_and_disagreement(world, cast, assessed):
    (person,) = selectors.people_skills([cast["member"]])
    tracking = person.by_skill[world.skills["tracking"].pk]
    assert (tracking.expected, tracking.required) == (world.middle, True)
    assert tracking.disagree
    assert tracking.gap == 0 and tracking.meets  # measured on the lead's Middle
    dashboards = person.by_skill[world.skills["dashboards"].pk]
    assert dashboards.gap is None and not dashboards.meets and not dashboards.below
    services.self_assessment_record(user=cast["member"], skill=world.skills["dashboards"], level=None)
    (person,) = selectors.people_skills([cast["member"]])
    assert person.by_skill[world.skills["dashboards"].pk].gap == 2  # none → Junior → Middle


def test_a_target_counts_required_and_optional(world, cast, assessed):
    (person,) = selectors.people_skills([cast["member"]])
    target = selectors.target_for(person=person, role=world.role, level=world.senior)
    # Senior: tracking (required), testing (required), dashboards (optional); the lead says Middle for tracking.
    assert (target.required_met, target.required_total, target.optional_met, target.optional_total) == (0, 2, 0, 1)
    assert [item.cell.required for item in target.missing] == [True, True, False]


def test_a_new_user_is_unknown_to_the_rule(world):
    stranger = UserFactory(username="stranger")
    assert not access.can_view_assessments(stranger, world.team.memberships.first().user)


def test_one_persons_skills_joined_are_the_same_as_prefetched(world, cast, assessed):
    """person_skills reads the current assessments with joins, people_skills (a team's) prefetched: the same rows."""
    services.lead_assessment_record(
        team=world.team, lead=cast["lead"], subject=cast["member"], skill=world.skills["testing"], level=world.junior
    )

    def shown(person):
        return [
            (
                cell.skill.pk,
                kind,
                a.pk,
                a.level_id and a.level.slug,
                a.expectation_id and a.expectation.version,
                a.assessor.get_username(),
            )
            for cell in person.cells
            for kind, a in (("self", cell.self_assessment), ("lead", cell.lead_assessment))
            if a is not None
        ]

    (prefetched,) = selectors.people_skills([cast["member"]])
    joined = selectors.person_skills(cast["member"])
    assert shown(joined) == shown(prefetched) and len(shown(joined)) >= 2
