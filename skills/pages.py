"""What the catalog's pages show, made from rows that skills/selectors.py read.

Presenters only: no query of their own (the rows come in with what they need),
no request but the page number asked for. The live pages and their past
versions (?as_of=) share them, so the two draw alike.
"""

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from django.core.paginator import Page, Paginator
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from skills import as_of, selectors, translations
from skills.audit import FIRST_IMPORT
from skills.diff import Segment, has_changes, step_changes, word_diff
from skills.models import (
    PROFICIENCY_ORDER,
    Domain,
    Expectation,
    ExpectationEvent,
    Level,
    Proficiency,
    Role,
    RoleLevel,
    Skill,
    SkillEvent,
    SkillGroup,
)

# --------------------------------------------------------------- skill page


@dataclass(frozen=True)
class SkillPageMain:
    """The skill page but its Community block, rendered (`main`): the same for every visitor, kept as a fragment.

    It names the skill for the page around it (title, description) and for the Community block.
    """

    pk: int
    slug: str
    name: str
    summary: str
    main: str  # HTML
    translations: dict = field(default_factory=dict)  # the skill's (skills/translations.py)

    def get_absolute_url(self) -> str:
        return reverse("skills:skill", args=[self.slug])


def every_skill_path() -> list[str]:
    """The page of every skill in the catalog: what is rendered ahead after a change."""
    return [reverse("skills:skill", args=[slug]) for slug in selectors.skill_slugs()]


def skill_page_main(skill: Skill, cells: list[Expectation], chosen: str) -> SkillPageMain:
    main = render_to_string("skills/partials/skill_main.html", skill_context(skill, cells, chosen))
    return SkillPageMain(
        pk=skill.pk, slug=skill.slug, name=skill.name, summary=skill.summary, main=main, translations=skill.translations
    )


@dataclass
class RoleStep:
    """One role at the chosen level beside the same role at the next level."""

    role: Role
    current: Expectation | None
    next: Expectation | None
    segments: list[Segment] = field(default_factory=list)
    changes: list[str] = field(default_factory=list)

    @property
    def next_required(self) -> bool:
        return bool(self.next and self.next.required)

    @property
    def text_changed(self) -> bool:
        return has_changes(self.segments)


@dataclass
class LevelComparison:
    level: Level
    next_level: Level | None
    steps: list[RoleStep]


def skill_context(skill: Skill, cells: list[Expectation], chosen: str) -> dict:
    """What the skill page shows of `skill` and its `cells`, with the levels compared when `chosen` is set."""
    levels = _distinct_levels(cells)
    tables = [(level, [cell for cell in cells if cell.level_id == level.pk]) for level in levels]
    comparison = None
    unknown_level = ""
    if chosen:
        level = next((level for level in levels if level.slug == chosen), None)
        if level is None:
            unknown_level = chosen
        else:
            comparison = compare_levels(cells, levels, level)
    return {
        "skill": skill,
        "optional_count": skill.cell_count - skill.required_count,
        "levels": levels,
        "tables": tables,
        "comparison": comparison,
        "chosen_level": comparison.level if comparison else None,
        "unknown_level": unknown_level,
    }


def _distinct_levels(cells: list[Expectation]) -> list[Level]:
    by_id = {cell.level_id: cell.level for cell in cells}
    return sorted(by_id.values(), key=lambda level: level.position)


def compare_levels(cells: list[Expectation], levels: list[Level], level: Level) -> LevelComparison:
    """Per role, the cell at `level` and at the level after it, required items first."""
    index = levels.index(level)
    next_level = levels[index + 1] if index + 1 < len(levels) else None
    by_role: dict[int, dict[int, Expectation]] = defaultdict(dict)
    roles: dict[int, Role] = {}
    for cell in cells:
        by_role[cell.role_id][cell.level_id] = cell
        roles[cell.role_id] = cell.role

    steps = []
    for role_id, role_cells in by_role.items():
        current = role_cells.get(level.pk)
        upcoming = role_cells.get(next_level.pk) if next_level else None
        if current is None and upcoming is None:
            continue
        steps.append(_role_step(roles[role_id], current, upcoming, next_level))
    steps.sort(
        key=lambda step: (
            not step.next_required,
            not (step.current and step.current.required),
            step.role.name,
        )
    )
    return LevelComparison(level=level, next_level=next_level, steps=steps)


