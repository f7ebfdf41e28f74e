"""Reads of teams and assessments: a person's skills with expected and assessed levels, a team's heatmap.

Both cost a fixed number of queries whatever the size of the team or the
catalog: the people (with their role and level), the levels of their roles,
their roles' cells, and their current assessments (DISTINCT ON), one query each.

The gap counts steps of the person's role's levels from the assessed level up
to the expected one ("none" is the step below the first level): 0 or less
meets the expectation. It is measured on the lead's assessment where there is
one, else on the member's own.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property

from django.contrib.auth import get_user_model
from django.db import connections, router
from django.db.models import Prefetch, QuerySet
from django.db.models.functions import Lower
from django.utils import timezone

from growth.models import PlanProfile
from skills.freshness.kept import Kept
from skills.models import Domain, Expectation, Level, Role, RoleLevel, Skill, SkillGroup
from teams.models import Assessment, AssessmentKind, Membership, MembershipRole, Team

NOT_ASSESSED = None


@dataclass
class SkillCell:
    """One person by one skill of their role."""

    skill: Skill
    levels: list[Level]  # the person's role's levels, in order
    steps: dict[int, int]  # level id -> its index in `levels` (shared by the cells of one role)
    expected: Level | None  # the person's level, or the highest lower level where the role has this skill
    required: bool  # the expected cell is required
    self_assessment: Assessment | None = None
    lead_assessment: Assessment | None = None

    @property
    def assessed(self) -> Assessment | None:
        return self.lead_assessment or self.self_assessment

    def _step(self, level: Level | None) -> int:
        return self.steps.get(level.pk, -1) if level is not None else -1

    @cached_property
    def gap(self) -> int | None:
        """Steps below the expectation (negative: above); None while nobody assessed it."""
        if self.assessed is None:
            return NOT_ASSESSED
        return self._step(self.expected) - self._step(self.assessed.level)

    @property
    def meets(self) -> bool:
        return self.gap is not None and self.gap <= 0

    @property
    def met_from(self) -> int:
        """The step an assessment needs to meet the expectation, as `meets` measures it (-1: "none" meets it)."""
        return self._step(self.expected)

    @property
    def below(self) -> bool:
        return self.gap is not None and self.gap > 0

    @property
    def disagree(self) -> bool:
        return (
            self.self_assessment is not None
            and self.lead_assessment is not None
            and self.self_assessment.level_id != self.lead_assessment.level_id
        )


@dataclass
class PersonSkills:
    user: object
    profile: PlanProfile | None
    membership: Membership | None = None
    cells: list[SkillCell] = field(default_factory=list)

    @property
    def by_skill(self) -> dict[int, SkillCell]:
        return {cell.skill.pk: cell for cell in self.cells}

    @property
    def gap_total(self) -> int:
        return sum(cell.gap for cell in self.cells if cell.gap and cell.gap > 0)


def _profiles(users: list) -> dict[int, PlanProfile]:
    return {
        profile.user_id: profile
        for profile in PlanProfile.objects.select_related("role", "level").filter(user__in=[u.pk for u in users])
    }


def _role_levels(role_ids: set[int]) -> dict[int, list[Level]]:
    levels: dict[int, list[Level]] = defaultdict(list)
    for row in RoleLevel.objects.filter(role__in=role_ids).select_related("level").order_by("level__position"):
        levels[row.role_id].append(row.level)
    return levels


def _role_cells(role_ids: set[int]) -> QuerySet:
    return (
        Expectation.objects.filter(role__in=role_ids)
        .select_related("skill__group__domain")
        .only(
            "id",
            "role_id",
            "level_id",
            "required",
            "skill__id",
            "skill__name",
            "skill__slug",
            "skill__translations",  # the name in the page's language (translation_tags): no query per skill
            "skill__group__id",
            "skill__group__domain__id",
            "skill__group__domain__name",
            "skill__group__domain__slug",
            "skill__group__domain__position",
            "skill__group__domain__translations",
        )
        .order_by("skill__group__domain__position", "skill__group__domain__name", "skill__name", "skill_id")
    )


@dataclass
class RoleSkills:
    """What one role asks of everyone in it: its levels in order, its skills in the page's order, and per
    skill the levels that have it. The same for every person of the role, so kept per catalog revision."""

    levels: list[Level]
    skills: list[Skill]
    cells: dict[int, list[tuple[int, bool]]]  # skill id -> (level id, required) of each of its cells
    steps: dict[int, int] = field(init=False)  # level id -> its index in `levels`
    _at_level: dict[int, list[tuple[Skill, Level | None, bool]]] = field(init=False, default_factory=dict)

    def __post_init__(self):
        self.steps = {level.pk: i for i, level in enumerate(self.levels)}

    def expected_at(self, level: Level) -> list[tuple[Skill, Level | None, bool]]:
        """Each skill with the level expected of a person at `level` (theirs, or the highest lower level where
        the role has the skill; None below its first) and whether that expectation is required."""
        found = self._at_level.get(level.position)
        if found is None:
            positions = {lv.pk: lv.position for lv in self.levels}
            by_id = {lv.pk: lv for lv in self.levels}
            found = []
            for skill in self.skills:
                reached = [
                    (positions[level_id], level_id, required)
                    for level_id, required in self.cells[skill.pk]
                    if positions.get(level_id, level.position + 1) <= level.position
                ]
                _position, level_id, required = max(reached) if reached else (None, None, False)
                found.append((skill, by_id.get(level_id), required))
            self._at_level[level.position] = found  # a race computes the same list twice
        return found


ROLES_KEPT = 16  # per process, and as many targets: the bench's largest role (657 skills) takes about 2.6 MB
_kept_roles = Kept(ROLES_KEPT)


def role_skills(role_ids: set[int], catalog: str | None = None) -> dict[int, RoleSkills]:
    """Each role's RoleSkills (two queries for those not kept): kept under `catalog`, the catalog's counter
    (skills.freshness.kept.counters_for), when given."""
    found = {role_id: _kept_roles.get((role_id, catalog)) for role_id in role_ids} if catalog else {}
    missing = {role_id for role_id in role_ids if found.get(role_id) is None}
    if not missing:
        return found
    levels = _role_levels(missing)
    skills: dict[int, list[Skill]] = defaultdict(list)
    cells: dict[int, dict[int, list[tuple[int, bool]]]] = defaultdict(lambda: defaultdict(list))
    groups: dict[int, SkillGroup] = {}  # one instance of each group and domain, not one per skill
    domains: dict[int, Domain] = {}
    for cell in _role_cells(missing):
        of_skill = cells[cell.role_id][cell.skill_id]
        if not of_skill:
            skill = cell.skill
            skill.group = groups.setdefault(skill.group_id, skill.group)
            skill.group.domain = domains.setdefault(skill.group.domain_id, skill.group.domain)
            skills[cell.role_id].append(skill)
        of_skill.append((cell.level_id, cell.required))
    for role_id in missing:
        found[role_id] = RoleSkills(levels=levels.get(role_id, []), skills=skills[role_id], cells=cells[role_id])
        if catalog:
            _kept_roles.put((role_id, catalog), found[role_id])
    return found


def forget() -> None:
    """Drop the kept roles and targets (tests)."""
    _kept_roles.clear()
    _kept_targets.clear()


def current_assessments(user_ids: list[int], *, joined: bool = False) -> dict[tuple[int, str, int], Assessment]:
    """(subject id, kind, skill id) -> the current assessment, with its level, cell and assessor.

    Prefetched, not joined (four queries): a team's thousands of assessments share a handful of levels and
    assessors and a few hundred cells, and one instance of each is built instead of one per row. One person's
    few dozen (joined=True) are read with the joins, in two queries: the ids of the current rows among the
    person's history (which grows with every assessment, and which a join would carry whole through the sort),
    then those rows joined.
    """
    rows = Assessment.objects.filter(subject__in=user_ids).current()
    if joined:
        current = list(rows.values_list("pk", flat=True))
        rows = (
            Assessment.objects.filter(pk__in=current)
            .select_related("level", "expectation", "assessor")
            .defer("assessor__password", "expectation__translations")
            .order_by()
        )
    else:
        rows = rows.prefetch_related(
            "level",
            "expectation",
            Prefetch("assessor", queryset=get_user_model().objects.defer("password")),
        )
    return {(row.subject_id, row.kind, row.skill_id): row for row in rows}


def person_skills(user, membership: Membership | None = None, *, catalog: str | None = None) -> PersonSkills:
    """One person's skills (people_skills for one: their current assessments joined, three queries with the
    role kept, five without)."""
    (person,) = people_skills([user], {user.pk: membership} if membership else None, joined=True, catalog=catalog)
    return person


def people_skills(
    users: list, memberships: dict[int, Membership] | None = None, *, joined: bool = False, catalog: str | None = None
) -> list[PersonSkills]:
    """Each user's skills of their role with expected and current assessed levels (seven queries for any number,
    five with their roles kept under `catalog`: role_skills; joined, two fewer: current_assessments)."""
    profiles = _profiles(users)
    roles = role_skills({profile.role_id for profile in profiles.values()}, catalog)
    assessments = current_assessments([u.pk for u in users], joined=joined)

    people = []
    for user in users:
        profile = profiles.get(user.pk)
        person = PersonSkills(user=user, profile=profile, membership=(memberships or {}).get(user.pk))
        people.append(person)
        if profile is None:
            continue
        role = roles[profile.role_id]
        for skill, expected, required in role.expected_at(profile.level):
            person.cells.append(
                SkillCell(
                    skill=skill,
                    levels=role.levels,
                    steps=role.steps,
                    expected=expected,
                    required=required,
                    self_assessment=assessments.get((user.pk, AssessmentKind.SELF, skill.pk)),
                    lead_assessment=assessments.get((user.pk, AssessmentKind.LEAD, skill.pk)),
                )
            )
    return people


# --- Teams -----------------------------------------------------------------------


def my_memberships_queryset(*, user) -> QuerySet:
    """The user's teams and invitations, invitations first."""
    # "invited" sorts after "active": reversed, invitations come first.
    return Membership.objects.filter(user=user).select_related("team", "invited_by").order_by("-status", "team__name")


