from django.core.paginator import Paginator
from django.shortcuts import render

from skills import freshness, search_results, selectors

RESULTS_PER_PAGE = 20
ROLES_SHOWN = 6


# Results depend on the catalog alone: every visitor gets a cached page (members their own), and a 304 when unchanged.
@freshness.cached_page(freshness.CATALOG, cache_signed_in=True)
def search(request):
    text = request.GET.get("q", "").strip()[: selectors.SEARCH_MAX_CHARS]
    context = {"query": text, "words": selectors.search_words(text)}
    if not text:
        context["popular"] = selectors.popular_skills()
        return render(request, "skills/search.html", context)
    search = selectors.Search.of(text)
    if search is None:
        context.update(page=None, roles=[])
        return render(request, "skills/search.html", context)
    page = Paginator(selectors.search_skills(search), RESULTS_PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    cells = selectors.search_cells([skill.pk for skill in page], search) if page else {}
    roles = list(selectors.search_roles(search.query)[:ROLES_SHOWN]) if page.number == 1 else []
    for role in roles:
        role.name_html = search_results.highlight(role.name_marked)
        role.snippet_html = search_results.highlight(role.snippet)
    context.update(
        page=page,
        results=[search_results.skill_hit(skill, cells.get(skill.pk)) for skill in page],
        roles=roles,
        total=page.paginator.count + len(roles),
    )
    return render(request, "skills/search.html", context)