def _role_step(role: Role, current: Expectation | None, upcoming: Expectation | None, next_level) -> RoleStep:
    step = RoleStep(role=role, current=current, next=upcoming)
    if next_level is None:
        return step
    if current is None:
        step.changes.append(_("New for this role at %(level)s") % {"level": translations.text(next_level, "name")})
        return step
    if upcoming is None:
        step.changes.append(_("Not described at %(level)s") % {"level": translations.text(next_level, "name")})
        return step
    step.segments, changes = step_changes(current, upcoming)
    step.changes.extend(changes)
    return step


# ---------------------------------------------------------------- role page

# One short, unambiguous code per proficiency for the matrix cells; the legend
# on the page spells them out.
PROFICIENCY_CODES = {
    Proficiency.AWARENESS: pgettext_lazy("proficiency code", "A"),
    Proficiency.WORKING: pgettext_lazy("proficiency code", "W"),
    Proficiency.ADVANCED: pgettext_lazy("proficiency code", "Ad"),
    Proficiency.EXPERT: pgettext_lazy("proficiency code", "E"),
}
LEGEND = [(value, PROFICIENCY_CODES[value], label) for value, label in Proficiency.choices]
# Skills (matrix rows) per page of the role page: a phone-sized page even for a role of thousands.
ROLE_MATRIX_PAGE_SIZE = 100


def add_proficiency_codes(profile: selectors.RoleProfile) -> selectors.RoleProfile:
    """Each cell of the matrix with its `proficiency_code`."""
    for cell in profile.cells:
        cell.proficiency_code = PROFICIENCY_CODES.get(cell.proficiency, "?")
    return profile


@dataclass(frozen=True)
class RolePageMain:
    """One page of the role page's content, rendered (`main`): the same for every visitor, kept as a fragment.

    It names the role for the page around it, and says which page of the matrix it shows and of how many.
    """

    slug: str
    name: str
    tagline: str
    main: str  # HTML
    number: int
    pages: int
    translations: dict = field(default_factory=dict)  # the role's (skills/translations.py)


def role_page_main(profile: selectors.RoleProfile, number: int) -> RolePageMain:
    """Page `number` of the role page's content (the nearest page that exists)."""
    role = profile.role
    matrix = matrix_page(profile, number)
    context = {"role": role, "profile": profile, "legend": LEGEND, "matrix": matrix}
    return RolePageMain(
        slug=role.slug,
        name=role.name,
        tagline=role.tagline,
        main=render_to_string("skills/partials/role_main.html", context),
        number=matrix.page.number,
        pages=matrix.page.paginator.num_pages,
        translations=role.translations,
    )


def requested_page(request) -> int:
    """`?page=` as a number from 1: anything that is not a number is page 1, and 0 or less is page 1 too."""
    try:
        return max(1, int(request.GET.get("page", "1")))
    except ValueError:
        return 1


@dataclass
class MatrixPart:
    """The rows of one domain that fall on this page."""

    domain: Domain
    rows: list[selectors.MatrixRow]
    total: int  # the domain's skills in the whole role
    continued: bool  # the domain began on an earlier page

    @property
    def partial(self) -> bool:
        return len(self.rows) < self.total


@dataclass
class MatrixIndexEntry:
    domain: Domain
    total: int
    page: int  # the page where the domain begins


@dataclass
class MatrixPage:
    page: Page  # of (domain, row) pairs, in the matrix's order
    parts: list[MatrixPart]
    index: list[MatrixIndexEntry]  # empty when the matrix fits on one page
    page_range: list  # page numbers to link to, with Paginator.ELLIPSIS in the gaps