def my_memberships(*, user) -> list[Membership]:
    return list(my_memberships_queryset(user=user))


def invitations(*, user) -> list[Membership]:
    return list(
        Membership.objects.invited().filter(user=user).select_related("team", "invited_by").order_by("-created")
    )


def team_members(*, team: Team) -> list[Membership]:
    """Everyone in the team, leads first, then by username; invitations last (one query)."""
    rows = Membership.objects.filter(team=team).select_related("user").order_by("user__username")
    return sorted(rows, key=lambda m: (not m.is_active, m.role != MembershipRole.LEAD))


@dataclass
class DomainColumns:
    domain: Domain
    skills: list[Skill]


@dataclass
class SkillSummary:
    skill: Skill
    meets: int = 0
    below: int = 0
    not_assessed: int = 0


@dataclass
class Heatmap:
    team: Team
    people: list[PersonSkills]
    columns: list[DomainColumns]
    summaries: dict[int, SkillSummary]
    domains: list[Domain]  # every domain of the team's skills, for the filter
    domain: str = ""  # the domain shown (its slug), "" for all: the one asked for, or the default

    @property
    def skills(self) -> list[Skill]:
        return [skill for group in self.columns for skill in group.skills]


# A team whose roles have more skills than this opens its heatmap on its first domain: a table of every
# domain at once (300 skills by 50 people) is megabytes, more than a person reads or a browser lays out quickly.
ALL_DOMAINS_UP_TO = 60


