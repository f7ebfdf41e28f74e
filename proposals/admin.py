"""Admin of the community part. Decisions go through the services, with the same rules as the site."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _

from proposals import services
from proposals.models import Comment, Proposal, ProposalChange, Watch


def _save_changed(obj, form) -> None:
    """Write the fields the form changed, and nothing else, in one UPDATE (none if nothing changed)."""
    if form.changed_data:
        type(obj).objects.filter(pk=obj.pk).update(**{name: getattr(obj, name) for name in form.changed_data})


class ProposalChangeInline(admin.TabularInline):
    model = ProposalChange
    extra = 0
    can_delete = False
    fields = ["role", "level", "description", "required", "proficiency", "base_version"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin):
    list_display = ["id", "skill", "author", "status", "revision", "created", "decided_by", "decided_at"]
    list_filter = ["status", "reason", "skill__group__domain"]
    list_select_related = ["skill", "author", "decided_by"]
    search_fields = ["rationale", "skill__name", "author__username"]
    date_hierarchy = "created"
    inlines = [ProposalChangeInline]
    # Read-only, the rationale too: the author's edits go through the service, which raises the revision,
    # so that a reviewer never approves a text that changed after they read it.
    readonly_fields = [
        "skill",
        "author",
        "rationale",
        "revision",
        "status",
        "created",
        "updated",
        "decided_by",
        "decided_at",
        "reason",
        "decision_note",
        "reverted_by",
        "reverted_at",
        "revert_note",
    ]
    fields = readonly_fields
    actions = ["approve_selected"]

    def has_add_permission(self, request):
        return False

    def save_model(self, request, obj, form, change):
        # Every field is read-only: a save writes nothing, and cannot undo a decision taken meanwhile.
        _save_changed(obj, form)

    @admin.action(description=_("Approve the selected proposals (as you, a reviewer), as they read now"))
    def approve_selected(self, request, queryset):
        for proposal in queryset:
            try:
                services.proposal_approve(proposal=proposal, reviewer=request.user)
            except (PermissionDenied, ValidationError, services.Conflict) as error:
                self.message_user(request, f"#{proposal.pk}: {getattr(error, 'message', error)}", messages.ERROR)
            else:
                self.message_user(request, _("#%(id)s approved.") % {"id": proposal.pk}, messages.SUCCESS)


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    list_display = ["id", "author", "skill", "proposal", "created", "edited", "hidden"]
    list_filter = ["hidden"]
    list_select_related = ["author", "skill", "proposal"]
    search_fields = ["body", "author__username"]
    # Hiding goes through the action (and its service), which records who and when.
    readonly_fields = [
        "skill",
        "proposal",
        "author",
        "created",
        "edited",
        "hidden",
        "hidden_by",
        "hidden_at",
        "hidden_reason",
    ]
    fields = ["body", *readonly_fields]
    actions = ["hide_selected"]

    def has_add_permission(self, request):
        return False

    def save_model(self, request, obj, form, change):
        # Only the body, when it changed: a hide or a delete that committed since the form was read stands.
        _save_changed(obj, form)

    @admin.action(description=_("Hide the selected comments (as you, a reviewer)"))
    def hide_selected(self, request, queryset):
        for comment in queryset:
            try:
                services.comment_hide(comment=comment, reviewer=request.user, reason=str(_("Hidden in the admin.")))
            except PermissionDenied as error:
                self.message_user(request, f"#{comment.pk}: {error}", messages.ERROR)
                return


@admin.register(Watch)
class WatchAdmin(admin.ModelAdmin):
    list_display = ["user", "skill", "created"]
    list_select_related = ["user", "skill"]
    search_fields = ["user__username", "skill__name"]
    raw_id_fields = ["user", "skill"]