def matrix_page(profile: selectors.RoleProfile, number: int) -> MatrixPage:
    """Page `number` of the profile's matrix (the nearest page that exists), regrouped by domain.

    Only this page's rows reach the template: rendering is the cost of the page.
    """
    rows = [(group, row) for group in profile.domains for row in group.rows]
    paginator = Paginator(rows, ROLE_MATRIX_PAGE_SIZE)
    page = paginator.get_page(number)
    parts: list[MatrixPart] = []
    for group, row in page.object_list:
        if not parts or parts[-1].domain.pk != group.domain.pk:
            continued = group.rows[0] is not row
            parts.append(MatrixPart(domain=group.domain, rows=[], total=len(group.rows), continued=continued))
        parts[-1].rows.append(row)
    page_range = list(paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))
    index = _matrix_index(profile) if paginator.num_pages > 1 else []
    return MatrixPage(page=page, parts=parts, index=index, page_range=page_range)


def _matrix_index(profile: selectors.RoleProfile) -> list[MatrixIndexEntry]:
    index = []
    start = 0
    for group in profile.domains:
        page_of_start = start // ROLE_MATRIX_PAGE_SIZE + 1
        index.append(MatrixIndexEntry(domain=group.domain, total=len(group.rows), page=page_of_start))
        start += len(group.rows)
    return index


# ------------------------------------------------------- role at a level


@dataclass(frozen=True)
class RoleLevelPageMain:
    """The role-at-a-level page's content, rendered (`main`): the same for every visitor, kept as a fragment.

    It names the role and the level for the page around it (title, description).
    """

    role_slug: str
    role_name: str  # in the language it was rendered in
    level_slug: str
    level_name: str
    main: str  # HTML


@dataclass
class ReadingGroup:
    """The cells of one skill group, within a domain."""

    group: SkillGroup
    cells: list[Expectation] = field(default_factory=list)


@dataclass
class ReadingDomain:
    domain: Domain
    groups: list[ReadingGroup] = field(default_factory=list)


@dataclass
class NextStep:
    """One skill on the way to the next level: its cell here, there, and what changes between the two."""

    skill: Skill
    current: Expectation | None
    next: Expectation | None
    changes: list[str] = field(default_factory=list)
    segments: list[Segment] = field(default_factory=list)  # the word redline, made only when asked for


@dataclass
class NextLevel:
    """What the next level adds or changes, skill by skill; required at the next level first."""

    level: Level
    added: list[NextStep]  # skills new at the next level
    changed: list[NextStep]  # skills at both levels, with something changed
    dropped: list[NextStep]  # skills not listed at the next level
    unchanged: list[NextStep]  # skills the same at both levels


def by_domain_and_group(cells: list[Expectation]) -> list[ReadingDomain]:
    """Cells in the matrix's order, grouped by domain and, within each, by skill group."""
    domains: list[ReadingDomain] = []
    for cell in cells:
        domain, group = cell.skill.group.domain, cell.skill.group
        if not domains or domains[-1].domain.pk != domain.pk:
            domains.append(ReadingDomain(domain))
        groups = domains[-1].groups
        if not groups or groups[-1].group.pk != group.pk:
            groups.append(ReadingGroup(group))
        groups[-1].cells.append(cell)
    return domains


def next_level(reading: selectors.RoleAtLevel, *, redline: bool = False) -> NextLevel | None:
    """What `reading.next_level` adds or changes to `reading.level`, for each skill (with the word redline of each
    changed text when `redline`); None at the top level."""
    if reading.next_level is None:
        return None
    level = reading.next_level
    here = {cell.skill_id: cell for cell in reading.cells}
    there = {cell.skill_id: cell for cell in reading.next_cells}
    added, changed, unchanged = [], [], []
    for cell in reading.next_cells:
        current = here.get(cell.skill_id)
        if current is None:
            added.append(
                NextStep(
                    cell.skill,
                    None,
                    cell,
                    changes=[_("New at %(level)s") % {"level": translations.text(level, "name")}],
                )
            )
            continue
        step = NextStep(cell.skill, current, cell, changes=level_changes(current, cell))
        if current.description != cell.description:
            step.segments = word_diff(current.description, cell.description) if redline else []
            step.changes.append(_("New text at %(level)s") % {"level": translations.text(level, "name")})
        (changed if step.changes else unchanged).append(step)
    dropped = [
        NextStep(
            cell.skill, cell, None, changes=[_("Not listed at %(level)s") % {"level": translations.text(level, "name")}]
        )
        for cell in reading.cells
        if cell.skill_id not in there
    ]
    # Required at the next level first; otherwise the matrix's order (the sort is stable).
    added.sort(key=lambda step: not step.next.required)
    changed.sort(key=lambda step: not step.next.required)
    return NextLevel(level=level, added=added, changed=changed, dropped=dropped, unchanged=unchanged)