@dataclass(frozen=True)
class HeatmapFilters:
    domain: str | None = ""  # a domain's slug; "" all domains; None the default (see ALL_DOMAINS_UP_TO)
    required_only: bool = False
    disagreements_only: bool = False
    sort_by_gap: bool = False


def heatmap(*, team: Team, filters: HeatmapFilters = HeatmapFilters()) -> Heatmap:
    """The team's active members by the skills of their roles, grouped by domain (five queries)."""
    memberships = list(Membership.objects.active().filter(team=team).select_related("user").order_by("user__username"))
    people = people_skills([m.user for m in memberships], {m.user_id: m for m in memberships})

    domains: dict[int, Domain] = {}
    skill_ids: set[int] = set()
    for person in people:
        for cell in person.cells:
            domains.setdefault(cell.skill.group.domain.pk, cell.skill.group.domain)
            skill_ids.add(cell.skill.pk)
    ordered_domains = sorted(domains.values(), key=lambda d: (d.position, d.name))
    shown_domain = filters.domain
    if shown_domain is None:
        shown_domain = ordered_domains[0].slug if len(skill_ids) > ALL_DOMAINS_UP_TO else ""

    def keep(cell: SkillCell) -> bool:
        return (
            (not shown_domain or cell.skill.group.domain.slug == shown_domain)
            and (not filters.required_only or cell.required)
            and (not filters.disagreements_only or cell.disagree)
        )

    for person in people:
        person.cells = [cell for cell in person.cells if keep(cell)]
    if filters.sort_by_gap:
        people.sort(key=lambda person: -person.gap_total)  # stable: by username within equal gaps

    columns: dict[int, DomainColumns] = {}
    seen: dict[int, Skill] = {}
    summaries: dict[int, SkillSummary] = {}
    for person in people:
        for cell in person.cells:
            skill = cell.skill
            if skill.pk not in seen:
                seen[skill.pk] = skill
                summaries[skill.pk] = SkillSummary(skill)
            summary = summaries[skill.pk]
            if cell.meets:
                summary.meets += 1
            elif cell.below:
                summary.below += 1
            else:
                summary.not_assessed += 1
    for skill in sorted(seen.values(), key=_skill_order):
        domain = skill.group.domain
        columns.setdefault(domain.pk, DomainColumns(domain, [])).skills.append(skill)
    return Heatmap(
        team=team,
        people=people,
        columns=list(columns.values()),
        summaries=summaries,
        domains=ordered_domains,
        domain=shown_domain,
    )


