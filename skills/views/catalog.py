"""Skill-side pages: home, skill profile with the level picker, cell detail, skill history.

Every page reads a fixed number of queries, whatever the size of the catalog:
the reads carry their own select_related/prefetch_related and the rest is
arranged in Python.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import pghistory.models
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from skills import freshness
from skills.diff import Segment, has_changes, step_changes, word_diff
from skills.models import (
    Domain,
    Expectation,
    ExpectationEvent,
    Level,
    Proficiency,
    Role,
    Skill,
    SkillEvent,
    SkillGroup,
)
from skills.views import as_of as as_of_views

HISTORY_PAGE_SIZE = 50

SOURCE_LABELS = {
    "admin": gettext_lazy("Admin"),
    "api": gettext_lazy("API"),
    "web": gettext_lazy("Website"),
    "import": gettext_lazy("Import"),
    "shell": gettext_lazy("Shell"),
    "proposal": gettext_lazy("Approved proposal"),
}
EVENT_LABELS = {
    "insert": gettext_lazy("Added"),
    "update": gettext_lazy("Changed"),
    "delete": gettext_lazy("Removed"),
}


# --------------------------------------------------------------------- home
@freshness.cached_page(freshness.CATALOG)
def home(request):
    skills = Skill.objects.with_counts().order_by("name")
    groups = SkillGroup.objects.order_by("position", "name").prefetch_related(Prefetch("skills", queryset=skills))
    domains = list(Domain.objects.prefetch_related(Prefetch("groups", queryset=groups)))
    roles = Role.objects.annotate(skill_count=Count("expectations__skill", distinct=True)).order_by("family", "name")
    all_skills = [skill for domain in domains for group in domain.groups.all() for skill in group.skills.all()]
    return render(
        request,
        "skills/home.html",
        {
            "domains": domains,
            "roles": roles,
            "skill_total": len(all_skills),
            "cell_total": sum(skill.cell_count for skill in all_skills),
        },
    )


# ------------------------------------------------------------ skill profile
@dataclass
class RoleStep:
    """One role at the chosen level beside the same role at the next level."""

    role: Role
    current: Expectation | None
    next: Expectation | None
    segments: list[Segment] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)

    @property
    def next_required(self) -> bool:
        return bool(self.next and self.next.required)

    @property
    def text_changed(self) -> bool:
        return has_changes(self.segments)


@dataclass
class LevelComparison:
    level: Level
    next_level: Level | None
    steps: list[RoleStep]


@freshness.cached_page(freshness.CATALOG, freshness.COMMUNITY, revalidate_signed_in=False)
def skill_detail(request, slug):
    if request.GET.get("as_of"):
        return as_of_views.skill_as_of(request, slug)
    chosen = request.GET.get("level", "").strip()
    page = freshness.fragment(request, "skill", slug, chosen, build=lambda: _skill_main(slug, chosen))
    skill = Skill(pk=page["pk"], slug=slug, name=page["name"], summary=page["summary"])
    return render(request, "skills/skill_detail.html", {"skill": skill, "main": mark_safe(page["main"])})


def _skill_main(slug: str, chosen: str) -> dict:
    """The skill page but its Community block, rendered: the same for every visitor."""
    skill = get_object_or_404(Skill.objects.with_taxonomy().with_counts(), slug=slug)
    context = skill_context(skill, list(Expectation.objects.for_skill(skill)), chosen)
    main = render_to_string("skills/partials/skill_main.html", context)
    return {"pk": skill.pk, "name": skill.name, "summary": skill.summary, "main": main}


def skill_context(skill: Skill, cells: list[Expectation], chosen: str) -> dict:
    """What the skill page shows of `skill` and its `cells`, with the levels compared when `chosen` is set."""
    levels = _distinct_levels(cells)
    tables = [(level, [cell for cell in cells if cell.level_id == level.pk]) for level in levels]
    comparison = None
    unknown_level = ""
    if chosen:
        level = next((level for level in levels if level.slug == chosen), None)
        if level is None:
            unknown_level = chosen
        else:
            comparison = compare_levels(cells, levels, level)
    return {
        "skill": skill,
        "optional_count": skill.cell_count - skill.required_count,
        "levels": levels,
        "tables": tables,
        "comparison": comparison,
        "chosen_level": comparison.level if comparison else None,
        "unknown_level": unknown_level,
    }


def _distinct_levels(cells: list[Expectation]) -> list[Level]:
    by_id = {cell.level_id: cell.level for cell in cells}
    return sorted(by_id.values(), key=lambda level: level.position)


def compare_levels(cells: list[Expectation], levels: list[Level], level: Level) -> LevelComparison:
    """Per role, the cell at `level` and at the level after it, required items first."""
    index = levels.index(level)
    next_level = levels[index + 1] if index + 1 < len(levels) else None
    by_role: dict[int, dict[int, Expectation]] = defaultdict(dict)
    roles: dict[int, Role] = {}
    for cell in cells:
        by_role[cell.role_id][cell.level_id] = cell
        roles[cell.role_id] = cell.role

    steps = []
    for role_id, role_cells in by_role.items():
        current = role_cells.get(level.pk)
        upcoming = role_cells.get(next_level.pk) if next_level else None
        if current is None and upcoming is None:
            continue
        steps.append(_role_step(roles[role_id], current, upcoming, next_level))
    steps.sort(
        key=lambda step: (
            not step.next_required,
            not (step.current and step.current.required),
            step.role.name,
        )
    )
    return LevelComparison(level=level, next_level=next_level, steps=steps)


def _role_step(role: Role, current: Expectation | None, upcoming: Expectation | None, next_level) -> RoleStep:
    step = RoleStep(role=role, current=current, next=upcoming)
    if next_level is None:
        return step
    if current is None:
        step.changes.append(_("New for this role at %(level)s") % {"level": next_level.name})
        return step
    if upcoming is None:
        step.changes.append(_("Not described at %(level)s") % {"level": next_level.name})
        return step
    step.segments, changes = step_changes(current, upcoming)
    step.changes.extend(changes)
    return step


# -------------------------------------------------------------- cell detail
def cell_detail(request, slug, role, level):
    cell = get_object_or_404(
        Expectation.objects.select_related("skill__group__domain", "role", "level"),
        skill__slug=slug,
        role__slug=role,
        level__slug=level,
    )
    # The role's other levels for this skill, to step along its growth path.
    siblings = list(
        Expectation.objects.filter(skill_id=cell.skill_id, role_id=cell.role_id)
        .select_related("level")
        .order_by("level__position")
        .only("id", "level__slug", "level__name", "level__short", "level__position", "required", "proficiency")
    )
    # Keyed by the cell's axes, not its id: a cell deleted and made again keeps its story; and by its id:
    # a cell moved here by a merge of skills keeps the story it had in the merged skill.
    events = (
        ExpectationEvent.objects.filter(
            Q(skill_id=cell.skill_id, role_id=cell.role_id, level_id=cell.level_id) | Q(pgh_obj_id=cell.pk)
        )
        .select_related("pgh_context")
        .order_by("pgh_id")
    )
    return render(
        request,
        "skills/cell_detail.html",
        {"cell": cell, "skill": cell.skill, "siblings": siblings, "history": cell_history(events)},
    )


@dataclass
class FieldChange:
    label: str
    old: Any
    new: Any
    segments: list[Segment] | None = None


@dataclass
class HistoryEntry:
    action: str
    action_label: str
    created_at: datetime
    source: str
    source_label: str
    username: str
    proposal: Any
    title: str = ""
    url: str = ""
    version: int | None = None
    text: str = ""
    changes: list[FieldChange] = field(default_factory=list)
    minor: bool = False
    merge: dict | None = None  # {"from_name", "into_name", ...} when the change was part of a merge of skills


def _context_fields(metadata: dict | None) -> dict:
    metadata = metadata or {}
    source = str(metadata.get("source") or "")
    return {
        "source": source,
        "source_label": SOURCE_LABELS.get(source, source or _("Database")),
        "username": str(metadata.get("username") or ""),
        "proposal": metadata.get("proposal"),
        "merge": metadata.get("merge") if isinstance(metadata.get("merge"), dict) else None,
    }


def _mark_moved(entry: HistoryEntry, description: str) -> None:
    """A cell moved from a merged skill: same content, another skill."""
    entry.action_label = _("Moved here by a merge")
    entry.text = description


def _cell_changes(old: dict, new: dict) -> list[FieldChange]:
    changes = []
    if old.get("description") != new.get("description"):
        changes.append(
            FieldChange(
                label=_("Description"),
                old=old.get("description"),
                new=new.get("description"),
                segments=word_diff(old.get("description") or "", new.get("description") or ""),
            )
        )
    if old.get("required") != new.get("required"):
        changes.append(FieldChange(_("Required"), _yes_no(old.get("required")), _yes_no(new.get("required"))))
    if old.get("proficiency") != new.get("proficiency"):
        changes.append(
            FieldChange(_("Proficiency"), _proficiency(old.get("proficiency")), _proficiency(new.get("proficiency")))
        )
    return changes


def _yes_no(value) -> str:
    return _("Required") if value else _("Optional")


def _proficiency(value) -> str:
    return Proficiency(value).label if value in Proficiency.values else str(value or "—")


def cell_history(events) -> list[HistoryEntry]:
    """A cell's audit events, newest first, each with its change from the one before."""
    entries = []
    previous: dict = {}
    for event in events:
        data = {
            "description": event.description,
            "required": event.required,
            "proficiency": event.proficiency,
            "skill_id": event.skill_id,
        }
        metadata = event.pgh_context.metadata if event.pgh_context_id else None
        entry = HistoryEntry(
            action=event.pgh_label,
            action_label=EVENT_LABELS.get(event.pgh_label, event.pgh_label),
            created_at=event.pgh_created_at,
            version=event.version,
            **_context_fields(metadata),
        )
        if event.pgh_label == "update":
            entry.changes = _cell_changes(previous, data)
            if not entry.changes and previous.get("skill_id") not in (None, event.skill_id):
                _mark_moved(entry, event.description)
        else:
            entry.text = event.description
        entries.append(entry)
        previous = data
    entries.reverse()
    return entries


