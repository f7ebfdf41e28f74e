"""Presenters of the teams pages: a heatmap cell as text and a colour class, the CSV rows, the filters.

The cell's words carry everything its colour does (expected, self, lead,
disagreement, gap), so the page reads without colour and in print.
"""

import datetime
from collections.abc import Iterator
from dataclasses import dataclass, replace
from urllib.parse import urlencode

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from skills.models import Level
from teams.models import Assessment
from teams.selectors import DayCount, Heatmap, HeatmapFilters, SkillCell

CSV_COLUMNS = (
    "person",
    "role",
    "level",
    "domain",
    "skill",
    "required",
    "expected",
    "self",
    "lead",
    "disagree",
    "gap",
)


def level_label(level: Level | None) -> str:
    return level.short if level is not None else _("none")


def assessed_label(assessment: Assessment | None) -> str:
    return level_label(assessment.level) if assessment is not None else "—"


def status_of(cell: SkillCell) -> str:
    if cell.gap is None:
        return "unassessed"
    return "meets" if cell.meets else "below"


def status_label(cell: SkillCell) -> str:
    if cell.gap is None:
        return _("not assessed")
    if cell.gap > 0:
        return _("%(count)d below") % {"count": cell.gap}
    return _("meets")


# The cell's class in the heatmap's compact markup (teams.css): a 50-person table has thousands of cells.
STATUS_CLASS = {"meets": "m", "below": "b", "unassessed": "u"}


@dataclass
class HeatCell:
    cell: SkillCell | None  # None: the skill is not in this person's role, or the filters hide it
    hidden: bool = False  # the filters narrow the cells: a missing one may be in the role

    @property
    def css(self) -> str:
        if self.cell is None:
            return "hm n"
        return f"hm {STATUS_CLASS[status_of(self.cell)]}" + (" x" if self.cell.disagree else "")

    @property
    def status(self) -> str:
        if self.cell is not None:
            return status_label(self.cell)
        return _("hidden by the filters") if self.hidden else _("not in role")

    @property
    def expected(self) -> str:
        return level_label(self.cell.expected)

    @property
    def self_level(self) -> str:
        return assessed_label(self.cell.self_assessment)

    @property
    def lead_level(self) -> str:
        return assessed_label(self.cell.lead_assessment)


@dataclass
class HeatRow:
    person: object
    cells: list[HeatCell]


@dataclass(frozen=True)
class RenderedHeatmap:
    """A team's heatmap as the page caches it (skills.freshness.fragment): the filter's domains, the domain
    shown, the CSV's query and the table with its page links."""

    domains: list[tuple[str, str]]  # (slug, name)
    domain: str  # the domain shown, "" for all
    csv_query: str  # the CSV of the same filters, every person
    table: SafeString  # the rendered table, or the words that say there is nothing to show


PEOPLE_PER_PAGE = 20
ALL_DOMAINS = "all"  # ?domain=all: every domain, whatever the default


@dataclass(frozen=True)
class HeatmapRequest:
    """What the heatmap page was asked for, normalised: the filters and the page of people (the cache key)."""

    filters: HeatmapFilters
    page: int = 1


def narrows(filters: HeatmapFilters) -> bool:
    """Whether the filters leave out cells (sorting leaves them all)."""
    return bool(filters.domain or filters.required_only or filters.disagreements_only)


def heat_rows(heatmap: Heatmap, filters: HeatmapFilters) -> list[HeatRow]:
    """A row per person; under filters that narrow the cells, only people with a cell left, as in the CSV."""
    skills = heatmap.skills
    hidden = narrows(replace(filters, domain=heatmap.domain))
    rows = []
    for person in heatmap.people:
        if hidden and not person.cells:
            continue
        by_skill = person.by_skill
        rows.append(HeatRow(person, [HeatCell(by_skill.get(skill.pk), hidden) for skill in skills]))
    return rows


def csv_rows(heatmap: Heatmap) -> Iterator[tuple]:
    """The heatmap's cells as CSV rows, in the page's order: person by person, skill by skill."""
    for person in heatmap.people:
        profile = person.profile
        for cell in person.cells:
            yield (
                person.user.get_username(),
                profile.role.name,
                profile.level.name,
                cell.skill.group.domain.name,
                cell.skill.name,
                "true" if cell.required else "false",
                level_label(cell.expected),
                assessed_label(cell.self_assessment),
                assessed_label(cell.lead_assessment),
                "true" if cell.disagree else "false",
                "" if cell.gap is None else cell.gap,
            )


