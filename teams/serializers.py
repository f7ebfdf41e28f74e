"""Serializers of the teams API: one input and one output shape per operation."""

from rest_framework import serializers

from skillmatrix.serializer_fields import StrictCharField, StrictSlugField
from skills.models import Level, slug_max_length
from teams.models import (
    EVIDENCE_URL_MAX_LENGTH,
    NOTE_MAX_LENGTH,
    TEAM_NAME_MAX_LENGTH,
    AssessmentKind,
    MembershipRole,
    MembershipStatus,
)

ROLE_HELP = "In the team: " + " or ".join(MembershipRole.values) + "."
STATUS_HELP = " or ".join(MembershipStatus.values) + "."

# --- Inputs ------------------------------------------------------------------------


class TeamCreateIn(serializers.Serializer):
    name = StrictCharField(
        max_length=TEAM_NAME_MAX_LENGTH,
        help_text="The team's address is made from it (with -2, -3, ... when another team has it).",
    )


class InviteIn(serializers.Serializer):
    user = StrictCharField(max_length=254, help_text="The username or the email of an existing member.")


class AssessmentIn(serializers.Serializer):
    level = StrictSlugField(
        max_length=slug_max_length(Level),
        allow_null=True,
        help_text="The level whose expectation is met: one of the role's levels, or null for none.",
    )
    evidence_url = StrictCharField(
        max_length=EVIDENCE_URL_MAX_LENGTH, required=False, allow_blank=True, help_text="An http(s) link."
    )
    note = StrictCharField(
        max_length=NOTE_MAX_LENGTH, required=False, allow_blank=True, trim_whitespace=True, help_text="Markdown."
    )


# --- Outputs -----------------------------------------------------------------------


class RefOut(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()


class TeamOut(serializers.Serializer):
    """A team as one of its members sees it in their list."""

    slug = serializers.CharField(source="team.slug")
    name = serializers.CharField(source="team.name")
    created = serializers.DateTimeField(source="team.created")
    my_role = serializers.CharField(source="role", help_text=ROLE_HELP)
    my_status = serializers.CharField(source="status", help_text=STATUS_HELP)


class MemberOut(serializers.Serializer):
    username = serializers.CharField(source="user.username")
    role = serializers.CharField(help_text=ROLE_HELP)
    status = serializers.CharField(help_text=STATUS_HELP)


class TeamDetailOut(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    created = serializers.DateTimeField()
    my_role = serializers.CharField(allow_null=True, help_text=ROLE_HELP + " null: not in the team (staff).")
    my_status = serializers.CharField(allow_null=True, help_text=STATUS_HELP)
    members = MemberOut(many=True)


class MembershipOut(serializers.Serializer):
    team = serializers.CharField(source="team.slug")
    username = serializers.CharField(source="user.username")
    role = serializers.CharField(help_text=ROLE_HELP)
    status = serializers.CharField(help_text=STATUS_HELP)


class AssessmentOut(serializers.Serializer):
    kind = serializers.CharField(help_text=" or ".join(AssessmentKind.values) + ".")
    assessor = serializers.CharField(source="assessor.username")
    level = serializers.CharField(source="level.slug", allow_null=True, help_text="null: none of the levels.")
    evidence_url = serializers.CharField()
    note = serializers.CharField(help_text="Markdown.")
    created = serializers.DateTimeField()
    version = serializers.IntegerField(allow_null=True, help_text="The version of the cell it was made against.")
    made_against_older_text = serializers.BooleanField(help_text="The cell changed since (or is gone).")


class SkillAssessmentOut(serializers.Serializer):
    """One skill of a member's role: expected level, current self and lead assessments, gap, history."""

    skill = RefOut(source="cell.skill")
    expected_level = serializers.CharField(source="cell.expected.slug", allow_null=True)
    required = serializers.BooleanField(source="cell.required")
    self = AssessmentOut(source="cell.self_assessment", allow_null=True)
    lead = AssessmentOut(source="cell.lead_assessment", allow_null=True)
    gap = serializers.IntegerField(
        source="cell.gap", allow_null=True, help_text="Levels below the expectation (lead's view, else self)."
    )
    disagree = serializers.BooleanField(source="cell.disagree")
    history = AssessmentOut(many=True, help_text="Every assessment of this skill, newest first.")


class MatrixCellOut(serializers.Serializer):
    skill = serializers.CharField(source="skill.slug")
    expected_level = serializers.CharField(source="expected.slug", allow_null=True)
    required = serializers.BooleanField()
    self = AssessmentOut(source="self_assessment", allow_null=True)
    lead = AssessmentOut(source="lead_assessment", allow_null=True)
    gap = serializers.IntegerField(allow_null=True)
    disagree = serializers.BooleanField()


class MatrixPersonOut(serializers.Serializer):
    username = serializers.CharField(source="user.username")
    team_role = serializers.CharField(source="membership.role")
    role = serializers.CharField(source="profile.role.slug", allow_null=True, default=None)
    level = serializers.CharField(source="profile.level.slug", allow_null=True, default=None)
    cells = MatrixCellOut(many=True)


class MatrixSkillOut(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    domain = serializers.CharField(source="group.domain.slug")


class MatrixOut(serializers.Serializer):
    team = serializers.CharField(source="team.slug")
    skills = MatrixSkillOut(many=True)
    people = MatrixPersonOut(many=True)
