"""Checks on a proposal: warnings computed from the catalog as it would be after the proposed changes.

Warnings inform the author (the suggest form's "Check" step) and the reviewers
(the proposal page and API); they never block sending or approving.

`check_changes` is a pure function: it takes the skill's cells as they are now
and the proposed changes, builds the skill's catalog as it would be after
them, and reports:

- ``empty_description`` / ``short_description``: a description with no words,
  or shorter than SHORT_DESCRIPTION_CHARS characters or SHORT_DESCRIPTION_WORDS words;
- ``identical_description`` / ``similar_description``: a description equal (ignoring
  case, whitespace and punctuation) or nearly equal (difflib ratio over the words
  ≥ SIMILARITY_THRESHOLD) to another level's of the same role, or to another
  role's at the same level;
- ``proficiency_falls``: a role's proficiency lower at a level than at the level
  below (Awareness < Working < Advanced < Expert), levels in their position order;
- ``required_dropped``: a role's cell required at one level, optional at the next.

"Next level" means the role's next cell for this skill by level position: a
level without a cell is not compared.

Scope: a warning is raised only where the proposal is involved — the catalog
after the changes has the problem, and it touches a field that the proposal
changes (or a cell it creates): a new or changed description, a changed
proficiency on either side of a fall, a changed required flag on either side
of a drop. Problems already in the catalog that the proposal leaves alone are
not reported. Each warning concerns one changed cell (the one whose change is
involved; the higher level when both sides changed) and names the other cell
in its message.
"""

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from difflib import SequenceMatcher
from enum import StrEnum
from itertools import pairwise
from typing import Protocol

from django.utils.translation import gettext as _

from skills.models import PROFICIENCY_ORDER, Level, Proficiency, Role

# A pair of descriptions whose words match at least this much (difflib's ratio, 0..1) is "nearly identical".
# Words, not characters: two unrelated English texts share most of their letters, and comparing words
# stays cheap for 5,000-character descriptions.
SIMILARITY_THRESHOLD = 0.9
# The comparison's cost grows with the square of the length: long texts are compared on their first words
# (descriptions run to about 60 words; a 5,000-character one has some 800).
SIMILARITY_MAX_WORDS = 200
# A description is "very short" under either bound.
SHORT_DESCRIPTION_CHARS = 40
SHORT_DESCRIPTION_WORDS = 6


class Code(StrEnum):
    EMPTY_DESCRIPTION = "empty_description"
    SHORT_DESCRIPTION = "short_description"
    IDENTICAL_DESCRIPTION = "identical_description"
    SIMILAR_DESCRIPTION = "similar_description"
    PROFICIENCY_FALLS = "proficiency_falls"
    REQUIRED_DROPPED = "required_dropped"


CODE_ORDER = {code: rank for rank, code in enumerate(Code)}


@dataclass(frozen=True)
class ReviewWarning:
    """One warning about one changed cell (role, level); the message is translated and names the cells."""

    code: Code
    role: Role
    level: Level
    message: str


class CellContent(Protocol):
    """A cell's content: an Expectation, a ProposalChange or a services.ChangeInput."""

    role: Role
    level: Level
    description: str
    required: bool
    proficiency: str


@dataclass
class _Cell:
    role: Role
    level: Level
    description: str
    required: bool
    proficiency: str
    words: tuple[str, ...]
    description_changed: bool = False
    required_changed: bool = False
    proficiency_changed: bool = False

    @property
    def key(self) -> tuple[int, int]:
        return (self.role.pk, self.level.pk)

    @property
    def order(self) -> tuple:
        return (self.level.position, self.role.name)


def words(text: str) -> tuple[str, ...]:
    """The text without case, punctuation (Markdown marks included) and spacing: what "identical" compares."""
    return tuple(re.sub(r"[\W_]+", " ", text.casefold()).split())


def similarity(a: tuple[str, ...], b: tuple[str, ...]) -> float:
    """difflib's ratio over two word sequences, skipping the full comparison when the cheap bounds rule it out."""
    matcher = SequenceMatcher(None, a[:SIMILARITY_MAX_WORDS], b[:SIMILARITY_MAX_WORDS])
    if matcher.real_quick_ratio() < SIMILARITY_THRESHOLD or matcher.quick_ratio() < SIMILARITY_THRESHOLD:
        return matcher.quick_ratio()
    return matcher.ratio()


def _proficiency_label(value: str) -> str:
    return str(Proficiency(value).label) if value in Proficiency.values else value


def _catalog_after(cells: Iterable[CellContent], changes: Iterable[CellContent]) -> tuple[dict, list[_Cell]]:
    catalog: dict[tuple[int, int], _Cell] = {}
    for cell in cells:
        description = cell.description.strip()
        catalog[(cell.role.pk, cell.level.pk)] = _Cell(
            cell.role, cell.level, description, cell.required, cell.proficiency, words(description)
        )
    changed = []
    for change in changes:
        key = (change.role.pk, change.level.pk)
        before = catalog.get(key)
        description = (change.description or "").strip()
        after = _Cell(change.role, change.level, description, change.required, change.proficiency, words(description))
        after.description_changed = before is None or before.description != description
        after.required_changed = before is None or before.required != change.required
        after.proficiency_changed = before is None or before.proficiency != change.proficiency
        catalog[key] = after
        changed.append(after)
    return catalog, changed