def _skill_order(skill: Skill) -> tuple:
    return (skill.group.domain.position, skill.group.domain.name, skill.name, skill.pk)


# --- A member's own skills, and a target --------------------------------------------


@dataclass
class TargetItem:
    cell: Expectation
    assessed: Assessment | None

    @property
    def met(self) -> bool:
        return (
            self.assessed is not None
            and self.assessed.level is not None
            and self.assessed.level.position >= self.cell.level.position
        )


@dataclass
class Target:
    role: Role
    level: Level
    items: list[TargetItem]  # required first, then by domain and name

    @property
    def missing(self) -> list[TargetItem]:
        return [item for item in self.items if not item.met]

    def _count(self, required: bool, met: bool | None = None) -> int:
        return sum(1 for i in self.items if i.cell.required == required and (met is None or i.met == met))

    @property
    def required_met(self) -> int:
        return self._count(True, True)

    @property
    def required_total(self) -> int:
        return self._count(True)

    @property
    def optional_met(self) -> int:
        return self._count(False, True)

    @property
    def optional_total(self) -> int:
        return self._count(False)


@dataclass(frozen=True)
class TargetChoices:
    roles: list[Role]  # every role, by family and name
    levels: list[Level]  # every level that some role has, in order


def target_choices() -> TargetChoices:
    """What the target picker offers (two queries): the roles and the levels, listed apart, so no role's
    levels are read (growth.selectors.roles_for_choice reads them all, for a form that pairs them)."""
    roles = list(Role.objects.order_by(Lower("family"), Lower("name")))
    levels = list(Level.objects.filter(role_levels__isnull=False).distinct().order_by("position"))
    return TargetChoices(roles=roles, levels=levels)


def role_level(*, role_slug: str, level_slug: str) -> tuple[Role, Level] | None:
    """The role and its level by their slugs, if there is such a role and it has that level (one query)."""
    row = RoleLevel.objects.select_related("role", "level").filter(role__slug=role_slug, level__slug=level_slug).first()
    return (row.role, row.level) if row is not None else None


def default_target(profile: PlanProfile, levels: list[Level]) -> tuple[Role, Level] | None:
    """The next level of the member's own role, if there is one."""
    ids = [lv.pk for lv in levels]
    if profile.level_id in ids and ids.index(profile.level_id) + 1 < len(levels):
        return profile.role, levels[ids.index(profile.level_id) + 1]
    return None


_kept_targets = Kept(ROLES_KEPT)


def _target_cells(role: Role, level: Level, catalog: str | None) -> list[Expectation]:
    """The cells of a role at a level, required first (one query, none when kept under `catalog`)."""
    key = (role.pk, level.pk, catalog)
    cells = _kept_targets.get(key) if catalog else None
    if cells is None:
        cells = list(
            Expectation.objects.filter(role=role, level=level)
            .select_related("skill")
            .order_by("skill__group__domain__position", "skill__group__domain__name", "skill__name")
        )
        for cell in cells:
            cell.role, cell.level = role, level  # what its link and `met` need: no joins per row
        cells.sort(key=lambda cell: not cell.required)
        if catalog:
            _kept_targets.put(key, cells)
    return cells


