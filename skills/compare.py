"""Side-by-side comparisons: two levels or two roles of one skill, and the matrices of two roles.

Each comparison is arranged in Python from one read of the cells involved
(skills/selectors.py: skill_cells, two_roles_cells), so that a page costs the
same number of queries at any catalog size. What differs is said in words
(required, proficiency, a skill new at or missing from a level); the word
redline is made only when asked for, and never between two roles' texts,
which are written apart and differ throughout.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from skills import translations
from skills.diff import Segment, word_diff
from skills.models import PROFICIENCY_ORDER, Expectation, Level, Role, Skill
from skills.pages import level_changes


@dataclass
class CellPair:
    """Two cells side by side (either may be missing), with what differs from the left one to the right one."""

    left: Expectation | None
    right: Expectation | None
    changes: list[str] = field(default_factory=list)  # what differs in words, or that nothing does
    differs: bool = False  # in presence, required, proficiency or (between two levels) text
    segments: list[Segment] = field(default_factory=list)  # the word redline, made only when asked for


def level_pair(left: Expectation | None, right: Expectation | None, *, to: Level, redline: bool = False) -> CellPair:
    """One role's cell at one level beside its cell at level `to`: what changes on the way, in words."""
    pair = CellPair(left=left, right=right)
    if left is None and right is None:
        return pair
    if left is None:
        pair.changes.append(_("New at %(level)s") % {"level": translations.text(to, "name")})
    elif right is None:
        pair.changes.append(_("Not listed at %(level)s") % {"level": translations.text(to, "name")})
    else:
        pair.changes = level_changes(left, right)
        if left.description != right.description:
            pair.changes.append(_("New text at %(level)s") % {"level": translations.text(to, "name")})
            if redline:
                pair.segments = word_diff(left.description, right.description)
    pair.differs = bool(pair.changes)
    if not pair.differs:
        pair.changes.append(_("No change"))
    return pair


def role_pair(left: Expectation | None, right: Expectation | None, *, a: Role, b: Role) -> CellPair:
    """The cells of roles `a` and `b` at one level: how their expectations differ, in words (never a word diff)."""
    pair = CellPair(left=left, right=right)
    if left is None and right is None:
        return pair
    if left is None or right is None:
        role = a if right is None else b
        pair.changes.append(_("Expected of %(role)s only") % {"role": translations.text(role, "name")})
        pair.differs = True
        return pair
    if left.required != right.required:
        role = a if left.required else b
        pair.changes.append(_("Required for %(role)s only") % {"role": translations.text(role, "name")})
    higher, lower = (left, right) if _rank(left) > _rank(right) else (right, left)
    if _rank(higher) != _rank(lower):
        pair.changes.append(
            _("Higher proficiency for %(role)s: %(high)s rather than %(low)s")
            % {
                "role": translations.text(a if higher is left else b, "name"),
                "high": higher.get_proficiency_display(),
                "low": lower.get_proficiency_display(),
            }
        )
    pair.differs = bool(pair.changes)
    if not pair.differs:
        pair.changes.append(_("Required and proficiency are the same"))
    if left.description == right.description:
        pair.changes.append(_("The same text for both"))
    return pair


def _rank(cell: Expectation) -> int:
    return PROFICIENCY_ORDER.get(cell.proficiency, 0)


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


def compare_skill_levels(cells: list[Expectation], a: Level, b: Level, *, redline: bool = False) -> list[Row]:
    """Per role of the skill, its cell at level `a` beside its cell at level `b` (with the word redline of
    each changed text when `redline`)."""
    grid = {(cell.role_id, cell.level_id): cell for cell in cells}
    rows = []
    for role in cell_roles(cells):
        left, right = grid.get((role.pk, a.pk)), grid.get((role.pk, b.pk))
        if left or right:
            rows.append(Row(role, level_pair(left, right, to=b, redline=redline)))
    return rows


def compare_skill_roles(cells: list[Expectation], a: Role, b: Role) -> list[Row]:
    """Per level of the skill, the cell of role `a` beside the cell of role `b`."""
    grid = {(cell.role_id, cell.level_id): cell for cell in cells}
    rows = []
    for level in cell_levels(cells):
        left, right = grid.get((a.pk, level.pk)), grid.get((b.pk, level.pk))
        if left or right:
            rows.append(Row(level, role_pair(left, right, a=a, b=b)))
    return rows


# --- Two roles' matrices ---------------------------------------------------------------


@dataclass
class LevelDifference:
    """A level at which two roles expect a skill differently: one of them only, or required or proficiency."""

    level: Level
    left: Expectation | None
    right: Expectation | None

    @property
    def required_differs(self) -> bool:
        return bool(self.left and self.right and self.left.required != self.right.required)

    @property
    def proficiency_differs(self) -> bool:
        return bool(self.left and self.right and self.left.proficiency != self.right.proficiency)

    @property
    def differs(self) -> bool:
        return (self.left is None) != (self.right is None) or self.required_differs or self.proficiency_differs


@dataclass
class OneRoleSkill:
    """A skill only one of the two roles has, with that role's cells by level."""

    skill: Skill
    cells: list[Expectation]


@dataclass
class SkillDifference:
    skill: Skill
    levels: list[LevelDifference]


@dataclass
class RoleComparison:
    a: Role
    b: Role
    only_a: list[OneRoleSkill] = field(default_factory=list)
    only_b: list[OneRoleSkill] = field(default_factory=list)
    different: list[SkillDifference] = field(default_factory=list)  # both roles, expected differently
    alike: list[Skill] = field(default_factory=list)  # both roles, at the same levels, required and proficiency

    @property
    def shared_count(self) -> int:
        return len(self.different) + len(self.alike)

    @property
    def level_difference_count(self) -> int:
        return sum(len(difference.levels) for difference in self.different)


def compare_roles(*, a: Role, b: Role, cells: Iterable[Expectation]) -> RoleComparison:
    """Skills only one role has and, for the skills both have, the levels at which the two roles' expectations
    differ in presence, required or proficiency; texts are not compared (each role's is its own).

    `cells` are the two roles' cells in the matrix's order (selectors.two_roles_cells): every list keeps it.
    """
    comparison = RoleComparison(a=a, b=b)
    for skill, by_level in _side_by_side(a, b, cells).values():
        lefts = [left for _level, left, _right in by_level.values() if left]
        rights = [right for _level, _left, right in by_level.values() if right]
        if not rights:
            comparison.only_a.append(OneRoleSkill(skill, lefts))
        elif not lefts:
            comparison.only_b.append(OneRoleSkill(skill, rights))
        elif levels := [item for item in (LevelDifference(*row) for row in by_level.values()) if item.differs]:
            comparison.different.append(SkillDifference(skill, levels))
        else:
            comparison.alike.append(skill)
    return comparison


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
