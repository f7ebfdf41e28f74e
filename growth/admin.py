from django.contrib import admin

from growth.models import PlanProfile, Tick


@admin.register(PlanProfile)
class PlanProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "level", "updated"]
    list_filter = ["role", "level"]
    list_select_related = ["user", "role", "level"]
    search_fields = ["user__username", "user__email"]
    raw_id_fields = ["user"]


@admin.register(Tick)
class TickAdmin(admin.ModelAdmin):
    list_display = ["user", "expectation", "version", "ticked"]
    list_select_related = ["user", "expectation__skill", "expectation__role", "expectation__level"]
    search_fields = ["user__username", "expectation__skill__name"]
    raw_id_fields = ["user", "expectation"]
    readonly_fields = ["created"]
