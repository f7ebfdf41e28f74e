from django.contrib import admin

from accounts.models import EmailSettings


@admin.register(EmailSettings)
class EmailSettingsAdmin(admin.ModelAdmin):
    list_display = ["user", "language", "review_notices", "watch_notices", "own_notices", "last_digest"]
    list_filter = ["language", "review_notices", "watch_notices", "own_notices"]
    list_select_related = ["user"]
    search_fields = ["user__username", "user__email"]
    raw_id_fields = ["user"]
