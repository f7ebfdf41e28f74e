"""Admin for the catalog.

Every change made here is written by database triggers to the audit trail
(pghistory), with the acting user and source "admin" attached by
AuditContextMiddleware; each object's page links to its events.
"""

from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from skills.models import Domain, Expectation, Level, Role, RoleLevel, Skill, SkillGroup


class SkillGroupInline(admin.TabularInline):
    model = SkillGroup
    extra = 0
    prepopulated_fields = {"slug": ["name"]}
    fields = ["name", "slug", "position"]


@admin.register(Domain)
class DomainAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position", "group_count"]
    list_editable = ["position"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [SkillGroupInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(group_count=Count("groups"))

    @admin.display(description=_("groups"), ordering="group_count")
    def group_count(self, obj):
        return obj.group_count


@admin.register(SkillGroup)
class SkillGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "domain", "slug", "position", "skill_count"]
    list_filter = ["domain"]
    list_select_related = ["domain"]
    search_fields = ["name", "slug", "domain__name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["domain"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(skill_count=Count("skills"))

    @admin.display(description=_("skills"), ordering="skill_count")
    def skill_count(self, obj):
        return obj.skill_count


class ExpectationInline(admin.TabularInline):
    model = Expectation
    extra = 0
    fields = ["role", "level", "required", "proficiency", "description", "version"]
    readonly_fields = ["version"]
    ordering = ["role__name", "level__position"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("role", "level")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Choices are read once per request instead of once per inline row.
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name in ("role", "level"):
            cache_key = f"_admin_choices_{db_field.name}"
            if not hasattr(request, cache_key):
                setattr(request, cache_key, list(field.choices))
            field.choices = getattr(request, cache_key)
        return field


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):
    list_display = ["name", "group", "domain", "cell_count", "updated"]
    list_filter = ["group__domain", "group", "updated"]
    list_select_related = ["group__domain"]
    search_fields = ["name", "slug", "summary"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["group"]
    date_hierarchy = "updated"
    inlines = [ExpectationInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(cell_count=Count("expectations"))

    @admin.display(description=_("domain"), ordering="group__domain__name")
    def domain(self, obj):
        return obj.group.domain

    @admin.display(description=_("cells"), ordering="cell_count")
    def cell_count(self, obj):
        return obj.cell_count


class RoleLevelInline(admin.StackedInline):
    model = RoleLevel
    extra = 0
    fields = ["level", "stack", "focus"]
    ordering = ["level__position"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("level")


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ["name", "family", "slug", "level_count", "cell_count"]
    list_filter = ["family"]
    search_fields = ["name", "slug", "family", "tagline"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [RoleLevelInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(level_count=Count("role_levels", distinct=True), cell_count=Count("expectations", distinct=True))
        )

    @admin.display(description=_("levels"), ordering="level_count")
    def level_count(self, obj):
        return obj.level_count

    @admin.display(description=_("cells"), ordering="cell_count")
    def cell_count(self, obj):
        return obj.cell_count


@admin.register(Level)
class LevelAdmin(admin.ModelAdmin):
    list_display = ["name", "short", "slug", "position"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Expectation)
class ExpectationAdmin(admin.ModelAdmin):
    list_display = ["skill", "role", "level", "required", "proficiency", "version"]
    list_filter = ["required", "proficiency", "level", "role__family", "role", "skill__group__domain"]
    list_select_related = ["skill", "role", "level"]
    search_fields = ["description", "skill__name", "role__name"]
    autocomplete_fields = ["skill", "role"]
    readonly_fields = ["version"]
    list_per_page = 50
