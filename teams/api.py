"""Teams API (DESIGN section 4): teams, invitations, members, assessments and the team's matrix.

Views stay thin: look the team up through teams.access (404 for a team the
caller is not in, 403 for what their place in it does not allow), validate the
input serializer, call a service, render the output serializer. The services'
refusals pass through the project's exception handler (400, 403).
"""

from django.contrib.auth import get_user_model
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, generics, status
from rest_framework.decorators import api_view, parser_classes, permission_classes
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from skillmatrix.parsers import JSONParser
from skills.models import Level, Skill
from teams import access, selectors, services
from teams.serializers import (
    AssessmentIn,
    AssessmentOut,
    InviteIn,
    MatrixOut,
    MembershipOut,
    SkillAssessmentOut,
    TeamCreateIn,
    TeamDetailOut,
    TeamOut,
)

# Bodies are JSON, as in the rest of the API; HTML forms post to the pages.
JSON_ONLY = [JSONParser]

BAD_INPUT = OpenApiResponse(OpenApiTypes.OBJECT, description="Invalid input: messages by field.")
NOT_SIGNED_IN = OpenApiResponse(OpenApiTypes.OBJECT, description="Not signed in (session or `Authorization: Token`).")
FORBIDDEN = OpenApiResponse(OpenApiTypes.OBJECT, description="In the team, but your place in it does not allow this.")
NOT_FOUND = OpenApiResponse(OpenApiTypes.OBJECT, description="No such team, member or skill that you may see.")

ASSESSMENT_EXAMPLES = [
    OpenApiExample(
        "A level with evidence",
        value={"level": "senior", "evidence_url": "https://example.com/design-doc", "note": "Led the *migration*."},
        request_only=True,
    ),
    OpenApiExample("None of the levels yet", value={"level": None}, request_only=True),
]


def validated(serializer_class, data) -> dict:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _skill_or_404(slug: str) -> Skill:
    skill = Skill.objects.select_related("group__domain").filter(slug=slug).first()
    if skill is None:
        raise Http404(_("No skill with this slug."))
    return skill


def _level(slug: str | None) -> Level | None:
    if slug is None:
        return None
    level = Level.objects.filter(slug=slug).first()
    if level is None:
        raise exceptions.ValidationError({"level": [_("No level with this slug.")]})
    return level


def _team_detail(request, team_access: access.TeamAccess) -> Response:
    membership = team_access.membership
    data = {
        "slug": team_access.team.slug,
        "name": team_access.team.name,
        "created": team_access.team.created,
        "my_role": membership.role if membership else None,
        "my_status": membership.status if membership else None,
        "members": selectors.team_members(team=team_access.team),
    }
    return Response(TeamDetailOut(data).data)


# --- Teams -------------------------------------------------------------------------


class TeamList(generics.ListAPIView):
    """Your teams and open invitations, invitations first."""

    serializer_class = TeamOut
    permission_classes = [IsAuthenticated]
    parser_classes = JSON_ONLY

    def get_queryset(self):
        return selectors.my_memberships_queryset(user=self.request.user)

    @extend_schema(
        request=TeamCreateIn,
        responses={201: TeamDetailOut, 400: BAD_INPUT, 401: NOT_SIGNED_IN},
        description="Create a team; you become its lead.",
        examples=[OpenApiExample("A team", value={"name": "Data Platform"}, request_only=True)],
    )
    def post(self, request):
        data = validated(TeamCreateIn, request.data)
        team = services.team_create(user=request.user, name=data["name"])
        response = _team_detail(request, access.get_team_or_404(team.slug, user=request.user))
        response.status_code = status.HTTP_201_CREATED
        return response


@extend_schema(
    responses={200: TeamDetailOut, 401: NOT_SIGNED_IN, 404: NOT_FOUND},
    description="A team you are in (or invited to) with its members; staff see every team.",
)
@api_view(["GET"])
@permission_classes([IsAuthenticated])
def team_detail(request, slug: str):
    return _team_detail(request, access.get_team_or_404(slug, user=request.user))


@extend_schema(
    request=InviteIn,
    responses={201: MembershipOut, 400: BAD_INPUT, 401: NOT_SIGNED_IN, 403: FORBIDDEN, 404: NOT_FOUND},
    description="Invite an existing member by username or email (leads only); they accept or decline.",
    examples=[
        OpenApiExample("By username", value={"user": "ada"}, request_only=True),
        OpenApiExample("By email", value={"user": "ada@example.com"}, request_only=True),
    ],
)
@api_view(["POST"])
@permission_classes([IsAuthenticated])
@parser_classes(JSON_ONLY)
def team_members(request, slug: str):
    team_access = access.get_team_or_404(slug, user=request.user)
    access.require_lead(team_access)
    data = validated(InviteIn, request.data)
    membership = services.member_invite(team=team_access.team, by=request.user, identifier=data["user"])
    return Response(MembershipOut(membership).data, status=status.HTTP_201_CREATED)


