"""Reads of the catalog: every query of the catalog's pages, their CSV files and the read API.

Each read carries its own select_related/prefetch_related and costs a fixed
number of queries whatever the size of the catalog; what the pages make of the
rows is in skills/pages.py (and skills/compare.py for the comparisons).
"""

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from operator import attrgetter

import pghistory.models
from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.db import models
from django.db.models import Case, Count, ExpressionWrapper, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import JSONObject, Lower
from django.utils import formats
from django.utils.translation import gettext as _

from skills.as_of import Missing, day_end
from skills.models import (
    SEARCH_CONFIG,
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
    RoleSearch,
    Skill,
    SkillEvent,
    SkillGroup,
    SkillGroupEvent,
)


def skills_with_counts() -> QuerySet:
    return Skill.objects.with_taxonomy().with_counts()


def skill_slugs() -> list[str]:
    return list(Skill.objects.order_by("slug").values_list("slug", flat=True))


def home_domains() -> list[Domain]:
    """Every domain with its groups and their skills (with counts), in order: three queries."""
    skills = Skill.objects.with_counts().order_by(Lower("name"))
    groups = SkillGroup.objects.order_by("position", Lower("name")).prefetch_related(
        Prefetch("skills", queryset=skills)
    )
    return list(Domain.objects.prefetch_related(Prefetch("groups", queryset=groups)))


def home_roles() -> QuerySet:
    """Roles by family with their skill count and `level_links` (each level's slug, name, position and translations,
    in order):
    one query."""
    levels = (
        RoleLevel.objects.filter(role=OuterRef("pk"))
        .order_by("level__position")
        .values(
            json=JSONObject(
                slug="level__slug",
                name="level__name",
                position="level__position",
                translations="level__translations",
            )
        )
    )
    return Role.objects.annotate(
        skill_count=Count("expectations__skill", distinct=True), level_links=ArraySubquery(levels)
    ).order_by(Lower("family"), Lower("name"))


def skill_list(*, search: str = "", domain: str = "", group: str = "", role: str = "") -> QuerySet:
    skills = skills_with_counts().order_by(Lower("name"))
    if domain:
        skills = skills.filter(group__domain__slug=domain)
    if group:
        skills = skills.filter(group__slug=group)
    if role:
        skills = skills.filter(pk__in=Expectation.objects.filter(role__slug=role).values("skill_id"))
    if search.strip():
        terms = Search.of(search)
        if terms is None:
            return skills.none()
        skills = search_ranked(skills, terms)
    return skills


# --- Full-text search -------------------------------------------------------------

SEARCH_MAX_CHARS = 200
SEARCH_MAX_WORDS = 8
SEARCH_MAX_WORD_LENGTH = 40
# Letters and digits only: every tsquery operator (& | ! < > ( ) : * ' \) and
# any other punctuation in the input is dropped before the query is built.
SEARCH_WORD_RE = re.compile(r"[^\W_]+")
# ts_headline wraps the matched words in these private-use characters; the
# view escapes the snippet and only then turns them into <mark> tags.
MARK_START = "\ue000"
MARK_STOP = "\ue001"


def search_words(text: str) -> list[str]:
    words = SEARCH_WORD_RE.findall(text[:SEARCH_MAX_CHARS].lower())
    return [word[:SEARCH_MAX_WORD_LENGTH] for word in words[:SEARCH_MAX_WORDS]]


def tsquery_text(words: list[str], *, operator: str = "&", weights: str = "") -> str:
    """All words must match (`operator` "|": any word); the last one as a prefix, as people type. `weights` ("A")
    limits the matches to the parts of a document of that weight: a skill's or a role's name.

    The words hold letters and digits only (search_words), so nothing the user
    typed is ever parsed by to_tsquery as an operator.
    """
    label = f":{weights}" if weights else ""
    terms = [f"'{word}'{label}" for word in words[:-1]] + [f"'{words[-1]}':*{weights}"]
    return f" {operator} ".join(terms)


