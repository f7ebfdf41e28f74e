"""Serializers of the growth plan API: one input and one output shape per operation."""

from rest_framework import serializers

from growth.selectors import PlanState
from skillmatrix.serializer_fields import StrictSlugField
from skills.models import Level, Proficiency, Role, slug_max_length

# --- Inputs ------------------------------------------------------------------------


class PlanSettingsIn(serializers.Serializer):
    role = StrictSlugField(max_length=slug_max_length(Role), help_text="Role slug.")
    level = StrictSlugField(
        max_length=slug_max_length(Level), help_text="Your current level's slug; one of the role's levels."
    )


# --- Outputs -----------------------------------------------------------------------


class PlanRefOut(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()


class PlanCurrentCellOut(serializers.Serializer):
    level = serializers.CharField(source="level.slug")
    required = serializers.BooleanField()
    proficiency = serializers.ChoiceField(choices=Proficiency.choices)
    description = serializers.CharField(help_text="Markdown.")
    version = serializers.IntegerField()


class PlanItemOut(serializers.Serializer):
    domain = PlanRefOut(source="next.skill.group.domain")
    skill = PlanRefOut(source="next.skill")
    level = serializers.CharField(source="next.level.slug", help_text="The next level's slug.")
    required = serializers.BooleanField(source="next.required")
    proficiency = serializers.ChoiceField(source="next.proficiency", choices=Proficiency.choices)
    description = serializers.CharField(source="next.description", help_text="Markdown.")
    version = serializers.IntegerField(source="next.version")
    current = PlanCurrentCellOut(allow_null=True, help_text="The same skill's cell at your current level, if any.")
    changes = serializers.ListField(child=serializers.CharField(), help_text="What the next level changes.")
    done = serializers.BooleanField()
    ticked_version = serializers.IntegerField(source="next.tick_version", allow_null=True)
    ticked_description = serializers.CharField(
        source="next.tick_description", allow_null=True, help_text="The text as it was when you ticked it."
    )
    changed_since_tick = serializers.BooleanField()


class PlanProgressOut(serializers.Serializer):
    done = serializers.IntegerField()
    total = serializers.IntegerField()
    required_done = serializers.IntegerField()
    required_total = serializers.IntegerField()
    changed_since_tick = serializers.IntegerField(source="changed")


class PlanOut(serializers.Serializer):
    state = serializers.ChoiceField(
        choices=[state.value for state in PlanState],
        help_text="unset: no role and level chosen; level_gone: the role no longer has your level; "
        "top: you are at the role's top level; ready: the items below lead to next_level.",
    )
    role = PlanRefOut(allow_null=True)
    level = PlanRefOut(allow_null=True)
    next_level = PlanRefOut(allow_null=True)
    progress = PlanProgressOut(source="*")
    items = PlanItemOut(many=True)


class PlanTickOut(serializers.Serializer):
    skill = serializers.CharField(source="expectation.skill.slug")
    role = serializers.CharField(source="expectation.role.slug")
    level = serializers.CharField(source="expectation.level.slug")
    ticked_version = serializers.IntegerField(source="version")
    version = serializers.IntegerField(source="expectation.version")
    ticked = serializers.DateTimeField()
