"""Admin for the catalog.

Cells are checked and written through skills/services.py, like every other
write of a cell. Every change made here is written by database triggers to
the audit trail (pghistory), with the acting user and source "admin" attached
by AuditContextMiddleware; each object's page links to its events.
"""

import re

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, IntegrityError, models, transaction
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce, Lower
from django.forms.models import BaseInlineFormSet
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.text import capfirst, format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from skillmatrix.exceptions import Conflict
from skillmatrix.form_fields import StrictCharField
from skills import locking, merge, services, translations
from skills.models import (
    CELL_HAS_ROLE_LEVEL,
    ROLE_HAS_FAMILY,
    Domain,
    Expectation,
    Level,
    Role,
    RoleFamily,
    RoleLevel,
    Skill,
    SkillGroup,
    SkillRedirect,
)

ROLE_LEVEL_HAS_CELLS_NOW = _("A level of this role has expectations now; reload the page and try again.")


class CatalogRulesAdmin(admin.ModelAdmin):
    """A write the catalog's rules refuse after the form's checks passed (another write came in between):
    an error message and the page again, with nothing saved, rather than a server error."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as error:
            refusals = error.messages
        except IntegrityError as error:
            if not services.violates(error, CELL_HAS_ROLE_LEVEL):
                raise
            refusals = [ROLE_LEVEL_HAS_CELLS_NOW]
        for message in refusals:
            self.message_user(request, gettext("Nothing was saved. %(reason)s") % {"reason": message}, messages.ERROR)
        return HttpResponseRedirect(request.get_full_path())


class CellForm(forms.ModelForm):
    """A cell as the admin edits it, checked by the rules of skills.services.cell_validate."""

    def clean(self):
        cleaned = super().clean()
        if self.has_changed() and not self.errors and not cleaned.get("DELETE"):
            try:
                services.cell_validate(
                    role=cleaned["role"],
                    level=cleaned["level"],
                    description=cleaned["description"],
                    proficiency=cleaned["proficiency"],
                )
            except ValidationError as error:
                self.add_error(None, error)
        return cleaned


def cell_change(cell: Expectation, *, translations: dict | None = None) -> services.CellChange:
    return services.CellChange(
        role=cell.role,
        level=cell.level,
        description=cell.description,
        required=cell.required,
        proficiency=cell.proficiency,
        translations=translations,
    )


def save_cell(cell: Expectation, *, translations: dict | None = None) -> None:
    """Write the cell as the form left it, through the service; the form's instance takes the saved row's id."""
    saved, _changed = services.cell_save(
        skill=cell.skill, change=cell_change(cell, translations=translations), cell=cell
    )
    cell.pk, cell.version = saved.pk, saved.version
    cell._state.adding = False


class NameColumn:
    """The name column of a change list, sorted as people read names: "dbt" between "Data" and "Docker"."""

    @admin.display(description=_("name"), ordering=Lower("name"))
    def sorted_name(self, obj):
        return obj.name


def _translation_field_name(language: str, name: str) -> str:
    return f"translation_{language.replace('-', '_')}_{name}"


def translations_form(model, base: type[forms.ModelForm] = forms.ModelForm) -> type[forms.ModelForm]:
    """`base` with a text field per language and translated field of `model`, read from and written to the row's
    `translations` (skills/translations.py): an editor fills in words, not JSON."""
    language_names = dict(settings.LANGUAGES)
    limits = translations.field_limits(model)
    declared = {}
    for language in translations.LANGUAGES:
        for name, limit in limits.items():
            english = model._meta.get_field(name)
            declared[_translation_field_name(language, name)] = StrictCharField(
                label=format_lazy("{} ({})", capfirst(english.verbose_name), language_names[language]),
                required=False,
                max_length=limit,
                widget=forms.Textarea(attrs={"rows": 3}) if english.max_length is None else None,
                help_text=_("Empty: the English text is shown, marked as English."),
            )

    def __init__(self, *args, **kwargs):
        base.__init__(self, *args, **kwargs)
        stored = self.instance.translations or {}
        for language in translations.LANGUAGES:
            for name in limits:
                self.fields[_translation_field_name(language, name)].initial = (stored.get(language) or {}).get(
                    name, ""
                )

    def clean(self):
        cleaned = base.clean(self)
        value = {}
        for language in translations.LANGUAGES:
            texts = {name: cleaned.get(_translation_field_name(language, name)) or "" for name in limits}
            texts = {name: text for name, text in texts.items() if text.strip()}
            if texts:
                value[language] = texts
        found = translations.problems(value, limits)
        if found:
            raise ValidationError(found)
        self.instance.translations = value
        return cleaned

    return type(f"{model.__name__}TranslationsForm", (base,), {**declared, "__init__": __init__, "clean": clean})


class TranslationsAdmin(admin.ModelAdmin):
    """The row's translations as text fields, one folded section per language, instead of raw JSON."""

    def get_exclude(self, request, obj=None):
        return [*(super().get_exclude(request, obj) or []), "translations"]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if self.fieldsets:
            return fieldsets
        fields = [name for _name, options in fieldsets for name in options["fields"]]
        main = [name for name in fields if not str(name).startswith("translation_")]
        language_names = dict(settings.LANGUAGES)
        per_language = [
            (
                language_names[language],
                {
                    "fields": [name for name in fields if str(name).startswith(_translation_field_name(language, ""))],
                    "classes": ["collapse"],
                },
            )
            for language in translations.LANGUAGES
        ]
        return [(None, {"fields": main}), *per_language]


