"""The catalog as it stood at the end of a past day, rebuilt from the audit trail.

Every catalog row has pghistory events (insert, update, delete), each holding
the row's full data. A row's state at the end of day D (in the site time zone,
settings.TIME_ZONE) is its last event written before D + 1 began; when that
event is a delete, the row did not exist then. Each kind of row costs one query
(DISTINCT ON pgh_obj_id), whatever the size of the catalog or of its history.

The rebuilt rows are unsaved model instances (Skill, Expectation, Role, Level,
RoleLevel, SkillGroup, Domain) with their related objects attached, so that the
live pages' templates and the API's serializers draw them unchanged. They must
never be saved.

Rows without any event (only possible for rows written with the triggers
switched off: every code path, the import included, writes events) have no
past: such a cell is left out, and such a skill or role has no past version
(404). A parent row (group, domain, role, level) that a rebuilt row points at
but that has no state on that day is taken as it is today, so that the page can
always be drawn.
"""

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from itertools import groupby

from django.db import models
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from skills import selectors
from skills.models import (
    Domain,
    DomainEvent,
    Expectation,
    ExpectationEvent,
    Level,
    LevelEvent,
    Role,
    RoleEvent,
    RoleLevel,
    RoleLevelEvent,
    Skill,
    SkillEvent,
    SkillGroup,
    SkillGroupEvent,
)

DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
DELETE = "delete"


class InvalidDate(ValueError):
    """The as_of parameter is not a day this history can answer for: the message says why."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class Missing(Exception):
    """The skill or role did not exist (under that address) at the end of that day."""

    def __init__(self, message: str, *, current_slug: str | None = None):
        super().__init__(message)
        self.message = message
        self.current_slug = current_slug  # where it lives today, when it does


# --------------------------------------------------------------------- dates
def today() -> date:
    return timezone.localdate(timezone=timezone.get_default_timezone())


def parse_day(value: str) -> date:
    """The day written YYYY-MM-DD, not after today (the past cannot be read from tomorrow)."""
    value = value.strip()
    if not DATE_RE.fullmatch(value):
        raise InvalidDate(_("Give the date as YYYY-MM-DD, for example %(example)s.") % {"example": today().isoformat()})
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise InvalidDate(_("%(value)s is not a day of the calendar.") % {"value": value}) from None
    if day > today():
        raise InvalidDate(
            _("%(day)s is in the future: the catalog can be shown as it stood on any day up to today, %(today)s.")
            % {"day": value, "today": today().isoformat()}
        )
    return day


def day_end(day: date) -> datetime:
    """The first instant after `day` in the site time zone: events before it happened by the end of the day."""
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=timezone.get_default_timezone())


def _when(day: date) -> str:
    return formats.date_format(day, "DATE_FORMAT")


# ----------------------------------------------------------- reconstruction
def latest(events: models.QuerySet, before: datetime) -> models.QuerySet:
    """Per object, its last event written before `before`.

    "Last" by pgh_id, not by pgh_created_at: the timestamp is NOW(), the start of
    the writing transaction, so two transactions writing one row may carry their
    timestamps in the other order; the row lock makes the ids follow the order of
    the writes.
    """
    return events.filter(pgh_created_at__lt=before).order_by("pgh_obj_id", "-pgh_id").distinct("pgh_obj_id")


def _ever(event_model, **where) -> models.QuerySet:
    """Events of every object that ever matched `where`: filtering before DISTINCT ON would pick stale states."""
    return event_model.objects.filter(pgh_obj_id__in=event_model.objects.filter(**where).values("pgh_obj_id"))


def build(model: type[models.Model], event) -> models.Model:
    """An unsaved instance of `model` with the row's data as the event recorded it."""
    return model(**{f.attname: getattr(event, f.attname) for f in model._meta.concrete_fields})


def _states(model, event_model, ids: set[int], before: datetime) -> dict[int, models.Model]:
    """The rows `ids` as they stood; one query, and one more only for rows without a state (taken as today)."""
    if not ids:
        return {}
    rows = {}
    seen = set()
    for event in latest(event_model.objects.filter(pgh_obj_id__in=ids), before):
        seen.add(event.pgh_obj_id)
        if event.pgh_label != DELETE:
            rows[event.pgh_obj_id] = build(model, event)
    if unknown := ids - seen:
        rows.update(model.objects.in_bulk(unknown))
    return rows


def _find(model, event_model, *, slug: str, day: date, before: datetime):
    """The last event (before the day ended) of the skill or role known as `slug`, and its slug today.

    Today's address first (the reader comes from today's page); else an address
    that the object had then (an old link). One query when today's address
    answers, three at most otherwise.
    """
    event = latest(event_model.objects.filter(pgh_obj_id__in=model.objects.filter(slug=slug).values("pk")), before)
    event = event.first()
    if event is not None and event.pgh_label != DELETE:
        return event, slug
    now = model.objects.filter(slug=slug).values_list("name", flat=True).first()
    if now is not None:
        raise Missing(
            _("“%(name)s” did not exist yet on %(day)s.") % {"name": now, "day": _when(day)}, current_slug=slug
        )
    then = [
        event
        for event in latest(_ever(event_model, slug=slug), before)
        if event.slug == slug and event.pgh_label != DELETE
    ]
    if not then:
        raise Missing(_("Nothing was at this address on %(day)s.") % {"day": _when(day)})
    event = then[0]
    current = model.objects.filter(pk=event.pgh_obj_id).values_list("slug", flat=True).first()
    return event, current


# -------------------------------------------------------------------- skill
@dataclass
class SkillAsOf:
    day: date
    skill: Skill  # with group.domain, the counts of the skill page, and `as_of_cells`
    cells: list[Expectation]  # with role and level, by level position and role name
    current_slug: str | None  # None: the skill has since been removed