def _tsquery(words: list[str], **options) -> SearchQuery:
    return SearchQuery(tsquery_text(words, **options), search_type="raw", config=SEARCH_CONFIG)


def search_query(text: str) -> SearchQuery | None:
    """The user's text as a tsquery ("english" config); None when no word is left."""
    words = search_words(text)
    return _tsquery(words) if words else None


@dataclass(frozen=True)
class Search:
    """What the search page asks of the catalog, made from the words typed (search_words)."""

    query: SearchQuery  # every word, in a skill's or role's text
    names: SearchQuery  # every word, in a skill's or role's name (weight A of their documents)
    any_word: SearchQuery  # any of the words: where in a skill's expectations its words are

    @classmethod
    def of(cls, text: str) -> "Search | None":
        """None when no word is left."""
        words = search_words(text)
        if not words:
            return None
        return cls(_tsquery(words), _tsquery(words, weights="A"), _tsquery(words, operator="|"))


def _headline(expression, query: SearchQuery, **options) -> SearchHeadline:
    return SearchHeadline(expression, query, config=SEARCH_CONFIG, start_sel=MARK_START, stop_sel=MARK_STOP, **options)


# A snippet: one excerpt of some thirty words around the words found. ts_headline cuts at whole words (of its
# parser); the search page widens the cuts to spaces and marks them with an ellipsis (skills/search_results.py).
SNIPPET = {"max_fragments": 1, "max_words": 30, "min_words": 15}
# ts_rank's normalization 1 divides by 1 + the log of the document's length: a skill with many roles and levels
# does not outrank one whose smaller matrix names the word as often. Typing a tool's name (MLflow) puts first the
# skill whose expectations name it most densely, not the skill with the most text.
RANK_NORMALIZATION = 1


def _bool(condition: Q) -> ExpressionWrapper:
    return ExpressionWrapper(condition, output_field=models.BooleanField())


def _named_roles_skills(search: Search) -> QuerySet:
    """The ids of the skills in the matrix of a role whose name holds the words."""
    roles = RoleSearch.objects.filter(document=search.names).values("role_id")
    return Expectation.objects.filter(role_id__in=roles).values("skill_id")


def search_ranked(skills: QuerySet, search: Search) -> QuerySet:
    """The `skills` that match, best first: those whose name holds the words; then the skills of a role whose name
    holds them (someone typed a role's name); then the rest, by how densely their text holds the words."""
    in_role = Q(pk__in=_named_roles_skills(search))
    return (
        skills.filter(Q(search__document=search.query) | in_role)
        .annotate(
            named=_bool(Q(search__document=search.names)),
            in_named_role=_bool(in_role),
            rank=SearchRank(F("search__document"), search.query, normalization=Value(RANK_NORMALIZATION)),
        )
        .order_by("-named", "-in_named_role", "-rank", "name")
    )


def search_skills(search: Search) -> QuerySet:
    """Skills matching the search (search_ranked), with their name highlighted (`name_marked`) and a snippet of
    their summary (`summary_marked`); where in their expectations they matched is search_cells'."""
    return search_ranked(Skill.objects.with_taxonomy(), search).annotate(
        name_marked=_headline("name", search.query, highlight_all=True),
        summary_marked=_headline("summary", search.query, **SNIPPET),
    )


