"""Reads of growth plans: where a member stands, and what the next level asks of them.

A plan costs three queries whatever the size of the catalog: the member's
profile (with role and level), the role's levels, and the role's cells at the
current and the next level with the member's tick on each (one LEFT JOIN).
"""

import copy
import functools
from dataclasses import dataclass, field
from enum import StrEnum

from django.db.models import Exists, F, FilteredRelation, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from growth.models import PlanProfile, Tick
from skillmatrix.compiled import CompiledQuery, instance, prepared_cursor
from skills import translations
from skills.diff import Segment, has_changes, step_labels, word_diff
from skills.models import Domain, Expectation, Level, Role, RoleLevel, Skill


class PlanState(StrEnum):
    UNSET = "unset"  # no role and level chosen yet
    LEVEL_GONE = "level_gone"  # the chosen level is no longer one of the role's levels
    TOP = "top"  # the chosen level is the role's top level: nothing left to reach
    READY = "ready"


@dataclass
class PlanItem:
    """One skill of the plan: its cell at the next level beside the member's current cell."""

    next: Expectation  # annotated with tick_version, tick_description, tick_required, tick_proficiency
    current: Expectation | None
    segments: list[Segment] = field(default_factory=list)  # current → next
    changes: list[str] = field(default_factory=list)

    @property
    def skill(self):
        return self.next.skill

    @property
    def done(self) -> bool:
        return self.next.tick_version is not None

    @property
    def changed_since_tick(self) -> bool:
        # The content too, not only the version: a tick moved by a merge of skills names another cell's version.
        cell = self.next
        return self.done and (
            cell.version != cell.tick_version
            or (cell.description, cell.required, cell.proficiency)
            != (cell.tick_description, cell.tick_required, cell.tick_proficiency)
        )

    @property
    def text_changed(self) -> bool:
        return has_changes(self.segments)

    @property
    def tick_segments(self) -> list[Segment]:
        """Ticked text → current text, for an item changed since it was ticked."""
        if not self.changed_since_tick:
            return []
        return word_diff(self.next.tick_description, self.next.description)

    @property
    def tick_changes(self) -> list[str]:
        """What besides the text changed since the tick."""
        if not self.changed_since_tick:
            return []
        cell, notes = self.next, []
        if cell.required != cell.tick_required:
            notes.append(_("Now required") if cell.required else _("Now optional"))
        if cell.proficiency != cell.tick_proficiency:
            notes.append(_("Proficiency is now %(proficiency)s") % {"proficiency": cell.get_proficiency_display()})
        return notes


@dataclass
class PlanDomain:
    domain: Domain
    items: list[PlanItem] = field(default_factory=list)


@dataclass
class Plan:
    state: PlanState
    profile: PlanProfile | None = None
    levels: list[Level] = field(default_factory=list)  # the role's levels, in order
    next_level: Level | None = None
    domains: list[PlanDomain] = field(default_factory=list)

    @property
    def role(self) -> Role | None:
        return self.profile.role if self.profile else None

    @property
    def level(self) -> Level | None:
        return self.profile.level if self.profile else None

    @property
    def items(self) -> list[PlanItem]:
        return [item for domain in self.domains for item in domain.items]

    @property
    def total(self) -> int:
        return len(self.items)

    @property
    def done(self) -> int:
        return sum(item.done for item in self.items)

    @property
    def required_total(self) -> int:
        return sum(item.next.required for item in self.items)

    @property
    def required_done(self) -> int:
        return sum(item.done for item in self.items if item.next.required)

    @property
    def changed(self) -> int:
        return sum(item.changed_since_tick for item in self.items)

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


def plan_profile(*, user) -> PlanProfile | None:
    if not user.is_authenticated:
        return None
    return PlanProfile.objects.select_related("role", "level").filter(user=user).first()


def role_levels(*, role: Role) -> list[Level]:
    return [rl.level for rl in RoleLevel.objects.filter(role=role).select_related("level").order_by("level__position")]


def next_level_of(levels: list[Level], level: Level) -> tuple[PlanState, Level | None]:
    positions = [lv.pk for lv in levels]
    if level.pk not in positions:
        return PlanState.LEVEL_GONE, None
    index = positions.index(level.pk)
    if index + 1 == len(levels):
        return PlanState.TOP, None
    return PlanState.READY, levels[index + 1]


def _cells_with_ticks(*, user, role: Role, levels: list[Level]) -> QuerySet:
    return (
        Expectation.objects.filter(role=role, level__in=levels)
        .select_related("skill__group__domain")
        .annotate(
            mine=FilteredRelation("growth_ticks", condition=Q(growth_ticks__user=user)),
            tick_version=F("mine__version"),
            tick_description=F("mine__description"),
            tick_required=F("mine__required"),
            tick_proficiency=F("mine__proficiency"),
        )
        .order_by("skill__group__domain__position", "skill__group__domain__name", "skill__name", "skill_id")
    )


