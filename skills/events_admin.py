"""The audit trail's events page in the admin (pghistory's, set by PGHISTORY_ADMIN_CLASS), made readable.

Each event reads as what changed, before and after, not as raw JSON: the row's name, the fields that changed
with a word diff for texts, the ids of related rows as their names (one query per related model on a page),
who did it, through what, and the merge it was part of.
"""

from collections import defaultdict

from django.contrib import admin
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist, ValidationError
from django.db import models
from django.http import Http404
from django.template.loader import render_to_string
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from pghistory.admin import EventsAdmin
from pghistory.admin.core import EventsChangeList

from skills.diff import word_diff
from skills.pages import EVENT_LABELS, SOURCE_LABELS

# Columns the audit trail records but an editor does not need to read.
HIDDEN = {"id", "version"}
TEXTS = {"name", "summary", "description", "tagline", "stack", "focus"}


def tracked_model(event) -> type[models.Model] | None:
    from django.apps import apps

    try:
        return apps.get_model(event.pgh_obj_model)
    except (LookupError, ValueError):
        return None


def _field(model, column: str):
    for field in model._meta.concrete_fields:
        if field.attname == column:
            return field
    raise FieldDoesNotExist(column)


def _columns(event):
    """(column, value) for every value the event shows: its data, and both sides of each change."""
    yield from (event.pgh_data or {}).items()
    for column, pair in (event.pgh_diff or {}).items():
        for value in pair or []:
            yield column, value


def related_names(events) -> dict[tuple[type, object], str]:
    """The names of the rows the events' foreign keys point at: one query per related model."""
    wanted = defaultdict(set)
    for event in events:
        model = tracked_model(event)
        if model is None:
            continue
        for column, value in _columns(event):
            try:
                field = _field(model, column)
            except FieldDoesNotExist:
                continue
            if field.is_relation and value is not None:
                wanted[field.related_model].add(value)
    names = {}
    for related, ids in wanted.items():
        for row in related._default_manager.filter(pk__in=ids):
            names[(related, row.pk)] = str(row)
    return names


class ReadableChangeList(EventsChangeList):
    def get_results(self, request):
        super().get_results(request)
        names = related_names(self.result_list)
        for event in self.result_list:
            event.related_names = names


class ReadableEventsAdmin(EventsAdmin):
    list_display = ["pgh_created_at", "subject", "kind", "who", "changes"]

    def get_list_display(self, request):
        return self.list_display

    def get_changelist(self, request, **kwargs):
        return ReadableChangeList

    def changelist_view(self, request, extra_context=None):
        # pghistory loads the object that ?obj= names: a malformed or unknown one is a 404, not a server error.
        try:
            return super().changelist_view(request, extra_context)
        except (ObjectDoesNotExist, ValidationError, LookupError, ValueError, TypeError, AttributeError) as error:
            raise Http404(gettext("No such object.")) from error

    # --- columns ------------------------------------------------------------------------------------

    @admin.display(description=_("object"))
    def subject(self, event):
        model = tracked_model(event)
        data = event.pgh_data or {}
        label = model._meta.verbose_name.capitalize() if model else event.pgh_obj_model
        return f"{label}: {self._name(event, model, data)}"

    @admin.display(description=_("change"))
    def kind(self, event):
        return EVENT_LABELS.get(event.pgh_label, event.pgh_label)

    @admin.display(description=_("by"))
    def who(self, event):
        context = event.pgh_context or {}
        source = context.get("source")
        merge = context.get("merge")
        return render_to_string(
            "admin/skills/event_who.html",
            {
                "username": context.get("username"),
                "source": SOURCE_LABELS.get(source, source),
                "proposal": context.get("proposal"),
                "merge": merge if isinstance(merge, dict) else None,
            },
        )

    @admin.display(description=_("before and after"))
    def changes(self, event):
        model = tracked_model(event)
        rows = self._rows(event, model)
        return render_to_string("admin/skills/event_changes.html", {"rows": rows, "label": event.pgh_label})

    # --- reading an event ---------------------------------------------------------------------------

    def _name(self, event, model, data) -> str:
        if "name" in data:
            return str(data["name"])
        parts = [
            self._value(event, model, column, data[column])
            for column in ("skill_id", "role_id", "level_id")
            if column in data
        ]
        return " · ".join(parts) if parts else f"#{event.pgh_obj_id}"

    def _label(self, model, column: str) -> str:
        try:
            return str(_field(model, column).verbose_name).capitalize()
        except (FieldDoesNotExist, AttributeError):
            return column

    def _value(self, event, model, column: str, value) -> str:
        if value is None or value == "":
            return "—"
        try:
            field = _field(model, column) if model else None
        except FieldDoesNotExist:
            field = None
        if field is not None and field.is_relation:
            return getattr(event, "related_names", {}).get((field.related_model, value), f"#{value}")
        if field is not None and field.choices:
            return str(dict(field.flatchoices).get(value, value))
        if isinstance(value, bool):
            return gettext("yes") if value else gettext("no")
        return str(value)

    def _rows(self, event, model) -> list[dict]:
        data = event.pgh_data or {}
        if event.pgh_label == "update" and event.pgh_diff:
            pairs = {column: (pair[0], pair[1]) for column, pair in event.pgh_diff.items() if column not in HIDDEN}
        elif event.pgh_label == "delete":
            pairs = {column: (value, None) for column, value in data.items() if column not in HIDDEN}
        else:
            pairs = {column: (None, value) for column, value in data.items() if column not in HIDDEN}
        rows = []
        for column, (old, new) in pairs.items():
            row = {"label": self._label(model, column), "old": self._value(event, model, column, old)}
            row["new"] = self._value(event, model, column, new)
            if column in TEXTS and isinstance(old, str) and isinstance(new, str):
                row["segments"] = word_diff(old, new)
            rows.append(row)
        return rows
