"""One decorator per cached page, as django.views.decorators.cache does it: the view reads as if nothing were cached."""

from collections.abc import Callable, Iterable

from skills.freshness.conditional import conditional
from skills.freshness.pages import Hole, whole_pages


def cached_page(
    *depends: str,
    revalidate_signed_in: bool = True,
    cache_signed_in: bool = False,
    prerender: Callable[[], Iterable[str]] | None = None,
    scope: Callable[..., tuple[str, ...]] | None = None,
    holes: dict[str, Hole] | None = None,
):
    """A page showing only what the revisions `depends` cover: 304 when unchanged, cached whole for anonymous GETs.

    Conditional GET wraps the anonymous page cache, so a revalidation is answered before any
    page is looked up. With `revalidate_signed_in=False`, signed-in visitors are always sent
    the page: what it offers them depends on more than the counters (their groups, a
    comment's edit window). With `cache_signed_in`, each member's page is cached whole too, under
    their own key (pages.member_key): the page must show nothing of the member but what that key
    and the MEMBERS counter cover, or say when it changes by itself (pages.changes_at). With
    `prerender`, a callable listing the paths of the view's pages, those pages are kept (for
    anonymous visitors) as files every process reads and rendered ahead after each change (shared_pages).
    With `scope`, a callable given the view's keyword arguments, the page also depends on the counters it
    names: those of the page's own rows (counters.skill_page), so that a write elsewhere leaves it alone.
    `holes` are parts of the page filled in for each answer (pages.Hole): the kept copy does not depend on
    their counters, the ETag does.
    """
    holes = holes or {}

    def shown(**kwargs) -> tuple[str, ...]:
        own = scope(**kwargs) if scope is not None else ()
        return (*own, *(name for hole in holes.values() for name in hole.depends(**kwargs)))

    revalidate = conditional(*depends, anonymous_only=not revalidate_signed_in, scope=shown)
    cache_whole = whole_pages(*depends, signed_in=cache_signed_in, prerender=prerender, scope=scope, holes=holes)

    def decorator(view):
        return revalidate(cache_whole(view))

    return decorator