def search_cells(skill_ids: list[int], search: Search) -> dict[int, Expectation]:
    """For each of the skills `skill_ids` (a page of results), the cell that says where the search matched it.

    The cell of a role whose name holds the words, when someone typed a role's name; else the cell whose
    description holds the words best (all of them before some of them); then the lowest level, then the role's
    name. Each with its role and level, a `snippet` of its description, and `in_named_role` (chosen for its role's
    name). One query; the text of the other skills' cells is not read. A skill with no such cell (only its name or
    summary matched) is left out.
    """
    vector = SearchVector("description", config=SEARCH_CONFIG)
    named_role = Q(role__search__document=search.names)
    best = (
        Expectation.objects.filter(skill_id__in=skill_ids)
        .alias(vector=vector)
        .filter(Q(vector=search.any_word) | named_role)
        .alias(
            in_named_role=_bool(named_role),
            in_text=_bool(Q(vector=search.query)),
            rank=SearchRank(vector, search.any_word),
        )
        .order_by("skill_id", "-in_named_role", "-in_text", "-rank", "level__position", "role__name")
        .distinct("skill_id")
        .values("pk")
    )
    cells = (
        Expectation.objects.filter(pk__in=best)
        .select_related("role", "level")
        .annotate(in_named_role=_bool(named_role), snippet=_headline("description", search.any_word, **SNIPPET))
    )
    return {cell.skill_id: cell for cell in cells}


def search_roles(query: SearchQuery) -> QuerySet:
    return (
        Role.objects.filter(search__document=query)
        .annotate(
            rank=SearchRank(F("search__document"), query),
            name_marked=_headline("name", query, highlight_all=True),
            snippet=_headline("tagline", query, highlight_all=True),
        )
        .order_by("-rank", Lower("name"))
    )


def popular_skills(*, limit: int = 8) -> QuerySet:
    """The skills most roles share: the search page's suggestions before anything is typed."""
    return (
        Skill.objects.with_taxonomy()
        .annotate(role_count=Count("expectations__role", distinct=True))
        .filter(role_count__gt=0)
        .order_by("-role_count", Lower("name"))[:limit]
    )


# --- Roles ------------------------------------------------------------------------


def roles_with_counts() -> QuerySet:
    """Roles by family with their counts: skills and levels at which the role has at least one cell."""
    return Role.objects.annotate(
        skill_count=Count("expectations__skill", distinct=True),
        level_count=Count("expectations__level", distinct=True),
    ).order_by(Lower("family"), Lower("name"))


def roles_with_levels() -> QuerySet:
    return Role.objects.prefetch_related(Prefetch("role_levels", queryset=RoleLevel.objects.select_related("level")))


def roles_for_choice() -> QuerySet:
    return Role.objects.order_by(Lower("family"), Lower("name"))


# The matrix's order: by domain, group, skill and level. A role's page, its past versions, its CSV file and the
# API list the role's cells in it; the comparison of two roles lists their skills in it.
MATRIX_ORDER = (
    "skill.group.domain.position",
    "skill.group.domain.name",
    "skill.group.position",
    "skill.group.name",
    "skill.name",
    "level.position",
)
matrix_key = attrgetter(*MATRIX_ORDER)  # the same order for cells in memory (rebuilt from the audit trail)


def in_matrix_order(cells: QuerySet) -> QuerySet:
    return cells.select_related("level", "skill__group__domain").order_by(
        *(path.replace(".", "__") for path in MATRIX_ORDER)
    )


def role_cells(*, role_slug: str) -> QuerySet:
    """Every cell of a role, in the matrix's order."""
    return in_matrix_order(Expectation.objects.filter(role__slug=role_slug))


def two_roles_cells(*, a: Role, b: Role) -> QuerySet:
    """Every cell of the two roles, in the matrix's order."""
    return in_matrix_order(Expectation.objects.filter(role__in=[a, b]))


@dataclass
class MatrixRow:
    skill: Skill
    cells: list[Expectation | None]  # one per level column, None where the role has no cell


@dataclass
class MatrixDomain:
    domain: Domain
    rows: list[MatrixRow] = field(default_factory=list)


@dataclass
class TrackDomain:
    domain: Domain
    cells: list[Expectation] = field(default_factory=list)


@dataclass
class TrackLevel:
    level: Level
    role_level: RoleLevel | None
    domains: list[TrackDomain] = field(default_factory=list)

    @property
    def cell_count(self) -> int:
        return sum(len(d.cells) for d in self.domains)

    @property
    def required_count(self) -> int:
        return sum(cell.required for d in self.domains for cell in d.cells)


