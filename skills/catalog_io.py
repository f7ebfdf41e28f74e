"""The catalog as one JSON document: export, validation and import.

The format is the one under fixtures/ (see fixtures/README.md). Export writes
everything in a stable order so that export → import → export gives the same
bytes. Import upserts by slug, writes only what differs, and writes nothing
at all when the file has any error.
"""

import datetime
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pghistory
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from skillmatrix.lock_conflicts import retry_on_lock_conflict
from skills import locking, services, translations
from skills.audit import FIRST_IMPORT, audit_context, preserve_last_updated
from skills.models import (
    CELL_HAS_ROLE_LEVEL,
    Domain,
    Expectation,
    Level,
    Proficiency,
    Role,
    RoleLevel,
    Skill,
    SkillGroup,
)

FORMAT = "skillmatrix.catalog"
FORMAT_VERSION = 1
SLUG_RE = re.compile(r"^[-a-z0-9_]+$")


# --- Export -------------------------------------------------------------------


def export_catalog() -> dict[str, Any]:
    levels = list(Level.objects.order_by("position"))
    level_pos = {level.pk: level.position for level in levels}
    domains = Domain.objects.prefetch_related("groups").order_by("position", "slug")
    roles = Role.objects.prefetch_related("role_levels__level").order_by("slug")
    skills = Skill.objects.select_related("group").order_by("slug")
    cells: dict[int, list] = {}
    for cell in Expectation.objects.select_related("role", "level").order_by("skill_id"):
        cells.setdefault(cell.skill_id, []).append(cell)
    return {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "levels": [
            {"slug": lv.slug, "name": lv.name, "short": lv.short, "position": lv.position, **_translations(lv)}
            for lv in levels
        ],
        "domains": [
            {
                "slug": d.slug,
                "name": d.name,
                "position": d.position,
                **_translations(d),
                "groups": [
                    {"slug": g.slug, "name": g.name, "position": g.position, **_translations(g)}
                    for g in sorted(d.groups.all(), key=lambda g: (g.position, g.slug))
                ],
            }
            for d in domains
        ],
        "roles": [
            {
                "slug": r.slug,
                "name": r.name,
                "family": r.family,
                "tagline": r.tagline,
                **_translations(r),
                "levels": [
                    {"level": rl.level.slug, "stack": rl.stack, "focus": rl.focus}
                    for rl in sorted(r.role_levels.all(), key=lambda rl: rl.level.position)
                ],
            }
            for r in roles
        ],
        "skills": [
            {
                "slug": s.slug,
                "name": s.name,
                "group": s.group.slug,
                "summary": s.summary,
                "updated": s.updated.isoformat(),
                **_translations(s),
                "cells": [
                    {
                        "role": c.role.slug,
                        "level": c.level.slug,
                        "required": c.required,
                        "proficiency": c.proficiency,
                        "description": c.description,
                        **_translations(c),
                    }
                    for c in sorted(cells.get(s.pk, []), key=lambda c: (c.role.slug, level_pos[c.level_id]))
                ],
            }
            for s in skills
        ],
    }


def _translations(row) -> dict[str, Any]:
    """The row's "translations" entry, in a stable order; none at all for a row without any."""
    ordered = translations.normalized(row.translations, type(row).TRANSLATED)
    return {"translations": ordered} if ordered else {}