def level_changes(current: Expectation, upcoming: Expectation) -> list[str]:
    """The required flag and the proficiency from one level's cell to the next's, in words."""
    changes = []
    if upcoming.required and not current.required:
        changes.append(_("Becomes required"))
    elif current.required and not upcoming.required:
        changes.append(_("Becomes optional"))
    old, new = PROFICIENCY_ORDER.get(current.proficiency, 0), PROFICIENCY_ORDER.get(upcoming.proficiency, 0)
    names = {"old": _proficiency(current.proficiency), "new": _proficiency(upcoming.proficiency)}
    if new > old:
        changes.append(_("Proficiency rises from %(old)s to %(new)s") % names)
    elif new < old:
        changes.append(_("Proficiency falls from %(old)s to %(new)s") % names)
    return changes


def role_level_page_main(reading: selectors.RoleAtLevel, *, redline: bool = False) -> RoleLevelPageMain:
    """The role at one level, for reading: every cell in full, required first, and what the next level adds (with
    the word redline of each changed text when `redline`)."""
    required = [cell for cell in reading.cells if cell.required]
    optional = [cell for cell in reading.cells if not cell.required]
    context = {
        "role": reading.role,
        "reading": reading,
        "required": by_domain_and_group(required),
        "optional": by_domain_and_group(optional),
        "required_count": len(required),
        "optional_count": len(optional),
        "next": next_level(reading, redline=redline),
        "redline": redline,
    }
    return RoleLevelPageMain(
        role_slug=reading.role.slug,
        role_name=translations.text(reading.role, "name"),
        level_slug=reading.level.slug,
        level_name=translations.text(reading.level, "name"),
        main=render_to_string("skills/partials/role_level_main.html", context),
    )


# ---------------------------------------------------------------- front door

# The role and level a visitor last chose on the home page ("<role slug>/<level slug>"), offered again on the next
# visit. Members have theirs in their growth plan.
READING_COOKIE = "sm_reading"
READING_COOKIE_AGE = 365 * 24 * 60 * 60


@dataclass(frozen=True)
class Reading:
    """A role at one of its levels, as the home page offers it again."""

    role_slug: str
    role_name: str
    level_slug: str
    level_name: str

    def get_absolute_url(self) -> str:
        return reverse("skills:role-level", args=[self.role_slug, self.level_slug])


def remembered_reading(value: str, roles) -> Reading | None:
    """The role and level of the cookie's `value`, among `roles` (selectors.home_roles); None if gone or garbled."""
    role_slug, _slash, level_slug = value.partition("/")
    for role in roles:
        if role.slug == role_slug:
            for level in role.level_links:
                if level["slug"] == level_slug:
                    return Reading(
                        role.slug, translations.text(role, "name"), level["slug"], translations.text(level, "name")
                    )
    return None


def home_levels(roles) -> list[dict]:
    """Every level some role of `roles` (selectors.home_roles) has, in order: the front door's level buttons."""
    levels = {level["slug"]: level for role in roles for level in role.level_links}
    return sorted(levels.values(), key=lambda level: level["position"])


def nearest_level(role_levels: list[RoleLevel], position: int) -> RoleLevel:
    """The role's level at `position`, else its first above it, else its top level (a Technical Lead starts at
    Senior: "Junior" takes one there)."""
    ordered = sorted(role_levels, key=lambda rl: rl.level.position)
    return next((rl for rl in ordered if rl.level.position >= position), ordered[-1])