@dataclass
class RoleProfile:
    """A role's matrix and counts, built from one query over its cells.

    Counts: skills = skills with at least one cell for the role; levels = levels
    at which the role has at least one cell (as the skill page counts them);
    mandatory = required cells; requirements = all cells.
    """

    role: Role
    levels: list[Level]  # the matrix columns: every level of the catalog
    role_levels: list[RoleLevel]
    cells: list[Expectation]
    domains: list[MatrixDomain]

    @property
    def skill_count(self) -> int:
        return len({cell.skill_id for cell in self.cells})

    @property
    def level_count(self) -> int:
        return len({cell.level_id for cell in self.cells})

    @property
    def required_count(self) -> int:
        return sum(cell.required for cell in self.cells)

    @property
    def cell_count(self) -> int:
        return len(self.cells)

    @property
    def level_slugs(self) -> set[str]:
        """The role's own levels (its RoleLevels): those with a page of their own (the role at a level)."""
        return {rl.level.slug for rl in self.role_levels}

    def track(self) -> list[TrackLevel]:
        """The career track: per level (with a RoleLevel or cells), its cells grouped by domain."""
        role_levels = {rl.level_id: rl for rl in self.role_levels}
        used = role_levels.keys() | {cell.level_id for cell in self.cells}
        steps = {level.pk: TrackLevel(level, role_levels.get(level.pk)) for level in self.levels if level.pk in used}
        for cell in self.cells:
            step = steps[cell.level_id]
            domain = cell.skill.group.domain
            if not step.domains or step.domains[-1].domain.pk != domain.pk:
                step.domains.append(TrackDomain(domain))
            step.domains[-1].cells.append(cell)
        return list(steps.values())


@dataclass
class RoleAtLevel:
    """A role at one of its levels, beside its next level: what the role-at-a-level page reads."""

    role: Role
    levels: list[Level]  # the role's levels (its RoleLevels), in order
    level: Level
    role_level: RoleLevel
    next_level: Level | None  # None at the role's top level
    next_role_level: RoleLevel | None
    cells: list[Expectation]  # at `level`, in the matrix's order
    next_cells: list[Expectation]  # at `next_level`, in the matrix's order


def role_at_level(*, role: Role, level_slug: str) -> RoleAtLevel | None:
    """The role (with role_levels prefetched: roles_with_levels) at the level `level_slug`, and at the level after it;
    None when the role does not have that level. One query (the cells of both levels) whatever the size of the role.
    """
    role_levels = sorted(role.role_levels.all(), key=lambda rl: rl.level.position)
    index = next((i for i, rl in enumerate(role_levels) if rl.level.slug == level_slug), None)
    if index is None:
        return None
    here = role_levels[index]
    after = role_levels[index + 1] if index + 1 < len(role_levels) else None
    wanted = [here.level_id] + ([after.level_id] if after else [])
    cells, next_cells = [], []
    for cell in in_matrix_order(Expectation.objects.filter(role=role, level_id__in=wanted)):
        cell.role = role  # the cell links need it; saves a join per row
        (cells if cell.level_id == here.level_id else next_cells).append(cell)
    return RoleAtLevel(
        role=role,
        levels=[rl.level for rl in role_levels],
        level=here.level,
        role_level=here,
        next_level=after.level if after else None,
        next_role_level=after,
        cells=cells,
        next_cells=next_cells,
    )


def role_levels_of(*, role_slug: str) -> list[RoleLevel]:
    """The levels of the role `role_slug`, each with its role and level: one query; empty when there is no such
    role."""
    return list(RoleLevel.objects.filter(role__slug=role_slug).select_related("role", "level"))


def level_position(slug: str) -> int:
    """The position of the level `slug`; 0 (before every level) when there is none."""
    return Level.objects.filter(slug=slug).values_list("position", flat=True).first() or 0