def plan_for(*, user) -> Plan:
    """The member's plan (the answer to one tick reads less: plan_answer)."""
    profile = plan_profile(user=user)
    if profile is None:
        return Plan(state=PlanState.UNSET)
    levels = role_levels(role=profile.role)
    state, next_level = next_level_of(levels, profile.level)
    plan = Plan(state=state, profile=profile, levels=levels, next_level=next_level)
    if next_level is None:
        return plan

    current: dict[int, Expectation] = {}
    upcoming: list[Expectation] = []
    for cell in _cells_with_ticks(user=user, role=profile.role, levels=[profile.level, next_level]):
        cell.role = profile.role  # the cell links need them; saves joins per row
        if cell.level_id == next_level.pk:
            cell.level = next_level
            upcoming.append(cell)
        else:
            cell.level = profile.level
            current[cell.skill_id] = cell

    for cell in upcoming:
        domain = cell.skill.group.domain
        if not plan.domains or plan.domains[-1].domain.pk != domain.pk:
            plan.domains.append(PlanDomain(domain))
        plan.domains[-1].items.append(_item(cell, current.get(cell.skill_id), next_level))
    for domain in plan.domains:
        # Required first, then the rest; each by name (the query's order, kept by the stable sort).
        domain.items.sort(key=lambda item: not item.next.required)
    return plan


def _item(upcoming: Expectation, current: Expectation | None, next_level: Level) -> PlanItem:
    item = PlanItem(next=upcoming, current=current)
    if current is None:
        item.changes.append(_("New at %(level)s") % {"level": translations.text(next_level, "name")})
        return item
    item.segments = list(step_segments(current.description, upcoming.description))
    item.changes.extend(step_labels(current, upcoming))
    return item


@functools.lru_cache(maxsize=2048)
def step_segments(old: str, new: str) -> tuple[Segment, ...]:
    """skills.diff.step_changes' word diff, kept per process by the two texts (a pure function of them): the
    answer to a tick shows the diff its plan page already made, and one role's plans share theirs."""
    return tuple(word_diff(old, new))


@dataclass(frozen=True)
class PlanCell:
    """A cell of the member's plan (with its skill, role and level), and the member's cell of the same skill at
    their own level (None if the role has none): the item a tick is about (plan_cell)."""

    cell: Expectation
    current: Expectation | None


@dataclass
class PlanAnswer:
    """What the answer to one tick shows (the item and the progress), read without the plan's other items:
    the counts the Plan's properties make from its items, counted by the database (plan_answer)."""

    level: Level | None  # the member's level; read with their cell there (None without one: not shown then)
    next_level: Level
    item: PlanItem
    total: int
    done: int
    required_total: int
    required_done: int
    changed: int

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


def plan_answer(*, user, found: PlanCell, tick: Tick | None) -> PlanAnswer:
    """The plan as the answer to a tick of `found` (plan_cell's) shows it: the item made of the cells the view
    found and the tick the service wrote (services.tick_set's; None after an undo), and the progress counted by
    the database after the write (one query, whatever the size of the role).

    The counts are those plan_for's Plan makes from its items (tests agree them)."""
    upcoming = copy.copy(found.cell)
    if tick is not None:  # the cell as the tick read it, and the tick
        upcoming.version, upcoming.description = tick.version, tick.description
        upcoming.required, upcoming.proficiency = tick.required, tick.proficiency
    for name in ("version", "description", "required", "proficiency"):
        setattr(upcoming, f"tick_{name}", getattr(tick, name) if tick is not None else None)
    counts = _progress(user=user, role=upcoming.role, level=upcoming.level)
    current = found.current
    return PlanAnswer(
        level=current.level if current is not None else None,
        next_level=upcoming.level,
        item=_item(upcoming, current, upcoming.level),
        **counts,
    )


# The counts of the plan's properties (total, done, required_total, required_done, changed) over one level's
# cells, in SQL: the ORM's aggregate with five filtered counts over a FilteredRelation took longer to build than
# the database took to answer it. Tests agree it with plan_for's Plan (growth tests: test_tick_in_place).
PROGRESS_SQL = f"""
SELECT count(*), count(tick.id), count(*) FILTER (WHERE cell.required), count(tick.id) FILTER (WHERE cell.required),
       count(tick.id) FILTER (WHERE (cell.version, cell.description, cell.required, cell.proficiency)
                                    <> (tick.version, tick.description, tick.required, tick.proficiency))
FROM {Expectation._meta.db_table} cell
LEFT JOIN {Tick._meta.db_table} tick ON tick.expectation_id = cell.id AND tick.user_id = %s
WHERE cell.role_id = %s AND cell.level_id = %s
"""