# ---------------------------------------------------------------- past days


@dataclass(frozen=True)
class AsOfRefusal:
    """Why a past page cannot be shown (skills/as_of_error.html): a day we do not answer for, or nothing then."""

    status: int
    title: str
    message: str
    today_url: str | None

    @classmethod
    def of(cls, error: as_of.InvalidDate | as_of.Missing, *, name: str, slug: str) -> "AsOfRefusal":
        """The refusal of `error`, for the page of URL `name` asked for at `slug`."""
        if isinstance(error, as_of.InvalidDate):
            url = reverse(name, args=[slug])
            return cls(status=400, title=_("This date cannot be shown"), message=error.message, today_url=url)
        url = _today_url(name, error.current_slug)
        return cls(status=404, title=_("Not in the catalog on that day"), message=error.message, today_url=url)

    def context(self) -> dict:
        return {"status": self.status, "title": self.title, "message": self.message, "today_url": self.today_url}


def as_of_context(day: date, *, name: str, current_slug: str | None) -> dict:
    """The day, today's page (None: removed since), and what the live templates append to their own links so
    that they stay on that day."""
    return {
        "today_url": _today_url(name, current_slug),
        "as_of": day,
        "as_of_query": f"?as_of={day.isoformat()}",
        "as_of_param": f"&as_of={day.isoformat()}",
    }


def _today_url(name: str, slug: str | None) -> str | None:
    return reverse(name, args=[slug]) if slug else None


# ------------------------------------------------------------------ history

SOURCE_LABELS = {
    "admin": gettext_lazy("Admin"),
    "api": gettext_lazy("API"),
    "web": gettext_lazy("Website"),
    "import": gettext_lazy("Import"),
    "shell": gettext_lazy("Shell"),
    "proposal": gettext_lazy("Approved proposal"),
    "undo": gettext_lazy("Undone approval"),
}
EVENT_LABELS = {
    "insert": gettext_lazy("Added"),
    "update": gettext_lazy("Changed"),
    "delete": gettext_lazy("Removed"),
}
SKILL_FIELDS = {
    "name": gettext_lazy("Name"),
    "slug": gettext_lazy("Address (slug)"),
    "summary": gettext_lazy("Summary"),
    "group_id": gettext_lazy("Group"),
    "updated": gettext_lazy("Last updated"),
    "translations": gettext_lazy("Translations"),
}
WORDY_FIELDS = {"name", "summary", "description"}
CELL = ExpectationEvent._meta.label
SKILL = SkillEvent._meta.label


@dataclass
class FieldChange:
    label: str
    old: Any
    new: Any
    segments: list[Segment] | None = None


@dataclass
class HistoryEntry:
    action: str
    action_label: str
    created_at: datetime
    source: str
    source_label: str
    username: str
    proposal: Any
    title: str = ""
    url: str = ""
    version: int | None = None
    text: str = ""
    changes: list[FieldChange] = field(default_factory=list)
    minor: bool = False
    merge: dict | None = None  # {"from_name", "into_name", ...} when the change was part of a merge of skills
    author: str = ""  # who suggested the change (an approved proposal), beside `username` who approved it
    first_import: bool = False  # written by the catalog's first import: "Imported with the starter catalog"
    imported_cells: int | None = None  # the expectations that came with the skill in its import
    catalog_date: date | None = None  # the "Last updated" the import gave the skill
    as_of_url: str = ""  # the skill page as it stood at the end of the entry's day


@dataclass(frozen=True)
class AuditChange:
    """One audit event of a cell or a skill, as both history pages read it: the row before and after it."""

    model: str  # CELL or SKILL
    label: str  # insert, update, delete
    created_at: datetime
    metadata: dict | None  # the pghistory context: source, username, proposal, author, merge, first_import
    old: dict  # the row before the event: empty for the first one
    new: dict  # the row as the event left it
    imported_cells: int | None = None  # a skill's insert by an import: the cells that came with it
    skill_updated: date | None = None  # a cell's insert by the import that brought its skill: the skill's date

    @property
    def changed(self) -> list[str]:
        return [key for key, value in self.new.items() if key in self.old and self.old[key] != value]


