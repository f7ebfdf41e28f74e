"""Skill-side pages: home, skill profile with the level picker (and its past versions), cell detail, skill history.

Every page reads a fixed number of queries, whatever the size of the catalog:
the reads (skills/selectors.py) carry their own select_related/prefetch_related
and the rest is arranged in Python (skills/pages.py).
"""

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.utils.safestring import mark_safe

from skills import as_of, freshness, pages, selectors
from skills.models import Expectation, Skill

HISTORY_PAGE_SIZE = 50


# --------------------------------------------------------------------- home
def home(request):
    """The shared copy for anonymous visitors; a page of their own for members and for visitors who chose a role and
    level (it offers their choice again): never cached, never answered 304, so no choice reaches another visitor."""
    if request.user.is_authenticated or pages.READING_COOKIE in request.COOKIES:
        return _home(request)
    return _shared_home(request)


@freshness.cached_page(freshness.CATALOG)
def _shared_home(request):
    return _home(request)


def _home(request):
    domains = selectors.home_domains()
    roles = list(selectors.home_roles())
    all_skills = [skill for domain in domains for group in domain.groups.all() for skill in group.skills.all()]
    return render(
        request,
        "skills/home.html",
        {
            "domains": domains,
            "roles": roles,
            "levels": pages.home_levels(roles),
            "remembered": pages.remembered_reading(request.COOKIES.get(pages.READING_COOKIE, ""), roles),
            "skill_total": len(all_skills),
            "cell_total": sum(skill.cell_count for skill in all_skills),
        },
    )


# ------------------------------------------------------------ skill profile
# A skill page shows its own skill's rows and the names around them (freshness.NAMES): a comment, a watch or an
# approval on another skill leaves it alone (freshness.skill_page). Its watch box is filled in for each answer:
# a watch leaves the page as it was kept.
@freshness.cached_page(
    freshness.NAMES,
    scope=freshness.skill_page,
    holes={"watch": freshness.Hole("skills/partials/watch_hole.html", freshness.skill_watch)},
    revalidate_signed_in=False,
    cache_signed_in=True,
    prerender=pages.every_skill_path,
)
def skill_detail(request, slug):
    if request.GET.get("as_of"):
        return skill_as_of(request, slug)
    chosen = request.GET.get("level", "").strip()
    skill_rows, _talk = freshness.skill_page(slug)
    page = freshness.fragment(
        request, "skill", slug, chosen, depends=(freshness.NAMES, skill_rows), build=lambda: _skill_main(slug, chosen)
    )
    return render(request, "skills/skill_detail.html", {"skill": page, "main": mark_safe(page.main)})


def _skill_main(slug: str, chosen: str) -> pages.SkillPageMain:
    """The skill page but its Community block: the same for every visitor."""
    skill = get_object_or_404(selectors.skills_with_counts(), slug=slug)
    return pages.skill_page_main(skill, list(Expectation.objects.for_skill(skill)), chosen)


def skill_as_of(request, slug):
    """The skill page as it stood at the end of the day `?as_of=` names (skills/as_of.py)."""
    try:
        day = as_of.parse_day(request.GET.get("as_of", ""))
        past = selectors.skill_as_of(slug=slug, day=day)
    except (as_of.InvalidDate, as_of.Missing) as error:
        refusal = pages.AsOfRefusal.of(error, name="skills:skill", slug=slug)
        return render(request, "skills/as_of_error.html", refusal.context(), status=refusal.status)
    chosen = request.GET.get("level", "").strip()
    context = {
        **pages.skill_context(past.skill, past.cells, chosen),
        **pages.as_of_context(day, name="skills:skill", current_slug=past.current_slug),
    }
    return render(request, "skills/skill_as_of.html", context)


# -------------------------------------------------------------- cell detail
def cell_detail(request, slug, role, level):
    cell = get_object_or_404(selectors.cells_with_axes(), skill__slug=slug, role__slug=role, level__slug=level)
    context = {
        "cell": cell,
        "skill": cell.skill,
        "siblings": list(selectors.cell_siblings(cell)),
        "history": pages.cell_history(selectors.cell_events(cell), cell.skill),
    }
    return render(request, "skills/cell_detail.html", context)


# ------------------------------------------------------------ skill history
def skill_history(request, slug):
    skill = get_object_or_404(Skill.objects.with_taxonomy(), slug=slug)
    page = Paginator(selectors.skill_events(skill), HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    entries = pages.skill_history(skill, rows, selectors.history_names(rows))
    context = {"skill": skill, "page": page, "entries": entries, **pages.as_of_range(skill)}
    return render(request, "skills/skill_history.html", context)