def target_for(*, person: PersonSkills, role: Role, level: Level, catalog: str | None = None) -> Target:
    """What the target (role, level) asks, beside the member's assessments of their role's skills (one query,
    none with its cells kept under `catalog`: role_skills).

    A skill outside the member's role has no assessment yet: it counts as missing.
    """
    assessed = {cell.skill.pk: cell.assessed for cell in person.cells}
    items = [
        TargetItem(cell=cell, assessed=assessed.get(cell.skill_id)) for cell in _target_cells(role, level, catalog)
    ]
    return Target(role=role, level=level, items=items)


def assessment_history(*, subject, skill: Skill) -> list[Assessment]:
    """Every assessment of one skill of the subject, newest first (one query)."""
    return list(
        Assessment.objects.filter(subject=subject, skill=skill)
        .select_related("level", "expectation", "assessor")
        .order_by("-created", "-id")
    )


# --- A person's skills over time -------------------------------------------------------


@dataclass(frozen=True)
class DayCount:
    """How many skills of the person's role were met at the end of a day, by self and by lead assessment.

    None before the first assessment of that kind.
    """

    day: datetime.date
    self_met: int | None
    lead_met: int | None


# Per kind and day, how many of the skills (their expected step, by id) the latest assessment of each met at the
# day's end: each row moves its kind's count by whether it meets against the skill's row before it, the counts run
# in the order of the history, and a day keeps its last. The database walks the history, not Python.
_SKILLS_OVER_TIME = """
WITH expected AS (
    SELECT * FROM unnest(%(skills)s::bigint[], %(expected)s::int[]) AS e (skill_id, step)
), steps AS (
    SELECT * FROM unnest(%(levels)s::bigint[], %(steps)s::int[]) AS s (level_id, step)
), marked AS (
    SELECT a.kind, a.skill_id, a.created, a.id, (coalesce(s.step, -1) >= e.step)::int AS met
    FROM teams_assessment a
    JOIN expected e ON e.skill_id = a.skill_id
    LEFT JOIN steps s ON s.level_id = a.level_id
    WHERE a.subject_id = %(subject)s
), moved AS (
    SELECT kind, created, id, met - lag(met, 1, 0) OVER (PARTITION BY kind, skill_id ORDER BY created, id) AS move
    FROM marked
), counted AS (
    SELECT kind, created, id, (created AT TIME ZONE %(zone)s)::date AS day,
           sum(move) OVER (PARTITION BY kind ORDER BY created, id) AS met
    FROM moved
)
SELECT DISTINCT ON (day, kind) day, kind, met FROM counted ORDER BY day, kind, created DESC, id DESC
"""


def skills_over_time(*, person: PersonSkills) -> list[DayCount]:
    """Per day on which an assessment of a skill of the person's role was recorded, the skills met (one query).

    Each day counts the latest assessment of each skill of each kind as it stood at that day's end, against
    what is expected of the person now: the history of the assessments, not of the expectations. The database
    counts, so the answer's cost does not grow with the history (_SKILLS_OVER_TIME).
    """
    if not person.cells:
        return []
    steps = person.cells[0].steps  # one role's levels: every cell shares them
    params = {
        "skills": [cell.skill.pk for cell in person.cells],
        "expected": [cell.met_from for cell in person.cells],
        "levels": list(steps),
        "steps": list(steps.values()),
        "subject": person.user.pk,
        "zone": timezone.get_current_timezone_name(),
    }
    with connections[router.db_for_read(Assessment)].cursor() as cursor:
        cursor.execute(_SKILLS_OVER_TIME, params)
        rows = cursor.fetchall()
    counts: dict[str, int | None] = {AssessmentKind.SELF: None, AssessmentKind.LEAD: None}
    days: list[DayCount] = []
    for day, kind, met in rows:
        counts[kind] = int(met)
        count = DayCount(day, counts[AssessmentKind.SELF], counts[AssessmentKind.LEAD])
        if days and days[-1].day == day:
            days[-1] = count
        else:
            days.append(count)
    return days
