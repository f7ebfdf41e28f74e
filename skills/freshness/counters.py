"""The revision counters: one per group of tables, moved forward by the database on every write.

The database moves a counter forward on every statement that writes a group of
tables ("catalog" for the catalog, "community" for proposals, comments and
watches, "teams" for teams, assessments and growth plans; triggers in skills 0004
and 0006, proposals 0003 and teams 0002). Pages key what
they cache, and their ETags, on these values.
"""

from dataclasses import dataclass
from datetime import datetime

CATALOG = "catalog"
COMMUNITY = "community"
TEAMS = "teams"  # teams, memberships, assessments, growth plans (teams 0002)
MEMBERS = "members"  # members' names, passwords, flags, groups and permissions (accounts 0002)
SESSIONS = "sessions"  # sessions changed or ended (accounts 0002)


@dataclass(frozen=True)
class Revisions:
    values: dict[str, str]
    changed_at: datetime | None

    def key(self, names: tuple[str, ...]) -> str:
        """The counters `names` as one string.

        A counter that was never set reads 0: its tables have not been written since they
        were created (a rolled-back write leaves no row either, and no change).
        """
        return "/".join(self.values.get(name, "0") for name in names)


_READ_REVISIONS = "SELECT name, sum(weight), max(stamp), max(changed_at) FROM skills_revision GROUP BY name"


def counter_value(total, stamp) -> str:
    """A counter as page keys carry it, from the database's read or the listener's sums alike."""
    # The sum moves with every committed write; the greatest stamp never comes back after a TRUNCATE.
    return f"{total}.{stamp}"


def read(cursor) -> Revisions:
    """The counters as the database has them now: one query on a table of a few rows."""
    cursor.execute(_READ_REVISIONS)
    rows = cursor.fetchall()
    return Revisions(
        values={name: counter_value(total, stamp) for name, total, stamp, _changed in rows},
        changed_at=max((changed for *_counter, changed in rows), default=None),
    )
