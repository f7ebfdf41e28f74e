"""Reads of the catalog that several views and the API share."""

import re
from dataclasses import dataclass, field

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db.models import Count, F, OuterRef, Prefetch, QuerySet, StringAgg, Subquery, TextField, Value
from django.db.models.functions import Coalesce, Concat, Left

from skills.models import SEARCH_CONFIG, Domain, Expectation, Level, Role, RoleLevel, Skill


def skills_with_counts() -> QuerySet:
    return Skill.objects.with_taxonomy().with_counts()


def skill_list(*, search: str = "", domain: str = "", group: str = "", role: str = "") -> QuerySet:
    skills = skills_with_counts().order_by("name")
    if domain:
        skills = skills.filter(group__domain__slug=domain)
    if group:
        skills = skills.filter(group__slug=group)
    if role:
        skills = skills.filter(pk__in=Expectation.objects.filter(role__slug=role).values("skill_id"))
    if search.strip():
        query = search_query(search)
        if query is None:
            return skills.none()
        skills = skills.filter(search__document=query).annotate(rank=SearchRank(F("search__document"), query))
        skills = skills.order_by("-rank", "name")
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


def tsquery_text(words: list[str]) -> str:
    """All words must match; the last one as a prefix, as people type.

    The words hold letters and digits only (search_words), so nothing the user
    typed is ever parsed by to_tsquery as an operator.
    """
    return " & ".join([f"'{word}'" for word in words[:-1]] + [f"'{words[-1]}':*"])


def search_query(text: str) -> SearchQuery | None:
    """The user's text as a tsquery ("english" config); None when no word is left."""
    words = search_words(text)
    if not words:
        return None
    return SearchQuery(tsquery_text(words), search_type="raw", config=SEARCH_CONFIG)


def _headline(expression, query: SearchQuery, **options) -> SearchHeadline:
    return SearchHeadline(expression, query, config=SEARCH_CONFIG, start_sel=MARK_START, stop_sel=MARK_STOP, **options)


SNIPPET_SOURCE_CHARS = 2000


def search_skills(query: SearchQuery) -> QuerySet:
    """Skills matching the query, best first, with highlighted name and snippet.

    The snippet is taken from the summary and the cell descriptions; Postgres
    computes it only for the rows of the page asked for (after ORDER BY/LIMIT).
    """
    descriptions = (
        Expectation.objects.filter(skill=OuterRef("pk"))
        .values("skill")
        .annotate(text=StringAgg("description", Value(" "), order_by=("level__position", "role__name")))
        .values("text")
    )
    text = TextField()
    document = Concat("summary", Value(" ", text), Coalesce(Subquery(descriptions), Value("", text)), output_field=text)
    # ts_headline parses all the text it is given: a skill of eighty cells is some 15,000 characters,
    # and a page of such snippets took most of a search's time. The start of it is enough for a snippet.
    document = Left(document, SNIPPET_SOURCE_CHARS)
    return (
        Skill.objects.with_taxonomy()
        .filter(search__document=query)
        .annotate(
            rank=SearchRank(F("search__document"), query),
            name_marked=_headline("name", query, highlight_all=True),
            snippet=_headline(document, query, max_fragments=2, max_words=28, min_words=12, fragment_delimiter=" … "),
        )
        .order_by("-rank", "name")
    )


def search_roles(query: SearchQuery) -> QuerySet:
    return (
        Role.objects.filter(search__document=query)
        .annotate(
            rank=SearchRank(F("search__document"), query),
            name_marked=_headline("name", query, highlight_all=True),
            snippet=_headline("tagline", query, highlight_all=True),
        )
        .order_by("-rank", "name")
    )


def popular_skills(*, limit: int = 8) -> QuerySet:
    """The skills most roles share: the search page's suggestions before anything is typed."""
    return (
        Skill.objects.with_taxonomy()
        .annotate(role_count=Count("expectations__role", distinct=True))
        .filter(role_count__gt=0)
        .order_by("-role_count", "name")[:limit]
    )


# --- Roles ------------------------------------------------------------------------


def roles_with_counts() -> QuerySet:
    """Roles by family with their counts: skills and levels at which the role has at least one cell."""
    return Role.objects.annotate(
        skill_count=Count("expectations__skill", distinct=True),
        level_count=Count("expectations__level", distinct=True),
    ).order_by("family", "name")


def roles_with_levels() -> QuerySet:
    return Role.objects.prefetch_related(Prefetch("role_levels", queryset=RoleLevel.objects.select_related("level")))


def role_cells(*, role_slug: str) -> QuerySet:
    """Every cell of a role, ordered by domain, group, skill and level."""
    return (
        Expectation.objects.filter(role__slug=role_slug)
        .select_related("level", "skill__group__domain")
        .order_by(
            "skill__group__domain__position",
            "skill__group__domain__name",
            "skill__group__position",
            "skill__group__name",
            "skill__name",
            "level__position",
        )
    )


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


def role_profile(*, role: Role) -> RoleProfile:
    """Three queries (levels, cells, their skills) whatever the size of the role; role_levels too unless prefetched."""
    levels = list(Level.objects.order_by("position"))
    column = {level.pk: index for index, level in enumerate(levels)}
    by_level = {level.pk: level for level in levels}
    # Each skill (with its group and domain) once, not once per cell: a role of 670 skills has
    # 3,350 cells, and joining them made 16,000 model instances where 5,400 do.
    cells = list(role_cells(role_slug=role.slug).select_related(None))
    skills = Skill.objects.select_related("group__domain").in_bulk({cell.skill_id for cell in cells})
    domains: list[MatrixDomain] = []
    for cell in cells:
        cell.role = role  # the cell links need it; saves a join per row
        cell.skill = skills[cell.skill_id]
        cell.level = by_level[cell.level_id]
        domain = cell.skill.group.domain
        if not domains or domains[-1].domain.pk != domain.pk:
            domains.append(MatrixDomain(domain))
        rows = domains[-1].rows
        if not rows or rows[-1].skill.pk != cell.skill_id:
            rows.append(MatrixRow(cell.skill, [None] * len(levels)))
        rows[-1].cells[column[cell.level_id]] = cell
    role_levels = sorted(role.role_levels.all(), key=lambda rl: rl.level.position)
    return RoleProfile(role=role, levels=levels, role_levels=role_levels, cells=cells, domains=domains)
