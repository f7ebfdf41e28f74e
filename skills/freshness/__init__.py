"""Fast pages that are never stale: revision counters, cached fragments and conditional GET.

The database moves a counter forward on every statement that writes a group of
tables (counters). A page reads the counters once (current): from this process's
copy, kept by LISTEN/NOTIFY (revision_listener), or in one query; and it

- keys the fragments it caches on them (fragments), and for anonymous visitors
  (and, on pages that ask, for each member) whole pages (pages), so the first
  request after any change renders afresh; the anonymous pages a view lists are
  also kept as files every process reads, and rendered ahead after a change
  (shared_pages);
- answers a revalidation with 304 Not Modified when nothing it shows has moved
  (conditional).

A view asks for all of it with one decorator, `@freshness.cached_page(CATALOG, ...)`
(decorators); a browser that has just written reads the counters from the
database (middleware). Each process keeps the sessions and members it has read
under the counters too (members), so a member's cached page costs no query either.
"""

from skills.freshness.counters import CATALOG, COMMUNITY, MEMBERS, NAMES, TEAMS, Revisions, skill_page, skill_watch
from skills.freshness.current import revisions
from skills.freshness.decorators import cached_page
from skills.freshness.fragments import FRAGMENT_CACHE, fragment
from skills.freshness.kept import counters_for
from skills.freshness.pages import MEMBER_PAGE_CACHE, Hole, changes_at, member_pages
from skills.freshness.revision_listener import listener

__all__ = [
    "CATALOG",
    "COMMUNITY",
    "FRAGMENT_CACHE",
    "MEMBERS",
    "MEMBER_PAGE_CACHE",
    "NAMES",
    "TEAMS",
    "Hole",
    "Revisions",
    "cached_page",
    "changes_at",
    "counters_for",
    "fragment",
    "listener",
    "member_pages",
    "revisions",
    "skill_page",
    "skill_watch",
]