def cell_changes(events) -> list[AuditChange]:
    """ExpectationEvent rows (oldest first, with pgh_context), each beside the one before it."""
    changes = []
    previous: dict = {}
    for event in events:
        data = {
            "description": event.description,
            "required": event.required,
            "proficiency": event.proficiency,
            "skill_id": event.skill_id,
            "version": event.version,
        }
        metadata = event.pgh_context.metadata if event.pgh_context_id else None
        change = AuditChange(CELL, event.pgh_label, event.pgh_created_at, metadata, old=previous, new=data)
        changes.append(replace(change, skill_updated=getattr(event, "skill_updated", None)))
        previous = data
    return changes


def aggregate_change(row) -> AuditChange:
    """A row of pghistory's aggregate Events (selectors.skill_events): its data, and its diff from the row before."""
    data = row.pgh_data or {}
    diff = row.pgh_diff or {}
    old = {**data, **{key: values[0] for key, values in diff.items()}}
    new = {**data, **{key: values[1] for key, values in diff.items()}}
    imported = getattr(row, "imported_cells", None)
    return AuditChange(
        row.pgh_model, row.pgh_label, row.pgh_created_at, row.pgh_context, old=old, new=new, imported_cells=imported
    )


def history_entry(
    change: AuditChange, *, skill: Skill | None = None, names: selectors.HistoryNames | None = None
) -> HistoryEntry:
    """What a history page shows of one event, with a link to the skill page as it stood that day (given the
    `skill`). With `names` too (the skill history), each entry also says which cell (role and level, with a link)
    or that it is the skill itself."""
    entry = HistoryEntry(
        action=change.label,
        action_label=EVENT_LABELS.get(change.label, change.label),
        created_at=change.created_at,
        **_context_fields(change.metadata),
    )
    if skill is not None:
        entry.as_of_url = _as_of_url(skill, change.created_at)
    _imported(entry, change)
    if change.model == SKILL:
        _skill_entry(entry, change, names)
        return entry
    if skill is not None and names is not None:
        entry.title, entry.url = _cell_title(change, skill, names)
    entry.version = change.new.get("version")
    if change.label == "update":
        entry.changes = _cell_changes(change.old, change.new)
        if not entry.changes and change.old.get("skill_id") not in (None, change.new.get("skill_id")):
            # A cell moved from a merged skill: same content, another skill.
            entry.action_label = _("Moved here by a merge")
            entry.text = change.new.get("description") or ""
    else:
        entry.text = change.new.get("description") or ""
    return entry


def _context_fields(metadata: dict | None) -> dict:
    metadata = metadata or {}
    source = str(metadata.get("source") or "")
    return {
        "source": source,
        "source_label": SOURCE_LABELS.get(source, source or _("Database")),
        "username": str(metadata.get("username") or ""),
        "proposal": metadata.get("proposal"),
        "author": str(metadata.get("author") or "") if source == "proposal" else "",
        "merge": metadata.get("merge") if isinstance(metadata.get("merge"), dict) else None,
        "first_import": source == "import" and metadata.get(FIRST_IMPORT) is True,
    }


def as_of_range(skill: Skill) -> dict:
    """The days the history page's date picker offers: from the skill's first day in the catalog to today."""
    return {"first_day": _local_day(skill.created), "today": as_of.today()}


def _local_day(moment: datetime) -> date:
    return timezone.localtime(moment, timezone.get_default_timezone()).date()


def _as_of_url(skill: Skill, moment: datetime) -> str:
    """The skill page at the end of the day of `moment`, in the site's time zone (as ?as_of= reads a day)."""
    return f"{reverse('skills:skill', args=[skill.slug])}?as_of={_local_day(moment).isoformat()}"