def _length_warnings(cell: _Cell) -> list[ReviewWarning]:
    names = {"role": cell.role.name, "level": cell.level.name}
    if not cell.words:
        message = _("The description for %(role)s at %(level)s is empty: it has no words.") % names
        return [ReviewWarning(Code.EMPTY_DESCRIPTION, cell.role, cell.level, message)]
    if len(cell.description) < SHORT_DESCRIPTION_CHARS or len(cell.words) < SHORT_DESCRIPTION_WORDS:
        message = (
            _(
                "The description for %(role)s at %(level)s is very short; say what the role is expected to do "
                "at this level."
            )
            % names
        )
        return [ReviewWarning(Code.SHORT_DESCRIPTION, cell.role, cell.level, message)]
    return []


def _likeness_warning(cell: _Cell, other: _Cell) -> ReviewWarning | None:
    if cell.words == other.words:
        code = Code.IDENTICAL_DESCRIPTION
    elif similarity(cell.words, other.words) >= SIMILARITY_THRESHOLD:
        code = Code.SIMILAR_DESCRIPTION
    else:
        return None
    names = {
        "role": cell.role.name,
        "level": cell.level.name,
        "other_role": other.role.name,
        "other_level": other.level.name,
    }
    same_role = cell.role.pk == other.role.pk
    if code == Code.IDENTICAL_DESCRIPTION and same_role:
        message = _("For %(role)s, the description at %(level)s is identical to the one at %(other_level)s.")
    elif code == Code.IDENTICAL_DESCRIPTION:
        message = _("At %(level)s, the description for %(role)s is identical to the one for %(other_role)s.")
    elif same_role:
        message = _("For %(role)s, the description at %(level)s is nearly identical to the one at %(other_level)s.")
    else:
        message = _("At %(level)s, the description for %(role)s is nearly identical to the one for %(other_role)s.")
    return ReviewWarning(code, cell.role, cell.level, message % names)


def _likeness_warnings(changed: list[_Cell], by_role: dict, by_level: dict) -> list[ReviewWarning]:
    found, compared = [], set()
    for cell in changed:
        if not cell.description_changed or not cell.words:
            continue
        for other in [*by_role[cell.role.pk], *by_level[cell.level.pk]]:
            pair = frozenset((cell.key, other.key))
            if other.key == cell.key or pair in compared or not other.words:
                continue
            # Each pair once: when both cells changed, the first in level order carries the warning.
            compared.add(pair)
            if (warning := _likeness_warning(cell, other)) is not None:
                found.append(warning)
    return found


def _step_warnings(by_role: dict, roles: set[int]) -> list[ReviewWarning]:
    """Proficiency falls and required drops between a role's consecutive cells, where a changed field is involved."""
    found = []
    for role_id in roles:
        column = by_role[role_id]
        for lower, higher in pairwise(column):
            names = {"role": higher.role.name, "level": lower.level.name, "next_level": higher.level.name}
            falls = PROFICIENCY_ORDER.get(higher.proficiency, 0) < PROFICIENCY_ORDER.get(lower.proficiency, 0)
            if falls and (lower.proficiency_changed or higher.proficiency_changed):
                target = higher if higher.proficiency_changed else lower
                message = _(
                    "For %(role)s, proficiency falls from %(proficiency)s at %(level)s "
                    "to %(next_proficiency)s at %(next_level)s."
                ) % {
                    **names,
                    "proficiency": _proficiency_label(lower.proficiency),
                    "next_proficiency": _proficiency_label(higher.proficiency),
                }
                found.append(ReviewWarning(Code.PROFICIENCY_FALLS, target.role, target.level, message))
            dropped = lower.required and not higher.required
            if dropped and (lower.required_changed or higher.required_changed):
                target = higher if higher.required_changed else lower
                message = _("For %(role)s, this skill is required at %(level)s but optional at %(next_level)s.") % names
                found.append(ReviewWarning(Code.REQUIRED_DROPPED, target.role, target.level, message))
    return found


def check_changes(*, cells: Iterable[CellContent], changes: Iterable[CellContent]) -> list[ReviewWarning]:
    """The warnings that the changes raise on the skill whose current cells are given (roles and levels loaded).

    Pure: no database access. Ordered by level position, role name, then rule.
    """
    catalog, changed = _catalog_after(cells, changes)
    if not changed:
        return []
    by_role: dict[int, list[_Cell]] = defaultdict(list)
    by_level: dict[int, list[_Cell]] = defaultdict(list)
    for cell in sorted(catalog.values(), key=lambda c: c.order):
        by_role[cell.role.pk].append(cell)
        by_level[cell.level.pk].append(cell)
    changed.sort(key=lambda c: c.order)

    found = [warning for cell in changed if cell.description_changed for warning in _length_warnings(cell)]
    found += _likeness_warnings(changed, by_role, by_level)
    found += _step_warnings(by_role, {cell.role.pk for cell in changed})
    return sorted(found, key=lambda w: (w.level.position, w.role.name, CODE_ORDER[w.code]))
