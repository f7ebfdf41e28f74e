"""Staff manage every team here: members inline, assessments read-only (each change is a new row)."""

from django.contrib import admin

from teams.models import Assessment, Membership, Team


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "team"
    extra = 0
    raw_id_fields = ["user", "invited_by"]
    readonly_fields = ["created"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "created"]
    search_fields = ["name", "slug", "memberships__user__username", "memberships__user__email"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["created"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["team", "user", "role", "status", "invited_by", "created"]
    list_filter = ["role", "status", "team"]
    list_select_related = ["team", "user", "invited_by"]
    search_fields = ["team__name", "team__slug", "user__username", "user__email"]
    raw_id_fields = ["team", "user", "invited_by"]
    readonly_fields = ["created"]


@admin.register(Assessment)
class AssessmentAdmin(admin.ModelAdmin):
    list_display = ["subject", "skill", "kind", "level", "assessor", "version", "created"]
    list_filter = ["kind", "level", "role", "created"]
    list_select_related = ["subject", "assessor", "skill", "level"]
    search_fields = ["subject__username", "assessor__username", "skill__name", "skill__slug"]
    raw_id_fields = ["subject", "assessor", "skill", "expectation"]
    date_hierarchy = "created"

    # An assessment is history: a change is a new row, made by the member or their lead.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
