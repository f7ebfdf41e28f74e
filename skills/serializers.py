"""Serializers of the read API: the skill list's query parameters, and one output shape per endpoint (and per
endpoint's past version, ?as_of=)."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from skillmatrix.serializer_fields import StrictCharField
from skills.models import Domain, Expectation, Level, Role, RoleLevel, Skill, SkillGroup


class SkillFilterIn(serializers.Serializer):
    """Slug filters of the skill list, at most 200 characters as sent.

    CharField refuses NUL characters, which PostgreSQL cannot compare.

    (`search` needs no check: the search keeps only the letters and digits of its input.)
    """

    domain = StrictCharField(required=False, allow_blank=True, max_length=200, default="")
    group = StrictCharField(required=False, allow_blank=True, max_length=200, default="")
    role = StrictCharField(required=False, allow_blank=True, max_length=200, default="")


class LevelSerializer(serializers.ModelSerializer):
    class Meta:
        model = Level
        fields = ["slug", "name", "short", "position"]


class GroupSerializer(serializers.ModelSerializer):
    skill_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = SkillGroup
        fields = ["slug", "name", "position", "skill_count"]


class DomainSerializer(serializers.ModelSerializer):
    groups = GroupSerializer(many=True, read_only=True)

    class Meta:
        model = Domain
        fields = ["slug", "name", "position", "groups"]


class RoleListSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:role-detail", lookup_field="slug")

    class Meta:
        model = Role
        fields = ["slug", "name", "family", "tagline", "url"]


class RoleLevelSerializer(serializers.ModelSerializer):
    level = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = RoleLevel
        fields = ["level", "stack", "focus"]


class MatrixCellSerializer(serializers.ModelSerializer):
    level = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Expectation
        fields = ["level", "required", "proficiency", "description", "version"]


class MatrixRowSerializer(serializers.Serializer):
    skill = serializers.CharField(source="skill.slug")
    name = serializers.CharField(source="skill.name")
    domain = serializers.CharField(source="skill.group.domain.slug")
    group = serializers.CharField(source="skill.group.slug")
    cells = MatrixCellSerializer(many=True)


class RoleDetailSerializer(serializers.ModelSerializer):
    levels = RoleLevelSerializer(source="role_levels", many=True, read_only=True)
    matrix = serializers.SerializerMethodField()

    class Meta:
        model = Role
        fields = ["slug", "name", "family", "tagline", "levels", "matrix"]

    @extend_schema_field(MatrixRowSerializer(many=True))
    def get_matrix(self, role) -> list[dict]:
        return MatrixRowSerializer(self.context["matrix"], many=True).data


class SkillListSerializer(serializers.ModelSerializer):
    domain = serializers.CharField(source="group.domain.slug")
    group = serializers.CharField(source="group.slug")
    url = serializers.HyperlinkedIdentityField(view_name="api:skill-detail", lookup_field="slug")
    roles = serializers.IntegerField(source="role_count", read_only=True)
    levels = serializers.IntegerField(source="level_count", read_only=True)
    mandatory = serializers.IntegerField(source="required_count", read_only=True)
    optional = serializers.SerializerMethodField()

    class Meta:
        model = Skill
        fields = [
            "slug",
            "name",
            "summary",
            "domain",
            "group",
            "updated",
            "roles",
            "levels",
            "mandatory",
            "optional",
            "url",
        ]

    def get_optional(self, skill) -> int:
        return skill.cell_count - skill.required_count


class SkillCellSerializer(serializers.ModelSerializer):
    role = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    level = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Expectation
        fields = ["role", "level", "required", "proficiency", "description", "version"]


class SkillDetailSerializer(SkillListSerializer):
    cells = SkillCellSerializer(source="expectations", many=True, read_only=True)

    class Meta(SkillListSerializer.Meta):
        fields = [*SkillListSerializer.Meta.fields, "cells"]


class SkillAsOfSerializer(SkillDetailSerializer):
    """The skill detail's shape, with the rebuilt cells instead of today's."""

    cells = SkillCellSerializer(source="as_of_cells", many=True, read_only=True)


class RoleAsOfSerializer(RoleDetailSerializer):
    """The role detail's shape, with the rebuilt levels instead of today's (the matrix comes in the context)."""

    levels = RoleLevelSerializer(source="as_of_role_levels", many=True, read_only=True)