def role_profile(*, role: Role) -> RoleProfile:
    """Three queries (levels, cells, their skills) whatever the size of the role; role_levels too unless prefetched."""
    levels = list(Level.objects.order_by("position"))
    by_level = {level.pk: level for level in levels}
    # Each skill (with its group and domain) once, not once per cell: a role of 670 skills has
    # 3,350 cells, and joining them made 16,000 model instances where 5,400 do.
    cells = list(role_cells(role_slug=role.slug).select_related(None))
    skills = Skill.objects.select_related("group__domain").in_bulk({cell.skill_id for cell in cells})
    for cell in cells:
        cell.role = role  # the cell links need it; saves a join per row
        cell.skill = skills[cell.skill_id]
        cell.level = by_level[cell.level_id]
    role_levels = sorted(role.role_levels.all(), key=lambda rl: rl.level.position)
    return RoleProfile(role=role, levels=levels, role_levels=role_levels, cells=cells, domains=matrix(levels, cells))


def matrix(levels: list[Level], cells: list[Expectation]) -> list[MatrixDomain]:
    """The matrix of cells given in the matrix's order (with skill.group.domain and level): a row per skill, by
    domain, and a column per level of `levels`."""
    column = {level.pk: index for index, level in enumerate(levels)}
    domains: list[MatrixDomain] = []
    for cell in cells:
        domain = cell.skill.group.domain
        if not domains or domains[-1].domain.pk != domain.pk:
            domains.append(MatrixDomain(domain))
        rows = domains[-1].rows
        if not rows or rows[-1].skill.pk != cell.skill_id:
            rows.append(MatrixRow(cell.skill, [None] * len(levels)))
        rows[-1].cells[column[cell.level_id]] = cell
    return domains


def matrix_rows(cells: list[Expectation]) -> list[dict]:
    """The API's matrix (MatrixRowSerializer): per skill, its cells in level order, without the empty columns."""
    levels = sorted({cell.level_id: cell.level for cell in cells}.values(), key=lambda level: level.position)
    return [
        {"skill": row.skill, "cells": [cell for cell in row.cells if cell is not None]}
        for domain in matrix(levels, cells)
        for row in domain.rows
    ]


# --- One skill ----------------------------------------------------------------------


def skill_cells(skill: Skill) -> list[Expectation]:
    """One query: the skill's cells with their role and level, by level then role."""
    cells = list(Expectation.objects.for_skill(skill))
    for cell in cells:
        cell.skill = skill  # the cell links need it; saves a join per row
    return cells


def skill_cells_for_csv(skill: Skill) -> QuerySet:
    """The skill's cells by role, then level position (one query)."""
    return (
        Expectation.objects.filter(skill=skill)
        .select_related("role", "level")
        .order_by("role__name", "level__position")
    )


def cells_with_axes() -> QuerySet:
    return Expectation.objects.select_related("skill__group__domain", "role", "level")


def cell_siblings(cell: Expectation) -> QuerySet:
    """The role's other levels for the cell's skill, to step along its growth path."""
    return (
        Expectation.objects.filter(skill_id=cell.skill_id, role_id=cell.role_id)
        .select_related("level")
        .order_by("level__position")
        .only("id", "level__slug", "level__name", "level__short", "level__position", "required", "proficiency")
    )


def _imported_with(skill_id) -> QuerySet:
    """The audit contexts of the imports that brought the skill `skill_id` (a value or an OuterRef) into the
    catalog: the history pages show such an import as one entry, the skill with its expectations."""
    return SkillEvent.objects.filter(
        pgh_obj_id=skill_id, pgh_label="insert", pgh_context__metadata__source="import"
    ).values("pgh_context_id")


def cell_events(cell: Expectation) -> QuerySet:
    """The cell's audit events, oldest first; each with `skill_updated`, the "Last updated" that the import which
    brought the cell with its skill gave the skill (None for any other event).

    Keyed by the cell's axes, not its id: a cell deleted and made again keeps its story; and by its id:
    a cell moved here by a merge of skills keeps the story it had in the merged skill.
    """
    arrival = SkillEvent.objects.filter(
        pgh_obj_id=OuterRef("skill_id"), pgh_label="insert", pgh_context_id=OuterRef("pgh_context_id")
    )
    return (
        ExpectationEvent.objects.filter(
            Q(skill_id=cell.skill_id, role_id=cell.role_id, level_id=cell.level_id) | Q(pgh_obj_id=cell.pk)
        )
        .select_related("pgh_context")
        .annotate(skill_updated=Subquery(arrival.filter(pgh_context__metadata__source="import").values("updated")[:1]))
        .order_by("pgh_id")
    )