def _progress(*, user, role: Role, level: Level) -> dict[str, int]:
    with prepared_cursor() as cursor:
        cursor.execute(PROGRESS_SQL, [user.pk, role.pk, level.pk])
        row = cursor.fetchone()
    return dict(zip(("total", "done", "required_total", "required_done", "changed"), row, strict=True))


def plan_cells(*, user) -> QuerySet:
    """The cells of the member's plan: their role's, at the role's level after theirs, found by the database as
    next_level_of finds it (none when they have no plan, their level is the top or no longer the role's).

    The member's profile is read by the statement itself (subqueries), so that a write made of this set
    (services.tick_set) checks the plan as it stands when the write runs."""
    role_id, level_id, position = (
        Subquery(_profile_value(user, name)) for name in ("role", "level", "level__position")
    )
    role_levels = RoleLevel.objects.filter(role_id=role_id)
    next_level = role_levels.filter(level__position__gt=position).order_by("level__position").values("level")[:1]
    return Expectation.objects.filter(role_id=role_id, level=Subquery(next_level)).filter(
        Exists(role_levels.filter(level_id=level_id))  # else LEVEL_GONE: no next level
    )


def _profile_value(user, name: str) -> QuerySet:
    return PlanProfile.objects.filter(user=user).values(name)[:1]  # one profile per member


def plan_item_cells(*, user, skill_slug: str, level_slug: str) -> QuerySet:
    """The cells of one item of the member's plan: the skill's cell at `level_slug` if that is in their plan
    (plan_cells), and their cell of the skill at their own level; each with `plan_level_id`, the member's level."""
    in_plan = plan_cells(user=user).filter(level__slug=level_slug, skill__slug=skill_slug)
    own_level = Q(role_id=Subquery(_profile_value(user, "role")), level_id=Subquery(_profile_value(user, "level")))
    return (
        Expectation.objects.filter(skill__slug=skill_slug)
        .filter(Q(pk__in=in_plan.values("pk")) | own_level)
        .annotate(plan_level_id=Subquery(_profile_value(user, "level")))
    )


# The columns plan_cell reads of each cell and of its skill, role and level (what the answer to a tick shows).
ITEM_COLUMNS = {
    Expectation: (
        "id",
        "translations",
        "skill_id",
        "role_id",
        "level_id",
        "description",
        "required",
        "proficiency",
        "version",
    ),
    Skill: ("id", "translations", "group_id", "name", "slug"),
    Role: ("id", "translations", "name", "slug", "family"),
    Level: ("id", "translations", "name", "short", "slug", "position"),
}
_ITEM_PATHS = {Expectation: "", Skill: "skill__", Role: "role__", Level: "level__"}

# plan_item_cells' SQL, built and compiled once per process: plan_cell's fast path (tests agree the two).
_ITEM_CELLS = CompiledQuery(
    lambda user, skill, level: plan_item_cells(user=user, skill_slug=skill, level_slug=level).values_list(
        *(_ITEM_PATHS[model] + column for model, columns in ITEM_COLUMNS.items() for column in columns),
        "plan_level_id",
    ),
    user=-7_000_001,
    skill="stand-in-skill-slug",
    level="stand-in-level-slug",
)


def plan_cell(*, user, skill_slug: str, level_slug: str) -> PlanCell | None:
    """The member's cell to reach for one skill, if (skill, level) is in their plan, with their cell at their level;
    else None (one query: plan_item_cells')."""
    if not user.is_authenticated:
        return None
    upcoming, current = None, None
    for row in _ITEM_CELLS.rows(user=user.pk, skill=skill_slug, level=level_slug):
        cell = _cell_of(row)
        if cell.level_id == row[-1]:
            current = cell
        else:
            upcoming = cell
    return PlanCell(cell=upcoming, current=current) if upcoming is not None else None


def _cell_of(row: tuple) -> Expectation:
    values, start = {}, 0
    for model, columns in ITEM_COLUMNS.items():
        values[model] = dict(zip(columns, row[start : start + len(columns)], strict=True))
        start += len(columns)
    cell = instance(Expectation, values[Expectation])
    cell.skill, cell.role, cell.level = (instance(model, values[model]) for model in (Skill, Role, Level))
    return cell


def roles_for_choice() -> list[Role]:
    """Every role with its levels in order: the choices of the plan settings form (two queries)."""
    levels = RoleLevel.objects.select_related("level").order_by("level__position")
    return list(
        Role.objects.order_by(Lower("family"), Lower("name")).prefetch_related(Prefetch("role_levels", queryset=levels))
    )
