"""CSV exports of a skill's cells and of a role's matrix.

Columns are fixed and named in English (they are data, not interface), values
are the catalog's own (proficiency as its code, required as true/false), and
the text is UTF-8. Spreadsheets run a cell that starts with = + - @ (or a tab
or carriage return) as a formula; such text is written with a leading
apostrophe, as OWASP advises ("CSV injection"), so that opening the file never
runs anything. The apostrophe is the only change to the text.
"""

import csv
from collections.abc import Iterable, Iterator

from skills.models import Expectation, Skill

SKILL_COLUMNS = (
    "skill",
    "domain",
    "group",
    "role",
    "level",
    "level_position",
    "required",
    "proficiency",
    "version",
    "description",
)
ROLE_COLUMNS = ("domain", "group", "skill", "level", "required", "proficiency", "version", "description")

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralize(value: object) -> object:
    """Text that a spreadsheet would take for a formula, made inert with a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def skill_rows(skill: Skill, cells: Iterable[Expectation]) -> Iterator[tuple]:
    for cell in cells:
        yield (
            skill.name,
            skill.group.domain.name,
            skill.group.name,
            cell.role.name,
            cell.level.name,
            cell.level.position,
            _boolean(cell.required),
            cell.proficiency,
            cell.version,
            cell.description,
        )


def role_rows(cells: Iterable[Expectation]) -> Iterator[tuple]:
    for cell in cells:
        group = cell.skill.group
        yield (
            group.domain.name,
            group.name,
            cell.skill.name,
            cell.level.name,
            _boolean(cell.required),
            cell.proficiency,
            cell.version,
            cell.description,
        )


def write_csv(out, columns: tuple[str, ...], rows: Iterable[tuple]) -> None:
    """The header and the rows, quoted as needed (commas, quotes and newlines stay inside their cell)."""
    writer = csv.writer(out)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([neutralize(value) for value in row])


def _boolean(value: bool) -> str:
    return "true" if value else "false"