def _imported(entry: HistoryEntry, change: AuditChange) -> None:
    """An import that brought a skill: its insert stands for the skill's cells that came with it (the skill history
    leaves their inserts out), and it says which "Last updated" the file gave the skill."""
    if entry.source != "import" or change.label != "insert":
        return
    if change.model == SKILL:
        entry.imported_cells = change.imported_cells
        entry.catalog_date = _as_date(change.new.get("updated"))
    else:
        entry.catalog_date = change.skill_updated
    if entry.first_import and (change.model == SKILL or change.skill_updated is not None):
        entry.action_label = _("Imported with the starter catalog")


def _cell_title(change: AuditChange, skill: Skill, names: selectors.HistoryNames) -> tuple[str, str]:
    role_id, level_id = change.new.get("role_id"), change.new.get("level_id")
    role, level = names.roles.get(role_id), names.levels.get(level_id)
    role_name = role.name if role else _("Role #%(id)s") % {"id": role_id}
    level_name = level.name if level else _("Level #%(id)s") % {"id": level_id}
    title = _("%(role)s · %(level)s") % {"role": role_name, "level": level_name}
    url = reverse("skills:cell", args=[skill.slug, role.slug, level.slug]) if role and level else ""
    return title, "" if change.label == "delete" else url


def _cell_changes(old: dict, new: dict) -> list[FieldChange]:
    changes = []
    if old.get("description") != new.get("description"):
        changes.append(
            FieldChange(
                label=_("Description"),
                old=old.get("description"),
                new=new.get("description"),
                segments=word_diff(old.get("description") or "", new.get("description") or ""),
            )
        )
    if old.get("required") != new.get("required"):
        changes.append(FieldChange(_("Required"), _yes_no(old.get("required")), _yes_no(new.get("required"))))
    if old.get("proficiency") != new.get("proficiency"):
        changes.append(
            FieldChange(_("Proficiency"), _proficiency(old.get("proficiency")), _proficiency(new.get("proficiency")))
        )
    return changes


def _yes_no(value) -> str:
    return _("Required") if value else _("Optional")


def _proficiency(value) -> str:
    return Proficiency(value).label if value in Proficiency.values else str(value or "—")


def _skill_entry(entry: HistoryEntry, change: AuditChange, names: selectors.HistoryNames | None) -> None:
    groups = names.groups if names else {}
    if change.label != "update":
        entry.text = change.new.get("summary") or ""
        entry.title = change.new.get("name") or _("Skill")
        return
    entry.title = _("Skill")
    changed = change.changed
    for key in changed:
        if key not in SKILL_FIELDS:
            continue
        old, new = change.old[key], change.new[key]
        field_change = FieldChange(label=str(SKILL_FIELDS[key]), old=old, new=new)
        if key in WORDY_FIELDS:
            field_change.segments = word_diff(old or "", new or "")
        elif key == "group_id":
            field_change.old, field_change.new = groups.get(old, old), groups.get(new, new)
        elif key == "updated":
            field_change.old, field_change.new = _as_date(old), _as_date(new)
        elif key == "translations":
            # Which languages it has; the history is about the English text.
            field_change.old, field_change.new = _languages(old), _languages(new)
        entry.changes.append(field_change)
    # The "Last updated" date follows every cell change: show such rows quietly.
    entry.minor = set(changed) <= {"updated"}


def _languages(value) -> str:
    return ", ".join(sorted(value)) if isinstance(value, dict) and value else "—"


def _as_date(value):
    try:
        return date.fromisoformat(value) if isinstance(value, str) else value
    except ValueError:
        return value


def cell_history(events, skill: Skill) -> list[HistoryEntry]:
    """A cell's audit events (selectors.cell_events), newest first, each with its change from the one before."""
    return [history_entry(change, skill=skill) for change in reversed(cell_changes(events))]


def skill_history(skill: Skill, rows: list, names: selectors.HistoryNames) -> list[HistoryEntry]:
    """A page of the skill's history (rows of selectors.skill_events, newest first)."""
    return [history_entry(aggregate_change(row), skill=skill, names=names) for row in rows]