# ------------------------------------------------------------ skill history
SKILL_FIELDS = {
    "name": gettext_lazy("Name"),
    "slug": gettext_lazy("Address (slug)"),
    "summary": gettext_lazy("Summary"),
    "group_id": gettext_lazy("Group"),
    "updated": gettext_lazy("Last updated"),
}
WORDY_FIELDS = {"name", "summary", "description"}


def skill_history(request, slug):
    skill = get_object_or_404(Skill.objects.with_taxonomy(), slug=slug)
    # One union over the skill's own events and its cells' events (pghistory's
    # aggregate Events model), each row with its JSON diff from the row before.
    events = (
        pghistory.models.Events.objects.references(skill)
        .across(SkillEvent, ExpectationEvent)
        .order_by("-pgh_created_at", "-pgh_id")
    )
    page = Paginator(events, HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    role_ids = {row.pgh_data.get("role_id") for row in rows if row.pgh_model == ExpectationEvent._meta.label}
    group_ids = set()
    for row in rows:
        if row.pgh_model == SkillEvent._meta.label:
            group_ids.update(value for value in (row.pgh_diff or {}).get("group_id", []) if value)
    roles = Role.objects.in_bulk(role_ids) if role_ids else {}
    groups = SkillGroup.objects.in_bulk(group_ids) if group_ids else {}
    levels = {level.pk: level for level in Level.objects.all()}
    entries = [_history_entry(skill, row, roles, levels, groups) for row in rows]
    return render(request, "skills/skill_history.html", {"skill": skill, "page": page, "entries": entries})


def _history_entry(skill: Skill, row, roles: dict, levels: dict, groups: dict) -> HistoryEntry:
    entry = HistoryEntry(
        action=row.pgh_label,
        action_label=EVENT_LABELS.get(row.pgh_label, row.pgh_label),
        created_at=row.pgh_created_at,
        **_context_fields(row.pgh_context),
    )
    data = row.pgh_data or {}
    diff = row.pgh_diff or {}
    if row.pgh_model == ExpectationEvent._meta.label:
        role, level = roles.get(data.get("role_id")), levels.get(data.get("level_id"))
        role_name = role.name if role else _("Role #%(id)s") % {"id": data.get("role_id")}
        level_name = level.name if level else _("Level #%(id)s") % {"id": data.get("level_id")}
        entry.title = _("%(role)s · %(level)s") % {"role": role_name, "level": level_name}
        if role and level and row.pgh_label != "delete":
            entry.url = reverse("skills:cell", args=[skill.slug, role.slug, level.slug])
        entry.version = data.get("version")
        if row.pgh_label == "update":
            old = {key: values[0] for key, values in diff.items()}
            new = {key: values[1] for key, values in diff.items()}
            entry.changes = _cell_changes({**data, **old}, {**data, **new})
            if not entry.changes and "skill_id" in diff:
                _mark_moved(entry, data.get("description") or "")
        else:
            entry.text = data.get("description") or ""
        return entry

    entry.title = _("Skill")
    if row.pgh_label == "update":
        for key, (old, new) in diff.items():
            if key not in SKILL_FIELDS:
                continue
            change = FieldChange(label=str(SKILL_FIELDS[key]), old=old, new=new)
            if key in WORDY_FIELDS:
                change.segments = word_diff(old or "", new or "")
            elif key == "group_id":
                change.old, change.new = groups.get(old, old), groups.get(new, new)
            elif key == "updated":
                change.old, change.new = _as_date(old), _as_date(new)
            entry.changes.append(change)
        # The "Last updated" date follows every cell change: show such rows quietly.
        entry.minor = set(diff) <= {"updated"}
    else:
        entry.text = data.get("summary") or ""
        entry.title = data.get("name") or _("Skill")
    return entry


def _as_date(value):
    try:
        return date.fromisoformat(value) if isinstance(value, str) else value
    except ValueError:
        return value