def skill_events(skill: Skill) -> QuerySet:
    """The skill's own events and its cells' events, newest first.

    One union (pghistory's aggregate Events model), each row with its JSON diff from the row before. The cells
    that came with the skill in an import are left out: the skill's own insert stands for them, with their
    number (`imported_cells`).
    """
    cell = ExpectationEvent._meta.label
    imported = (
        ExpectationEvent.objects.filter(
            pgh_context_id=OuterRef("pgh_context_id"), skill_id=skill.pk, pgh_label="insert"
        )
        .order_by()
        .values("pgh_context_id")
        .annotate(count=Count("*"))
        .values("count")
    )
    return (
        pghistory.models.Events.objects.references(skill)
        .across(SkillEvent, ExpectationEvent)
        .exclude(pgh_model=cell, pgh_label="insert", pgh_context_id__in=_imported_with(skill.pk))
        .annotate(
            imported_cells=Case(
                When(pgh_model=SkillEvent._meta.label, pgh_label="insert", then=Subquery(imported)), default=None
            )
        )
        .order_by("-pgh_created_at", "-pgh_id")
    )


@dataclass
class HistoryNames:
    """What the skill history's rows name by id: roles and levels (of cells), groups (of the skill's moves)."""

    roles: dict[int, Role]
    levels: dict[int, Level]
    groups: dict[int, SkillGroup]


def history_names(rows: list) -> HistoryNames:
    """The roles, levels and groups that the rows of skill_events() name: one to three queries."""
    role_ids = {row.pgh_data.get("role_id") for row in rows if row.pgh_model == ExpectationEvent._meta.label}
    group_ids = set()
    for row in rows:
        if row.pgh_model == SkillEvent._meta.label:
            group_ids.update(value for value in (row.pgh_diff or {}).get("group_id", []) if value)
    return HistoryNames(
        roles=Role.objects.in_bulk(role_ids) if role_ids else {},
        groups=SkillGroup.objects.in_bulk(group_ids) if group_ids else {},
        levels={level.pk: level for level in Level.objects.all()},
    )


# --- Past days -----------------------------------------------------------------------
#
# The catalog as it stood at the end of a past day (skills/as_of.py), rebuilt from the audit trail.
#
# Every catalog row has pghistory events (insert, update, delete), each holding the row's full data.
# A row's state at the end of day D (in the site time zone, settings.TIME_ZONE) is its last event
# written before D + 1 began; when that event is a delete, the row did not exist then. Each kind of
# row costs one query (DISTINCT ON pgh_obj_id), whatever the size of the catalog or of its history.
#
# The rebuilt rows are unsaved model instances (Skill, Expectation, Role, Level, RoleLevel,
# SkillGroup, Domain) with their related objects attached, so that the live pages' templates and the
# API's serializers draw them unchanged. They must never be saved.
#
# Rows without any event (only possible for rows written with the triggers switched off: every code
# path, the import included, writes events) have no past: such a cell is left out, and such a skill
# or role has no past version (404). A parent row (group, domain, role, level) that a rebuilt row
# points at but that has no state on that day is taken as it is today, so that the page can always
# be drawn.

DELETE = "delete"


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


def _when(day: date) -> str:
    return formats.date_format(day, "DATE_FORMAT")


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


def _past_rows(model, event_model, *, before: datetime, **where) -> list[models.Model]:
    """The rows matching `where` (on the day's state) that existed at `before`, rebuilt."""
    return [
        build(model, event)
        for event in latest(_ever(event_model, **where), before)
        if event.pgh_label != DELETE and all(getattr(event, key) == value for key, value in where.items())
    ]