def dumps(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


# --- Validation -----------------------------------------------------------------


class CatalogError(Exception):
    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__(f"{len(errors)} error(s) in the catalog file")


@dataclass
class _Checker:
    errors: list[str] = field(default_factory=list)

    def fail(self, where: str, message: str) -> None:
        self.errors.append(f"{where}: {message}")

    def obj(self, value: Any, where: str) -> bool:
        if not isinstance(value, dict):
            self.fail(where, f"expected an object, got {type(value).__name__}")
            return False
        return True

    def list_of(self, record: dict, key: str, where: str) -> list:
        value = record.get(key)
        if key not in record:
            self.fail(f"{where}.{key}", "missing field")
            return []
        if not isinstance(value, list):
            self.fail(f"{where}.{key}", f"expected a list, got {type(value).__name__}")
            return []
        return value

    def text(self, record: dict, key: str, where: str, *, max_length: int | None = None, blank=False) -> str | None:
        if key not in record:
            self.fail(f"{where}.{key}", "missing field")
            return None
        value = record[key]
        if not isinstance(value, str):
            self.fail(f"{where}.{key}", f"expected a string, got {type(value).__name__}")
            return None
        if not blank and not value.strip():
            self.fail(f"{where}.{key}", "must not be empty")
            return None
        if max_length is not None and len(value) > max_length:
            self.fail(f"{where}.{key}", f"longer than {max_length} characters")
            return None
        return value

    def slug(self, record: dict, key: str, where: str, *, max_length: int = 160) -> str | None:
        value = self.text(record, key, where, max_length=max_length)
        if value is not None and not SLUG_RE.match(value):
            self.fail(f"{where}.{key}", f"{value!r} is not a slug (lowercase letters, digits, - and _)")
            return None
        return value

    def integer(self, record: dict, key: str, where: str) -> int | None:
        if key not in record:
            self.fail(f"{where}.{key}", "missing field")
            return None
        value = record[key]
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            self.fail(f"{where}.{key}", f"expected a whole number ≥ 0, got {value!r}")
            return None
        return value

    def boolean(self, record: dict, key: str, where: str) -> bool | None:
        if key not in record:
            self.fail(f"{where}.{key}", "missing field")
            return None
        if not isinstance(record[key], bool):
            self.fail(f"{where}.{key}", f"expected true or false, got {record[key]!r}")
            return None
        return record[key]

    def date(self, record: dict, key: str, where: str) -> datetime.date | None:
        value = self.text(record, key, where)
        if value is None:
            return None
        try:
            return datetime.date.fromisoformat(value)
        except ValueError:
            self.fail(f"{where}.{key}", f"{value!r} is not a date (YYYY-MM-DD)")
            return None

    def translations(self, record: dict, where: str, model) -> dict:
        """The record's translations (none when it has no "translations" entry), or {} after naming each problem."""
        value = record.get("translations", {})
        found = translations.problems(value, translations.field_limits(model))
        for problem in found:
            self.fail(f"{where}.translations", problem)
        return {} if found else value

    def unique(self, seen: dict, value: Any, where: str, what: str) -> None:
        if value is None:
            return
        if value in seen:
            self.fail(where, f"duplicate {what} {value!r} (also at {seen[value]})")
        else:
            seen[value] = where


def _label(record: Any, index: int, prefix: str) -> str:
    slug = record.get("slug") if isinstance(record, dict) else None
    return f"{prefix}[{index}]" + (f" ({slug})" if isinstance(slug, str) else "")


def validate(data: Any) -> None:
    """Raise CatalogError listing every problem; names the record and field of each."""
    c = _Checker()
    if not c.obj(data, "file"):
        raise CatalogError(c.errors)
    if data.get("format") != FORMAT:
        c.fail("file.format", f"expected {FORMAT!r}, got {data.get('format')!r}")
    if data.get("version") != FORMAT_VERSION:
        c.fail("file.version", f"expected {FORMAT_VERSION}, got {data.get('version')!r}")

    level_slugs = set(Level.objects.values_list("slug", flat=True))
    seen: dict = {}
    positions: dict = {}
    for i, level in enumerate(c.list_of(data, "levels", "file")):
        where = _label(level, i, "levels")
        if not c.obj(level, where):
            continue
        slug = c.slug(level, "slug", where, max_length=60)
        c.unique(seen, slug, f"{where}.slug", "level slug")
        c.text(level, "name", where, max_length=60)
        c.text(level, "short", where, max_length=12)
        c.translations(level, where, Level)
        c.unique(positions, c.integer(level, "position", where), f"{where}.position", "level position")
        if slug:
            level_slugs.add(slug)

    group_slugs = set(SkillGroup.objects.values_list("slug", flat=True))
    seen, group_seen = {}, {}
    for i, domain in enumerate(c.list_of(data, "domains", "file")):
        where = _label(domain, i, "domains")
        if not c.obj(domain, where):
            continue
        c.unique(seen, c.slug(domain, "slug", where, max_length=120), f"{where}.slug", "domain slug")
        c.text(domain, "name", where, max_length=120)
        c.translations(domain, where, Domain)
        c.integer(domain, "position", where)
        for j, group in enumerate(c.list_of(domain, "groups", where)):
            gwhere = _label(group, j, f"{where}.groups")
            if not c.obj(group, gwhere):
                continue
            slug = c.slug(group, "slug", gwhere, max_length=120)
            c.unique(group_seen, slug, f"{gwhere}.slug", "group slug")
            c.text(group, "name", gwhere, max_length=120)
            c.translations(group, gwhere, SkillGroup)
            c.integer(group, "position", gwhere)
            if slug:
                group_slugs.add(slug)

    role_levels: dict[str, set[str]] = {}
    for role_slug, level_slug in RoleLevel.objects.values_list("role__slug", "level__slug"):
        role_levels.setdefault(role_slug, set()).add(level_slug)
    seen = {}
    for i, role in enumerate(c.list_of(data, "roles", "file")):
        where = _label(role, i, "roles")
        if not c.obj(role, where):
            continue
        slug = c.slug(role, "slug", where)
        c.unique(seen, slug, f"{where}.slug", "role slug")
        c.text(role, "name", where, max_length=160)
        c.text(role, "family", where, max_length=120)
        c.text(role, "tagline", where, max_length=300, blank=True)
        c.translations(role, where, Role)
        levels_here: dict = {}
        for j, rl in enumerate(c.list_of(role, "levels", where)):
            lwhere = f"{where}.levels[{j}]"
            if not c.obj(rl, lwhere):
                continue
            level = c.slug(rl, "level", lwhere, max_length=60)
            if level is not None and level not in level_slugs:
                c.fail(f"{lwhere}.level", f"unknown level {level!r}")
            c.unique(levels_here, level, f"{lwhere}.level", "level")
            c.text(rl, "stack", lwhere, blank=True)
            c.text(rl, "focus", lwhere, blank=True)
        if slug:
            role_levels[slug] = set(levels_here)

    seen = {}
    for i, skill in enumerate(c.list_of(data, "skills", "file")):
        where = _label(skill, i, "skills")
        if not c.obj(skill, where):
            continue
        c.unique(seen, c.slug(skill, "slug", where), f"{where}.slug", "skill slug")
        c.text(skill, "name", where, max_length=160)
        group = c.slug(skill, "group", where, max_length=120)
        if group is not None and group not in group_slugs:
            c.fail(f"{where}.group", f"unknown group {group!r}")
        c.text(skill, "summary", where, blank=True)
        c.translations(skill, where, Skill)
        c.date(skill, "updated", where)
        cells_seen: dict = {}
        for j, cell in enumerate(c.list_of(skill, "cells", where)):
            cwhere = f"{where}.cells[{j}]"
            if not c.obj(cell, cwhere):
                continue
            role = c.slug(cell, "role", cwhere)
            level = c.slug(cell, "level", cwhere, max_length=60)
            if role is not None and role not in role_levels:
                c.fail(f"{cwhere}.role", f"unknown role {role!r}")
            elif level is not None and level not in level_slugs:
                c.fail(f"{cwhere}.level", f"unknown level {level!r}")
            elif role is not None and level is not None and level not in role_levels[role]:
                c.fail(f"{cwhere}.level", f"role {role!r} has no level {level!r}")
            if role is not None and level is not None:
                c.unique(cells_seen, (role, level), cwhere, "cell (role, level)")
            c.boolean(cell, "required", cwhere)
            proficiency = c.text(cell, "proficiency", cwhere)
            if proficiency is not None and proficiency not in Proficiency.values:
                c.fail(f"{cwhere}.proficiency", f"{proficiency!r} is not one of {', '.join(Proficiency.values)}")
            c.text(cell, "description", cwhere)
            c.translations(cell, cwhere, Expectation)

    # Names are unique in the database too: two slugs may not share one.
    for kind, items, key in (("role", data.get("roles"), "name"), ("skill", data.get("skills"), "name")):
        names: dict = {}
        for i, item in enumerate(items if isinstance(items, list) else []):
            if isinstance(item, dict) and isinstance(item.get(key), str):
                c.unique(names, item[key], f"{kind}s[{i}].{key}", f"{kind} name")
    if c.errors:
        raise CatalogError(c.errors)


# --- Import -----------------------------------------------------------------------


@dataclass
class ImportStats:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def __str__(self) -> str:
        return f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged"


def _upsert(model, lookup: dict, values: dict, existing, stats: ImportStats):
    """Create, update only the fields that differ, or leave alone."""
    if existing is None:
        stats.created += 1
        return model.objects.create(**lookup, **values)
    changed = [name for name, value in values.items() if getattr(existing, name) != value]
    if changed:
        for name in changed:
            setattr(existing, name, values[name])
        existing.save(update_fields=changed)
        stats.updated += 1
    else:
        stats.unchanged += 1
    return existing


def _translations_of(record: dict) -> dict[str, Any]:
    # A record without translations has none: importing it drops those the row had, as the file says.
    return {"translations": record.get("translations", {})}


Progress = Callable[[int, int], None]


@retry_on_lock_conflict
def import_catalog(data: Any, *, progress: Progress | None = None, source_name: str = "") -> ImportStats:
    validate(data)
    stats = ImportStats()
    try:
        with audit_context(source="import", file=source_name), preserve_last_updated(), transaction.atomic():
            _import_all(data, stats, progress)
    except (ValidationError, IntegrityError) as error:
        if isinstance(error, IntegrityError) and not services.violates(error, CELL_HAS_ROLE_LEVEL):
            raise
        # A role lost a level after validate() had passed (the database refused the cells): nothing was
        # written; validating again against the catalog as it is now names the records.
        validate(data)
        lost = "file: a role lost one of its levels during the import; nothing was imported, try again"
        raise CatalogError([lost]) from None
    return stats


def _import_all(data: dict, stats: ImportStats, progress: Progress | None) -> None:
    # The file's skills before anything else (skills/locking.py): their cells are written below, and a
    # merge racing the import waits for it, or the import for the merge, reading the skills afterwards.
    locking.lock_skills_by_slug(s["slug"] for s in data["skills"])
    if not Skill.objects.exists():
        # The catalog's first import (the starter catalog, as `make run` loads it): the history pages show what it
        # brought as one entry per skill, not one per expectation (skills/pages.py).
        pghistory.context(**{FIRST_IMPORT: True})
    levels = {lv.slug: lv for lv in Level.objects.all()}
    if data["levels"]:
        # Positions are unique: park the ones that move, then set them.
        moving = [lv for lv in data["levels"] if lv["slug"] in levels and levels[lv["slug"]].position != lv["position"]]
        if moving:
            top = max([lv.position for lv in levels.values()] + [lv["position"] for lv in data["levels"]]) + 1
            for offset, lv in enumerate(moving):
                Level.objects.filter(slug=lv["slug"]).update(position=top + offset)
                levels[lv["slug"]].position = top + offset
    for lv in data["levels"]:
        levels[lv["slug"]] = _upsert(
            Level,
            {"slug": lv["slug"]},
            {"name": lv["name"], "short": lv["short"], "position": lv["position"], **_translations_of(lv)},
            levels.get(lv["slug"]),
            stats,
        )

    domains = {d.slug: d for d in Domain.objects.all()}
    groups = {g.slug: g for g in SkillGroup.objects.all()}
    for d in data["domains"]:
        domain = domains[d["slug"]] = _upsert(
            Domain,
            {"slug": d["slug"]},
            {"name": d["name"], "position": d["position"], **_translations_of(d)},
            domains.get(d["slug"]),
            stats,
        )
        for g in d["groups"]:
            groups[g["slug"]] = _upsert(
                SkillGroup,
                {"slug": g["slug"]},
                {"name": g["name"], "position": g["position"], "domain_id": domain.pk, **_translations_of(g)},
                groups.get(g["slug"]),
                stats,
            )

    roles = {r.slug: r for r in Role.objects.all()}
    role_levels = {(rl.role_id, rl.level_id): rl for rl in RoleLevel.objects.all()}
    for r in data["roles"]:
        role = roles[r["slug"]] = _upsert(
            Role,
            {"slug": r["slug"]},
            {"name": r["name"], "family": r["family"], "tagline": r["tagline"], **_translations_of(r)},
            roles.get(r["slug"]),
            stats,
        )
        for rl in r["levels"]:
            level = levels[rl["level"]]
            _upsert(
                RoleLevel,
                {"role_id": role.pk, "level_id": level.pk},
                {"stack": rl["stack"], "focus": rl["focus"]},
                role_levels.get((role.pk, level.pk)),
                stats,
            )

    skills = {s.slug: s for s in Skill.objects.all()}
    cells = {(c.skill_id, c.role_id, c.level_id): c for c in Expectation.objects.all()}
    total = len(data["skills"])
    for index, s in enumerate(data["skills"], start=1):
        updated = datetime.date.fromisoformat(s["updated"])
        skill = skills[s["slug"]] = _upsert(
            Skill,
            {"slug": s["slug"]},
            {
                "name": s["name"],
                "group_id": groups[s["group"]].pk,
                "summary": s["summary"],
                "updated": updated,
                **_translations_of(s),
            },
            skills.get(s["slug"]),
            stats,
        )
        new_cells = []
        for c in s["cells"]:
            role, level = roles[c["role"]], levels[c["level"]]
            values = {
                "description": c["description"],
                "required": c["required"],
                "proficiency": c["proficiency"],
                **_translations_of(c),
            }
            existing = cells.get((skill.pk, role.pk, level.pk))
            if existing is None:
                new_cells.append(Expectation(skill=skill, role=role, level=level, **values))
                stats.created += 1
            elif any(getattr(existing, name) != value for name, value in values.items()):
                services.cell_save(skill=skill, change=services.CellChange(role=role, level=level, **values))
                stats.updated += 1
            else:
                stats.unchanged += 1
        # New cells go in with one INSERT per skill, not through services.cell_save (a query or three per cell,
        # on files of thousands of cells). validate() checked them as cell_validate would, naming each record;
        # the database holds the rest: a valid proficiency, a description, one cell per role and level, a
        # level the role has (CELL_HAS_ROLE_LEVEL), and its triggers write "Last updated" and the audit rows.
        Expectation.objects.bulk_create(new_cells)
        if progress:
            progress(index, total)
