import re

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.html import escape
from django.utils.safestring import mark_safe

from skills import freshness, selectors

RESULTS_PER_PAGE = 20
ROLES_SHOWN = 6
MARKED = re.compile(f"{selectors.MARK_START}([^{selectors.MARK_START}{selectors.MARK_STOP}]*){selectors.MARK_STOP}")
MARKERS = re.compile(f"[{selectors.MARK_START}{selectors.MARK_STOP}]")


def highlight(text: str | None) -> str:
    """Escape the snippet, then turn only the markers ts_headline put in into <mark> tags."""
    escaped = MARKED.sub(r"<mark>\1</mark>", escape((text or "").strip()))
    return mark_safe(MARKERS.sub("", escaped))  # escaped above: only our <mark> tags remain


# Results depend on the catalog alone: anonymous visitors get cached pages, everyone a 304 when unchanged.
@freshness.cached_page(freshness.CATALOG)
def search(request):
    text = request.GET.get("q", "").strip()[: selectors.SEARCH_MAX_CHARS]
    context = {"query": text, "words": selectors.search_words(text)}
    if not text:
        context["popular"] = selectors.popular_skills()
        return render(request, "skills/search.html", context)
    query = selectors.search_query(text)
    if query is None:
        context.update(page=None, roles=[])
        return render(request, "skills/search.html", context)
    page = Paginator(selectors.search_skills(query), RESULTS_PER_PAGE).get_page(request.GET.get("page"))
    roles = list(selectors.search_roles(query)[:ROLES_SHOWN]) if page.number == 1 else []
    for result in [*page.object_list, *roles]:
        result.name_html = highlight(result.name_marked)
        result.snippet_html = highlight(result.snippet)
    context.update(page=page, roles=roles, total=page.paginator.count + len(roles))
    return render(request, "skills/search.html", context)
