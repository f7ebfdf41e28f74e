"""The revision counters: one per group of tables, moved forward by the database on every write.

The database moves a counter forward on every statement that writes a group of
tables ("catalog" for the catalog, "community" for proposals, comments and
watches, "teams" for teams, assessments and growth plans; triggers in skills 0004
and 0006, proposals 0003 and teams 0002). Pages key what
they cache, and their ETags, on these values.

A skill page has counters of its own besides (skills 0014): "skill:<slug>", "talk:<slug>" and
"watch:<slug>", moved only by writes to that skill's rows, so that one skill's comment leaves the other
pages as they were kept. These scoped counters are as many as the skills; the listener holds them all, a
read of the database those a page asks for.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

CATALOG = "catalog"
COMMUNITY = "community"
TEAMS = "teams"  # teams, memberships, assessments, growth plans (teams 0002)
MEMBERS = "members"  # members' names, passwords, flags, groups and permissions (accounts 0002)
SESSIONS = "sessions"  # sessions changed or ended (accounts 0002)
# skills 0014: what every skill page shows besides its own skill (domains, groups, roles, levels, people's
# names), and each skill page's own counters, "skill:<slug>" (the skill and its expectations),
# "talk:<slug>" (its proposals and comments) and "watch:<slug>" (its watches).
NAMES = "names"
SKILL = "skill"
TALK = "talk"
WATCH = "watch"  # a skill's watches: its page's watch box, a hole filled in for each request (pages.Hole)


def skill_page(slug: str) -> tuple[str, str]:
    """The counters of one skill's own rows: the skill and its expectations, then its proposals and comments."""
    return (f"{SKILL}:{slug}", f"{TALK}:{slug}")


def skill_watch(slug: str) -> tuple[str]:
    """The counter of one skill's watches (the watch box of its page)."""
    return (f"{WATCH}:{slug}",)


def is_scoped(name: str) -> bool:
    """A counter of one page's rows ("skill:<slug>"): read from the database only when a page asks for it."""
    return ":" in name


@dataclass(frozen=True)
class Revisions:
    values: dict[str, str]
    changed_at: datetime | None
    # Reads the scoped counters a page asks for that `values` lacks (a read of the database holds the
    # counters of groups of tables only); None when `values` holds every counter (the listener's copy).
    fetch: Callable[[list[str]], dict[str, str]] | None = field(default=None, compare=False)

    def key(self, names: tuple[str, ...]) -> str:
        """The counters `names` as one string.

        A counter that was never set reads 0: its tables have not been written since they
        were created (a rolled-back write leaves no row either, and no change).
        """
        if self.fetch is not None:
            missing = [name for name in names if name not in self.values and is_scoped(name)]
            if missing:
                fetched = self.fetch(missing)
                self.values.update({name: fetched.get(name, "0") for name in missing})
        return "/".join(self.values.get(name, "0") for name in names)


def counter_value(total, stamp) -> str:
    """A counter as page keys carry it, from the database's read or the listener's sums alike."""
    # The sum moves with every committed write; the greatest stamp never comes back after a TRUNCATE.
    return f"{total}.{stamp}"


# The counters of groups of tables and the scoped counters asked for, and the time of the last change to any
# counter (the last row).
_READ_REVISIONS = (
    "SELECT name, sum(weight), max(stamp), NULL FROM skills_revision WHERE strpos(name, ':') = 0 OR name = ANY(%s) "
    "GROUP BY name UNION ALL SELECT NULL, NULL, NULL, max(changed_at) FROM skills_revision"
)
_READ_SCOPED = "SELECT name, sum(weight), max(stamp) FROM skills_revision WHERE name = ANY(%s) GROUP BY name"


def read(cursor, fetch: Callable[[list[str]], dict[str, str]] | None = None, scoped: tuple[str, ...] = ()) -> Revisions:
    """The counters of groups of tables, and the `scoped` ones, as the database has them now: one query on a small
    table. Other scoped counters a page asks for later are read then, through `fetch` (read_scoped on a cursor
    of the same database)."""
    scoped = [name for name in scoped if is_scoped(name)]
    cursor.execute(_READ_REVISIONS, [scoped])
    rows = cursor.fetchall()
    values = dict.fromkeys(scoped, "0")  # never moved
    values.update({name: counter_value(total, stamp) for name, total, stamp, _changed in rows if name is not None})
    changed_at = next(changed for name, _total, _stamp, changed in rows if name is None)
    return Revisions(values=values, changed_at=changed_at, fetch=fetch)


def read_scoped(cursor, names: list[str]) -> dict[str, str]:
    """The scoped counters `names` that have ever moved, as the database has them now."""
    cursor.execute(_READ_SCOPED, [names])
    return {name: counter_value(total, stamp) for name, total, stamp in cursor.fetchall()}