def skill_as_of(*, slug: str, day: date) -> SkillAsOf:
    """The skill page's data at the end of `day`: six queries, whatever the size of the catalog."""
    before = day_end(day)
    event, current_slug = _find(Skill, SkillEvent, slug=slug, day=day, before=before)
    skill = build(Skill, event)
    group = _states(SkillGroup, SkillGroupEvent, {skill.group_id}, before).get(skill.group_id)
    domain = _states(Domain, DomainEvent, {group.domain_id}, before).get(group.domain_id) if group else None
    if group is None or domain is None:
        raise Missing(_("This skill's group is missing from the audit trail."), current_slug=current_slug)
    group.domain = domain
    skill.group = group

    cells = [
        build(Expectation, event)
        for event in latest(_ever(ExpectationEvent, skill_id=skill.pk), before)
        if event.pgh_label != DELETE and event.skill_id == skill.pk
    ]
    roles = _states(Role, RoleEvent, {cell.role_id for cell in cells}, before)
    levels = _states(Level, LevelEvent, {cell.level_id for cell in cells}, before)
    cells = [cell for cell in cells if cell.role_id in roles and cell.level_id in levels]
    for cell in cells:
        cell.skill, cell.role, cell.level = skill, roles[cell.role_id], levels[cell.level_id]
    cells.sort(key=lambda cell: (cell.level.position, cell.role.name))

    # The counts of Skill.objects.with_counts(), from the rebuilt cells.
    skill.role_count = len({cell.role_id for cell in cells})
    skill.level_count = len({cell.level_id for cell in cells})
    skill.cell_count = len(cells)
    skill.required_count = sum(cell.required for cell in cells)
    skill.as_of_cells = cells
    return SkillAsOf(day=day, skill=skill, cells=cells, current_slug=current_slug)


# --------------------------------------------------------------------- role
@dataclass
class RoleAsOf:
    day: date
    role: Role  # with `as_of_role_levels`
    profile: selectors.RoleProfile
    matrix: list[dict] = field(default_factory=list)  # the API's rows: {"skill", "cells"}
    current_slug: str | None = None  # None: the role has since been removed


def _cell_order(cell: Expectation):
    group = cell.skill.group
    return (
        group.domain.position,
        group.domain.name,
        group.position,
        group.name,
        cell.skill.name,
        cell.level.position,
    )


def role_as_of(*, slug: str, day: date) -> RoleAsOf:
    """The role page's data at the end of `day`: seven queries, whatever the size of the catalog."""
    before = day_end(day)
    event, current_slug = _find(Role, RoleEvent, slug=slug, day=day, before=before)
    role = build(Role, event)

    role_levels = [
        build(RoleLevel, event)
        for event in latest(_ever(RoleLevelEvent, role_id=role.pk), before)
        if event.pgh_label != DELETE and event.role_id == role.pk
    ]
    levels = {
        event.pgh_obj_id: build(Level, event)
        for event in latest(LevelEvent.objects.all(), before)
        if event.pgh_label != DELETE
    }
    cells = [
        build(Expectation, event)
        for event in latest(_ever(ExpectationEvent, role_id=role.pk), before)
        if event.pgh_label != DELETE and event.role_id == role.pk
    ]
    levels.update(_states(Level, LevelEvent, {row.level_id for row in role_levels + cells} - levels.keys(), before))
    skills = _states(Skill, SkillEvent, {cell.skill_id for cell in cells}, before)
    groups = _states(SkillGroup, SkillGroupEvent, {skill.group_id for skill in skills.values()}, before)
    domains = _states(Domain, DomainEvent, {group.domain_id for group in groups.values()}, before)
    for group in groups.values():
        group.domain = domains.get(group.domain_id)
    for skill in skills.values():
        skill.group = groups.get(skill.group_id)
    skills = {pk: skill for pk, skill in skills.items() if skill.group and skill.group.domain}

    role_levels = [row for row in role_levels if row.level_id in levels]
    for row in role_levels:
        row.role, row.level = role, levels[row.level_id]
    role_levels.sort(key=lambda row: row.level.position)
    cells = [cell for cell in cells if cell.skill_id in skills and cell.level_id in levels]
    for cell in cells:
        cell.role, cell.skill, cell.level = role, skills[cell.skill_id], levels[cell.level_id]
    cells.sort(key=_cell_order)
    role.as_of_role_levels = role_levels

    columns = sorted(levels.values(), key=lambda level: level.position)
    profile = selectors.RoleProfile(
        role=role, levels=columns, role_levels=role_levels, cells=cells, domains=_matrix(columns, cells)
    )
    matrix = [{"skill": skill, "cells": list(rows)} for skill, rows in groupby(cells, key=lambda cell: cell.skill)]
    return RoleAsOf(day=day, role=role, profile=profile, matrix=matrix, current_slug=current_slug)


def _matrix(levels: list[Level], cells: list[Expectation]) -> list[selectors.MatrixDomain]:
    """The role page's matrix, as selectors.role_profile arranges it, from cells in _cell_order."""
    column = {level.pk: index for index, level in enumerate(levels)}
    domains: list[selectors.MatrixDomain] = []
    for cell in cells:
        domain = cell.skill.group.domain
        if not domains or domains[-1].domain.pk != domain.pk:
            domains.append(selectors.MatrixDomain(domain))
        rows = domains[-1].rows
        if not rows or rows[-1].skill.pk != cell.skill_id:
            rows.append(selectors.MatrixRow(cell.skill, [None] * len(levels)))
        rows[-1].cells[column[cell.level_id]] = cell
    return domains