def filters_from(params, *, default_domain: bool = False) -> HeatmapFilters:
    """The filters of a query string. Without ?domain=, all domains (the CSV, the API), or with
    `default_domain` the heatmap's default (None: the page opens a large team on its first domain)."""
    domain = params.get("domain")
    if domain is None:
        domain = None if default_domain else ""
    elif domain == ALL_DOMAINS:
        domain = ""
    return HeatmapFilters(
        domain=domain if domain is None else domain[:120],
        required_only=params.get("required") == "1",
        disagreements_only=params.get("disagree") == "1",
        sort_by_gap=params.get("sort") == "gap",
    )


def heatmap_request(params) -> HeatmapRequest:
    """The page's filters and page number; a page number that is not one is the first page (as Django's
    Paginator.get_page reads it), and one past the last is the last page."""
    page = params.get("page", "")
    number = int(page) if page.isascii() and page.isdigit() and len(page) <= 6 else 1
    return HeatmapRequest(filters=filters_from(params, default_domain=True), page=max(number, 1))


def heatmap_query(filters: HeatmapFilters, domain: str, page: int | None = None) -> str:
    """The query string of these filters on the domain shown (always named: a link means the same whatever
    the default), and of a page of people."""
    params = {"domain": domain or ALL_DOMAINS}
    if filters.required_only:
        params["required"] = "1"
    if filters.disagreements_only:
        params["disagree"] = "1"
    if filters.sort_by_gap:
        params["sort"] = "gap"
    if page is not None and page > 1:
        params["page"] = str(page)
    return urlencode(params)


# --- A person's skills over time: the chart ----------------------------------------------

CHART_WIDTH, CHART_HEIGHT = 640, 220
CHART_LEFT, CHART_RIGHT, CHART_TOP, CHART_BOTTOM = 44, 20, 16, 40


@dataclass(frozen=True)
class ChartMark:
    x: str
    y: str
    day: datetime.date
    value: int


@dataclass(frozen=True)
class ChartSeries:
    kind: str  # "self" or "lead": the line's style and marker shape, so the series read without colour
    label: str
    path: str  # a step line: a count holds until the next day with an assessment
    marks: list[ChartMark]


@dataclass(frozen=True)
class ChartTick:
    position: str  # x for a day, y for a count
    label: object  # a date or a count


@dataclass(frozen=True)
class SkillsChart:
    """The SVG chart of a person's skills met over time, laid out here: the template only places the numbers."""

    days: list[DayCount]
    total: int  # the skills of the person's role
    series: list[ChartSeries]
    y_ticks: list[ChartTick]
    x_ticks: list[ChartTick]
    width: int = CHART_WIDTH
    height: int = CHART_HEIGHT
    left: int = CHART_LEFT
    right: int = CHART_WIDTH - CHART_RIGHT
    baseline: int = CHART_HEIGHT - CHART_BOTTOM

    @property
    def latest(self) -> DayCount | None:
        return self.days[-1] if self.days else None


def _coordinate(value: float) -> str:
    """SVG numbers are never localised (a German "12,5" would break the path)."""
    return f"{value:.1f}".removesuffix(".0")


def skills_chart(*, total: int, days: list[DayCount]) -> SkillsChart:
    plot_width = CHART_WIDTH - CHART_LEFT - CHART_RIGHT
    plot_height = CHART_HEIGHT - CHART_TOP - CHART_BOTTOM
    first, last = (days[0].day, days[-1].day) if days else (None, None)
    span = (last - first).days if days else 0

    def x(day: datetime.date) -> float:
        return CHART_LEFT + (plot_width * (day - first).days / span if span else plot_width / 2)

    def y(count: int) -> float:
        return CHART_TOP + plot_height * (1 - count / max(total, 1))

    series = []
    for kind, label, attribute in (
        ("self", _("Self assessment"), "self_met"),
        ("lead", _("Lead assessment"), "lead_met"),
    ):
        points = [(day.day, getattr(day, attribute)) for day in days if getattr(day, attribute) is not None]
        if not points:
            continue
        path = [f"M{_coordinate(x(points[0][0]))} {_coordinate(y(points[0][1]))}"]
        for day, count in points[1:]:
            path.append(f"H{_coordinate(x(day))} V{_coordinate(y(count))}")
        if points[-1][0] != last:  # the count holds to the last day with an assessment of the other kind
            path.append(f"H{_coordinate(x(last))}")
        marks = [ChartMark(_coordinate(x(day)), _coordinate(y(count)), day, count) for day, count in points]
        series.append(ChartSeries(kind, label, " ".join(path), marks))
    counts = sorted({0, total, total // 2} if total >= 4 else {0, total})
    y_ticks = [ChartTick(_coordinate(y(count)), count) for count in counts]
    x_ticks = [ChartTick(_coordinate(x(first)), first)] if days else []
    if span:
        x_ticks.append(ChartTick(_coordinate(x(last)), last))
    return SkillsChart(days=days, total=total, series=series, y_ticks=y_ticks, x_ticks=x_ticks)