@extend_schema(
    request=None,
    responses={200: MembershipOut, 400: BAD_INPUT, 401: NOT_SIGNED_IN, 404: NOT_FOUND},
    description="Accept your invitation to the team.",
)
@api_view(["POST"])
@permission_classes([IsAuthenticated])
@parser_classes(JSON_ONLY)
def team_accept(request, slug: str):
    team_access = access.get_team_or_404(slug, user=request.user)
    return Response(MembershipOut(services.invitation_accept(team=team_access.team, user=request.user)).data)


@extend_schema(
    request=None,
    responses={204: None, 400: BAD_INPUT, 401: NOT_SIGNED_IN, 404: NOT_FOUND},
    description="Decline your invitation to the team.",
)
@api_view(["POST"])
@permission_classes([IsAuthenticated])
@parser_classes(JSON_ONLY)
def team_decline(request, slug: str):
    team_access = access.get_team_or_404(slug, user=request.user)
    services.invitation_decline(team=team_access.team, user=request.user)
    return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(
    request=None,
    parameters=[
        OpenApiParameter(
            "new_lead",
            str,
            description="The username of the member who becomes lead when the team's last lead leaves.",
        )
    ],
    responses={204: None, 400: BAD_INPUT, 401: NOT_SIGNED_IN, 403: FORBIDDEN, 404: NOT_FOUND},
    description="A lead removes a member (or withdraws an invitation); a member leaves (their own username).",
)
@api_view(["DELETE"])
@permission_classes([IsAuthenticated])
def team_member(request, slug: str, username: str):
    team_access = access.get_team_or_404(slug, user=request.user)
    if username != request.user.get_username():
        access.require_lead(team_access)
    membership = access.get_membership_or_404(team_access, username)
    new_lead = None
    if request.query_params.get("new_lead"):
        new_lead = get_user_model().objects.filter(username=request.query_params["new_lead"]).first()
    services.member_remove(team=team_access.team, by=request.user, user=membership.user, new_lead=new_lead)
    return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(
    responses={200: MatrixOut, 401: NOT_SIGNED_IN, 403: FORBIDDEN, 404: NOT_FOUND},
    description="The team's active members by the skills of their roles: expected level, self and lead "
    "assessment (with evidence) and gap (leads and staff).",
)
@api_view(["GET"])
@permission_classes([IsAuthenticated])
def team_matrix(request, slug: str):
    team_access = access.get_team_or_404(slug, user=request.user)
    access.require_matrix(team_access)
    return Response(MatrixOut(selectors.heatmap(team=team_access.team)).data)


# --- Assessments -------------------------------------------------------------------


def _skill_response(*, subject, skill: Skill) -> Response:
    (person,) = selectors.people_skills([subject])
    cell = person.by_skill.get(skill.pk)
    if cell is None:
        raise Http404(_("This skill is not one of the role's skills."))
    history = selectors.assessment_history(subject=subject, skill=skill)
    return Response(SkillAssessmentOut({"cell": cell, "history": history}).data)


@extend_schema(
    methods=["GET"],
    responses={200: SkillAssessmentOut, 401: NOT_SIGNED_IN, 404: NOT_FOUND},
    description="Your assessments of one skill of your role: expected level, your current self assessment, "
    "your lead's, the gap and the history.",
)
@extend_schema(
    methods=["PUT"],
    request=AssessmentIn,
    responses={200: SkillAssessmentOut, 400: BAD_INPUT, 401: NOT_SIGNED_IN, 404: NOT_FOUND},
    description="Record your self assessment of a skill of your role (a new row: earlier ones stay as history).",
    examples=ASSESSMENT_EXAMPLES,
)
@api_view(["GET", "PUT"])
@permission_classes([IsAuthenticated])
@parser_classes(JSON_ONLY)
def my_assessment(request, skill: str):
    found = _skill_or_404(skill)
    if request.method == "PUT":
        data = validated(AssessmentIn, request.data)
        services.self_assessment_record(
            user=request.user,
            skill=found,
            level=_level(data["level"]),
            evidence_url=data.get("evidence_url", ""),
            note=data.get("note", ""),
        )
    return _skill_response(subject=request.user, skill=found)


@extend_schema(
    request=AssessmentIn,
    responses={200: AssessmentOut, 400: BAD_INPUT, 401: NOT_SIGNED_IN, 403: FORBIDDEN, 404: NOT_FOUND},
    description="Record your assessment, as a lead of the team, of an active member's skill of their role.",
    examples=ASSESSMENT_EXAMPLES,
)
@api_view(["PUT"])
@permission_classes([IsAuthenticated])
@parser_classes(JSON_ONLY)
def member_assessment(request, slug: str, username: str, skill: str):
    team_access = access.get_team_or_404(slug, user=request.user)
    membership = access.get_assessable_member_or_404(team_access, username)
    found = _skill_or_404(skill)
    data = validated(AssessmentIn, request.data)
    row = services.lead_assessment_record(
        team=team_access.team,
        lead=request.user,
        subject=membership.user,
        skill=found,
        level=_level(data["level"]),
        evidence_url=data.get("evidence_url", ""),
        note=data.get("note", ""),
    )
    return Response(AssessmentOut(row).data)
