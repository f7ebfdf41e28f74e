"""Side-by-side comparisons: two levels or two roles of one skill, and the matrices of two roles.

Each comparison is arranged in Python from one read of the cells involved
(skills/selectors.py: skill_cells, two_roles_cells), so that a page costs the
same number of queries at any catalog size.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from skills.diff import Segment, has_changes, word_diff
from skills.models import Domain, Expectation, Level, Role, Skill


@dataclass
class CellPair:
    """Two cells side by side (either may be missing), with what differs from the left one to the right one."""

    left: Expectation | None
    right: Expectation | None
    segments: list[Segment] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)

    @property
    def text_changed(self) -> bool:
        return has_changes(self.segments)

    @property
    def differs(self) -> bool:
        return bool(self.changes) or self.text_changed


def pair_cells(left: Expectation | None, right: Expectation | None) -> CellPair:
    pair = CellPair(left=left, right=right)
    if left is None and right is None:
        return pair
    if left is None:
        pair.changes.append(_("Only on the right"))
        return pair
    if right is None:
        pair.changes.append(_("Only on the left"))
        return pair
    pair.segments = word_diff(left.description, right.description)
    if left.required != right.required:
        pair.changes.append(_("Required → optional") if left.required else _("Optional → required"))
    if left.proficiency != right.proficiency:
        pair.changes.append(
            _("Proficiency: %(old)s → %(new)s")
            % {"old": left.get_proficiency_display(), "new": right.get_proficiency_display()}
        )
    return pair


# --- One skill: two levels or two roles --------------------------------------------


def cell_levels(cells: list[Expectation]) -> list[Level]:
    return sorted({cell.level_id: cell.level for cell in cells}.values(), key=lambda level: level.position)


def cell_roles(cells: list[Expectation]) -> list[Role]:
    return sorted({cell.role_id: cell.role for cell in cells}.values(), key=lambda role: role.name)


@dataclass
class Row:
    """One line of a skill comparison: a role (comparing levels) or a level (comparing roles)."""

    subject: Role | Level
    pair: CellPair


def compare_skill_levels(cells: list[Expectation], a: Level, b: Level) -> list[Row]:
    """Per role of the skill, its cell at level `a` beside its cell at level `b`."""
    grid = {(cell.role_id, cell.level_id): cell for cell in cells}
    rows = []
    for role in cell_roles(cells):
        left, right = grid.get((role.pk, a.pk)), grid.get((role.pk, b.pk))
        if left or right:
            rows.append(Row(role, pair_cells(left, right)))
    return rows


def compare_skill_roles(cells: list[Expectation], a: Role, b: Role) -> list[Row]:
    """Per level of the skill, the cell of role `a` beside the cell of role `b`."""
    grid = {(cell.role_id, cell.level_id): cell for cell in cells}
    rows = []
    for level in cell_levels(cells):
        left, right = grid.get((a.pk, level.pk)), grid.get((b.pk, level.pk))
        if left or right:
            rows.append(Row(level, pair_cells(left, right)))
    return rows


# --- Two roles' matrices ---------------------------------------------------------------


@dataclass
class LevelDifference:
    level: Level
    pair: CellPair


@dataclass
class SkillDifference:
    skill: Skill
    levels: list[LevelDifference]


@dataclass
class DomainComparison:
    domain: Domain
    only_a: list[Skill] = field(default_factory=list)
    only_b: list[Skill] = field(default_factory=list)
    different: list[SkillDifference] = field(default_factory=list)
    same_count: int = 0


@dataclass
class RoleComparison:
    a: Role
    b: Role
    domains: list[DomainComparison]

    @property
    def only_a_count(self) -> int:
        return sum(len(d.only_a) for d in self.domains)

    @property
    def only_b_count(self) -> int:
        return sum(len(d.only_b) for d in self.domains)

    @property
    def shared_count(self) -> int:
        return sum(len(d.different) + d.same_count for d in self.domains)

    @property
    def different_count(self) -> int:
        return sum(len(d.different) for d in self.domains)

    @property
    def cell_difference_count(self) -> int:
        return sum(len(s.levels) for d in self.domains for s in d.different)


def compare_roles(*, a: Role, b: Role, cells: Iterable[Expectation]) -> RoleComparison:
    """Skills only one role has, and, for the skills both have, the cells that differ.

    `cells` are the two roles' cells in the matrix's order (selectors.two_roles_cells).
    """
    domains: list[DomainComparison] = []
    for skill, by_level in _side_by_side(a, b, cells).values():
        domain = skill.group.domain
        if not domains or domains[-1].domain.pk != domain.pk:
            domains.append(DomainComparison(domain))
        _compare_skill(domains[-1], skill, by_level)
    return RoleComparison(a=a, b=b, domains=domains)


def _side_by_side(a: Role, b: Role, cells: Iterable[Expectation]) -> dict[int, tuple[Skill, dict]]:
    """skill id -> (skill, {level id: (level, cell of a, cell of b)}), in the order of `cells`."""
    skills: dict[int, tuple[Skill, dict]] = {}
    for cell in cells:
        cell.role = a if cell.role_id == a.pk else b
        _skill, by_level = skills.setdefault(cell.skill_id, (cell.skill, {}))
        level, left, right = by_level.get(cell.level_id, (cell.level, None, None))
        if cell.role_id == a.pk:
            left = cell
        else:
            right = cell
        by_level[cell.level_id] = (level, left, right)
        if a.pk == b.pk:  # the same role twice: its cells stand on both sides
            by_level[cell.level_id] = (level, cell, cell)
    return skills


def _compare_skill(group: DomainComparison, skill: Skill, by_level: dict) -> None:
    has_a = any(left for _level, left, _right in by_level.values())
    has_b = any(right for _level, _left, right in by_level.values())
    if not has_b:
        group.only_a.append(skill)
        return
    if not has_a:
        group.only_b.append(skill)
        return
    levels = [
        LevelDifference(level, pair)
        for level, left, right in by_level.values()
        if (pair := pair_cells(left, right)).differs
    ]
    if levels:
        group.different.append(SkillDifference(skill, levels))
    else:
        group.same_count += 1