@dataclass
class SkillAsOf:
    day: date
    skill: Skill  # with group.domain, the counts of the skill page, and `as_of_cells`
    cells: list[Expectation]  # with role and level, by level position and role name
    current_slug: str | None  # None: the skill has since been removed


def skill_as_of(*, slug: str, day: date) -> SkillAsOf:
    """The skill page's data at the end of `day`: six queries, whatever the size of the catalog.

    Raises skills.as_of.Missing when the skill was not at that address that day.
    """
    before = day_end(day)
    event, current_slug = _find(Skill, SkillEvent, slug=slug, day=day, before=before)
    skill = build(Skill, event)
    group = _states(SkillGroup, SkillGroupEvent, {skill.group_id}, before).get(skill.group_id)
    domain = _states(Domain, DomainEvent, {group.domain_id}, before).get(group.domain_id) if group else None
    if group is None or domain is None:
        raise Missing(_("This skill's group is missing from the audit trail."), current_slug=current_slug)
    group.domain = domain
    skill.group = group

    cells = _past_rows(Expectation, ExpectationEvent, before=before, skill_id=skill.pk)
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


@dataclass
class RoleAsOf:
    day: date
    role: Role  # with `as_of_role_levels`
    profile: RoleProfile
    matrix: list[dict] = field(default_factory=list)  # the API's rows (matrix_rows)
    current_slug: str | None = None  # None: the role has since been removed


def role_as_of(*, slug: str, day: date) -> RoleAsOf:
    """The role page's data at the end of `day`: seven queries, whatever the size of the catalog.

    Raises skills.as_of.Missing when the role was not at that address that day.
    """
    before = day_end(day)
    event, current_slug = _find(Role, RoleEvent, slug=slug, day=day, before=before)
    role = build(Role, event)

    role_levels = _past_rows(RoleLevel, RoleLevelEvent, before=before, role_id=role.pk)
    levels = {
        event.pgh_obj_id: build(Level, event)
        for event in latest(LevelEvent.objects.all(), before)
        if event.pgh_label != DELETE
    }
    cells = _past_rows(Expectation, ExpectationEvent, before=before, role_id=role.pk)
    levels.update(_states(Level, LevelEvent, {row.level_id for row in role_levels + cells} - levels.keys(), before))
    skills = _past_skills({cell.skill_id for cell in cells}, before)

    role_levels = [row for row in role_levels if row.level_id in levels]
    for row in role_levels:
        row.role, row.level = role, levels[row.level_id]
    role_levels.sort(key=lambda row: row.level.position)
    cells = [cell for cell in cells if cell.skill_id in skills and cell.level_id in levels]
    for cell in cells:
        cell.role, cell.skill, cell.level = role, skills[cell.skill_id], levels[cell.level_id]
    cells.sort(key=matrix_key)
    role.as_of_role_levels = role_levels

    columns = sorted(levels.values(), key=lambda level: level.position)
    profile = RoleProfile(
        role=role, levels=columns, role_levels=role_levels, cells=cells, domains=matrix(columns, cells)
    )
    return RoleAsOf(day=day, role=role, profile=profile, matrix=matrix_rows(cells), current_slug=current_slug)


def _past_skills(ids: set[int], before: datetime) -> dict[int, Skill]:
    """The skills `ids` as they stood, each with its group and domain; those without both are left out."""
    skills = _states(Skill, SkillEvent, ids, before)
    groups = _states(SkillGroup, SkillGroupEvent, {skill.group_id for skill in skills.values()}, before)
    domains = _states(Domain, DomainEvent, {group.domain_id for group in groups.values()}, before)
    for group in groups.values():
        group.domain = domains.get(group.domain_id)
    for skill in skills.values():
        skill.group = groups.get(skill.group_id)
    return {pk: skill for pk, skill in skills.items() if skill.group and skill.group.domain}
