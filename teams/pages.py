"""Presenters of the teams pages: a heatmap cell as text and a colour class, the CSV rows, the filters.

The cell's words carry everything its colour does (expected, self, lead,
disagreement, gap), so the page reads without colour and in print.
"""

from collections.abc import Iterator
from dataclasses import dataclass

from django.utils.translation import gettext as _

from skills.models import Level
from teams.models import Assessment
from teams.selectors import Heatmap, HeatmapFilters, SkillCell

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


@dataclass
class HeatCell:
    cell: SkillCell | None  # None: the skill is not in this person's role, or the filters hide it
    hidden: bool = False  # the filters narrow the cells: a missing one may be in the role

    @property
    def css(self) -> str:
        if self.cell is None:
            return "heat heat--none"
        return f"heat heat--{status_of(self.cell)}" + (" heat--disagree" if self.cell.disagree else "")

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


def narrows(filters: HeatmapFilters) -> bool:
    """Whether the filters leave out cells (sorting leaves them all)."""
    return bool(filters.domain or filters.required_only or filters.disagreements_only)


def heat_rows(heatmap: Heatmap, filters: HeatmapFilters) -> list[HeatRow]:
    """A row per person; under filters that narrow the cells, only people with a cell left, as in the CSV."""
    skills = heatmap.skills
    hidden = narrows(filters)
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


def filters_from(params) -> HeatmapFilters:
    return HeatmapFilters(
        domain=params.get("domain", "")[:120],
        required_only=params.get("required") == "1",
        disagreements_only=params.get("disagree") == "1",
        sort_by_gap=params.get("sort") == "gap",
    )