class SkillGroupInline(admin.TabularInline):
    model = SkillGroup
    extra = 0
    prepopulated_fields = {"slug": ["name"]}
    fields = ["name", "slug", "position"]


@admin.register(Domain)
class DomainAdmin(NameColumn, TranslationsAdmin):
    form = translations_form(Domain)
    list_display = ["sorted_name", "slug", "position", "group_count"]
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
class SkillGroupAdmin(NameColumn, TranslationsAdmin):
    form = translations_form(SkillGroup)
    list_display = ["sorted_name", "domain", "slug", "position", "skill_count"]
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


class CompactForeignKeys:
    """Foreign keys as plain selects: no add, change, view or delete icons beside each (on a page of fifty
    expectations they were eight icons a row). The related rows have their own pages."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None and isinstance(field.widget, RelatedFieldWidgetWrapper):
            widget = field.widget
            widget.can_add_related = widget.can_change_related = False
            widget.can_delete_related = widget.can_view_related = False
        return field


class ExpectationInline(CompactForeignKeys, admin.StackedInline):
    """Each expectation in two lines, to fit a laptop's screen: its flags side by side, then its text full width."""

    model = Expectation
    form = CellForm
    extra = 0
    fields = [("role", "level", "proficiency", "required", "version"), "description"]
    readonly_fields = ["version"]
    ordering = [Lower("role__name"), "level__position"]
    classes = ["expectations-inline"]
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 3})}}

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("skill", "role", "level")

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
class SkillAdmin(NameColumn, CompactForeignKeys, TranslationsAdmin, CatalogRulesAdmin):
    form = translations_form(Skill)
    list_display = ["sorted_name", "group", "domain", "cell_count", "updated"]
    list_filter = ["group__domain", "group", "updated"]
    list_select_related = ["group__domain"]
    search_fields = ["name", "slug", "summary"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["group"]
    date_hierarchy = "updated"
    # "Last updated" is the database's to keep (skills/models.py): shown, never typed.
    readonly_fields = ["updated"]
    inlines = [ExpectationInline]
    actions = ["merge_into_another"]

    class Media:
        css = {"all": ["css/admin_skill.css"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(cell_count=Count("expectations"))

    def save_model(self, request, obj, form, change):
        # The skill's row first (skills/locking.py); a skill merged away while its page was open is gone,
        # and saving must not create it again under its old id.
        if change and not locking.lock_skills([obj.pk]):
            raise services.skill_gone(obj)
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        if formset.model is not Expectation:
            return super().save_formset(request, form, formset, change)
        # commit=False: the formset sorts its forms into new, changed and deleted cells; the services write them.
        cells = formset.save(commit=False)
        for cell in formset.deleted_objects:
            services.cell_delete(cell=cell)
        for cell in cells:
            save_cell(cell)
        return None

    def get_urls(self):
        merge_url = path(
            "<path:object_id>/merge/", self.admin_site.admin_view(self.merge_view), name="skills_skill_merge"
        )
        return [merge_url, *super().get_urls()]

    @admin.action(description=_("Merge the selected skill into another…"), permissions=["merge"])
    def merge_into_another(self, request, queryset):
        pks = list(queryset.values_list("pk", flat=True)[:2])
        if len(pks) != 1:
            self.message_user(request, gettext("Select exactly one skill to merge into another."), messages.ERROR)
            return None
        return HttpResponseRedirect(reverse("admin:skills_skill_merge", args=[pks[0]]))

    def has_merge_permission(self, request, obj=None) -> bool:
        # Merging edits the target and deletes the source: both rights are needed (an action's list is any-of).
        return self.has_change_permission(request, obj) and self.has_delete_permission(request, obj)

    def merge_view(self, request, object_id):
        """Choose the target (GET), preview the merge with a decision per clashing cell (GET), merge (POST)."""
        source = self.get_object(request, unquote(object_id))
        if source is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.has_merge_permission(request, source):
            raise PermissionDenied
        data = request.POST if request.method == "POST" else (request.GET if "target" in request.GET else None)
        form = MergeTargetForm(data, source=source)
        if data is None or not form.is_valid():
            for error in form.errors.get("target", []) if data is not None else []:
                self.message_user(request, error, messages.ERROR)
            return self._merge_page(request, source, form)
        target = form.cleaned_data["target"]
        # None: a first look at the preview, pre-selected by merge.suggestions.
        decisions = _decisions(request.POST) if request.method == "POST" else None
        preset = request.GET.get("preset")
        if request.method == "GET" and preset in merge.DECISION_LABELS:
            # "Keep/take everywhere" links pre-check every radio; the staff member still confirms.
            plan = merge.merge_plan(source=source, target=target)
            decisions = {clash.axes: preset for clash in plan.clashes}
        if request.method == "POST":
            try:
                result = merge.skill_merge(
                    source=source,
                    target=target,
                    decisions=decisions,
                    user=request.user,
                    fingerprint=request.POST.get("fingerprint", ""),
                )
            except ValidationError as error:
                for message in error.messages:
                    self.message_user(request, message, messages.ERROR)
                if error.code in ("target_gone", "source_gone"):
                    return HttpResponseRedirect(request.path)
            except (DatabaseError, Conflict):
                # A deadlock or serialization failure with a concurrent write, after the service's retries
                # (Conflict), or another database error: nothing was written.
                busy = gettext("The catalog was busy; nothing was merged. Try again.")
                self.message_user(request, busy, messages.ERROR)
            else:
                self.message_user(request, _merged_message(result), messages.SUCCESS)
                return HttpResponseRedirect(reverse("admin:skills_skill_change", args=[target.pk]))
        return self._merge_page(request, source, form, target=target, decisions=decisions)

    def _merge_page(self, request, source, form, *, target=None, decisions=None):
        plan = merge.merge_plan(source=source, target=target) if target else None
        suggested = merge.suggestions(plan) if plan else {}
        if decisions is None:
            decisions = {axes: suggestion.decision for axes, suggestion in suggested.items()}
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Merge “%(skill)s” into another skill") % {"skill": source.name},
            "source": source,
            "form": form,
            "plan": plan,
            "clashes": [_clash_row(clash, decisions.get(clash.axes), suggested[clash.axes]) for clash in plan.clashes]
            if plan
            else [],
            "suggestion_rule": merge.SUGGESTION_RULE,
            "followers": merge.merge_followers(source=source, target=target) if target else [],
            "decision_labels": merge.DECISION_LABELS,
        }
        return TemplateResponse(request, "admin/skills/merge.html", context)

    @admin.display(description=_("domain"), ordering="group__domain__name")
    def domain(self, obj):
        return obj.group.domain

    @admin.display(description=_("expectations"), ordering="cell_count")
    def cell_count(self, obj):
        return obj.cell_count


class MergeTargetForm(forms.Form):
    target = forms.ModelChoiceField(
        queryset=Skill.objects.order_by(Lower("name")),
        label=_("Merge into"),
        empty_label=_("Choose the skill to keep"),
        error_messages={"invalid_choice": _("The target skill no longer exists; choose another.")},
    )

    def __init__(self, *args, source: Skill, **kwargs):
        super().__init__(*args, **kwargs)
        self.source = source

    def clean_target(self):
        target = self.cleaned_data["target"]
        if target.pk == self.source.pk:
            raise ValidationError(_("A skill cannot be merged into itself."))
        return target


DECISION_FIELD = re.compile(r"^clash-(\d+)-(\d+)$")


def _decisions(data) -> dict[tuple[int, int], str]:
    """The decision per clashing cell, from the fields named clash-<role id>-<level id>."""
    decisions = {}
    for key, value in data.items():
        match = DECISION_FIELD.match(key)
        if match:
            decisions[(int(match[1]), int(match[2]))] = value
    return decisions


def _clash_row(clash: merge.Clash, chosen: str | None, suggestion: merge.Suggestion) -> dict:
    return {
        "clash": clash,
        "suggestion": suggestion,
        "choices": [
            {"value": value, "label": label, "checked": value == chosen, "id": f"{clash.key}-{value}"}
            for value, label in merge.DECISION_LABELS.items()
        ],
    }


def _merged_message(result: merge.MergeResult) -> str:
    return gettext(
        "Merged “%(source)s” into “%(target)s”: %(moved)d expectations moved, %(clashes)d clashing expectations "
        "resolved; /skills/%(slug)s/ now leads here."
    ) % {
        "source": result.source_name,
        "target": result.target.name,
        "moved": result.moved,
        "clashes": len(result.resolved),
        "slug": result.source_slug,
    }


@admin.register(SkillRedirect)
class SkillRedirectAdmin(admin.ModelAdmin):
    """Written only by merges; listed so that staff can see where an old address leads."""

    list_display = ["old_slug", "skill", "created"]
    list_select_related = ["skill"]
    search_fields = ["old_slug", "skill__name", "skill__slug"]
    date_hierarchy = "created"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class RoleLevelFormSet(BaseInlineFormSet):
    def clean(self):
        """A role level that has cells stays, at its level (the database refuses otherwise: CELL_HAS_ROLE_LEVEL)."""
        super().clean()
        # By their level as loaded: a changed form's instance already carries the new one.
        leaving = [
            form.initial["level"]
            for form in self.initial_forms
            if self._should_delete_form(form) or "level" in form.changed_data
        ]
        if not leaving:
            return
        counts = (
            Expectation.objects.filter(role=self.instance, level_id__in=leaving)
            .values_list("level__name")
            .annotate(cells=Count("pk"))
            .order_by("level__position")
        )
        errors = [
            gettext(
                "The level “%(level)s” has %(count)d expectations of this role: delete them or move them to another "
                "level before you remove or change it."
            )
            % {"level": level, "count": cells}
            for level, cells in counts
        ]
        if errors:
            raise ValidationError(errors)


class RoleLevelInline(admin.StackedInline):
    model = RoleLevel
    formset = RoleLevelFormSet
    extra = 0
    fields = ["level", "stack", "focus"]
    ordering = ["level__position"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("level")


class RoleForm(forms.ModelForm):
    """A role's family is picked from the role families, never typed: a typo would make a family of its own."""

    family = forms.ModelChoiceField(
        queryset=RoleFamily.objects.order_by(Lower("name")),
        to_field_name="name",
        label=_("family"),
        help_text=_("One of the role families (add new ones there)."),
        error_messages={"invalid_choice": _("Choose one of the role families; add a new one there first.")},
    )

    class Meta:
        model = Role
        fields = ["name", "slug", "family", "tagline"]

    def clean_family(self) -> str:
        return self.cleaned_data["family"].name


@admin.register(RoleFamily)
class RoleFamilyAdmin(NameColumn, admin.ModelAdmin):
    """Families of roles. Renaming one renames it on its roles (the database cascades); one in use stays."""

    list_display = ["sorted_name", "role_count"]
    search_fields = ["name"]
    actions = None

    def get_queryset(self, request):
        roles = Role.objects.filter(family=OuterRef("name")).order_by().values("family").annotate(n=Count("pk"))
        return super().get_queryset(request).annotate(role_count=Coalesce(Subquery(roles.values("n")), 0))

    @admin.display(description=_("roles"), ordering="role_count")
    def role_count(self, obj):
        return obj.role_count

    def has_delete_permission(self, request, obj=None):
        if obj is not None and Role.objects.filter(family=obj.name).exists():
            return False
        return super().has_delete_permission(request, obj)

    def delete_view(self, request, object_id, extra_context=None):
        # A role may take the family between the confirmation page and the delete: the database refuses.
        try:
            with transaction.atomic():
                return super().delete_view(request, object_id, extra_context)
        except IntegrityError as error:
            if not services.violates(error, ROLE_HAS_FAMILY):
                raise
        self.message_user(request, gettext("Nothing was deleted: roles of this family exist."), messages.ERROR)
        return HttpResponseRedirect(reverse("admin:skills_rolefamily_changelist"))


@admin.register(Role)
class RoleAdmin(NameColumn, TranslationsAdmin, CatalogRulesAdmin):
    form = translations_form(Role, RoleForm)
    list_display = ["sorted_name", "family", "slug", "level_count", "cell_count"]
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

    @admin.display(description=_("expectations"), ordering="cell_count")
    def cell_count(self, obj):
        return obj.cell_count


@admin.register(Level)
class LevelAdmin(NameColumn, TranslationsAdmin):
    form = translations_form(Level)
    list_display = ["sorted_name", "short", "slug", "position"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Expectation)
class ExpectationAdmin(TranslationsAdmin, CatalogRulesAdmin):
    form = translations_form(Expectation, CellForm)
    list_display = ["skill", "role", "level", "required", "proficiency", "version"]
    list_filter = ["required", "proficiency", "level", "role__family", "role", "skill__group__domain"]
    list_select_related = ["skill", "role", "level"]
    search_fields = ["description", "skill__name", "role__name"]
    autocomplete_fields = ["skill", "role"]
    readonly_fields = ["version"]
    list_per_page = 50

    def save_model(self, request, obj, form, change):
        save_cell(obj, translations=obj.translations)  # as the form's translation fields left them

    def delete_model(self, request, obj):
        services.cell_delete(cell=obj)

    def delete_queryset(self, request, queryset):
        for cell in queryset:
            services.cell_delete(cell=cell)
