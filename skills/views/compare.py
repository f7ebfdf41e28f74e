"""Comparison pages: two levels or two roles of a skill, and two roles' matrices.

Each page reads a fixed number of queries: the skill page two (the skill, its
cells), the roles page two (the roles for the form, the two roles' cells).
"""

from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.gzip import gzip_page

from skills import compare, selectors, stored, throttling
from skills.forms import level_pair_form, role_pair_form, skill_role_pair_form
from skills.models import Skill


def skill_compare(request, slug):
    """Two levels of the skill (what changes for each role, in words; `?redline=1` adds the word redline of each
    changed text) or two of its roles (how they differ at each level; no word diff between two roles' texts)."""
    redline = request.GET.get("redline") == "1"
    skill = get_object_or_404(Skill.objects.with_taxonomy(), slug=slug)
    cells = selectors.skill_cells(skill)
    levels, roles = compare.cell_levels(cells), compare.cell_roles(cells)
    # A form is bound only when one of its fields was given, so that the page knows which comparison is asked for.
    level_form = level_pair_form(_given(request, "a", "b"), levels=levels)
    role_form = skill_role_pair_form(_given(request, "role_a", "role_b"), roles=roles)

    context = {"skill": skill, "levels": levels, "roles": roles, "level_form": level_form, "role_form": role_form}
    status = 200
    if level_form.is_bound and role_form.is_bound:
        context["conflict"] = _("Compare either two levels or two roles, not both at once.")
        status = 400
    elif level_form.is_bound or role_form.is_bound:
        form = level_form if level_form.is_bound else role_form
        context.update(mode="levels" if form is level_form else "roles", form=form)
        if not form.is_valid():
            status = 400
        elif form.complete:
            a, b = form.chosen()
            if form is level_form:
                by_slug = {level.slug: level for level in levels}
                left, right = by_slug[a], by_slug[b]
                rows = compare.compare_skill_levels(cells, left, right, redline=redline)
            else:
                by_slug = {role.slug: role for role in roles}
                left, right = by_slug[a], by_slug[b]
                rows = compare.compare_skill_roles(cells, left, right)
            context.update(left=left, right=right, rows=rows, redline=redline and form is level_form)
    return render(request, "skills/skill_compare.html", context, status=status)


@gzip_page
def role_compare(request):
    roles = list(selectors.roles_for_choice())
    form = role_pair_form(_given(request, "a", "b"), roles=roles)
    context = {"form": form}
    status = 200
    if form.is_bound and not form.is_valid():
        status = 400
    elif form.is_bound and form.complete:
        by_slug = {role.slug: role for role in roles}
        a, b = form.chosen()
        a, b = by_slug[a], by_slug[b]
        if (wait := throttling.anonymous_wait(request, throttling.ComparePageThrottle)) is not None:
            context["throttled"] = ngettext(
                "You are going too fast. Please wait %(seconds)d second and try again.",
                "You are going too fast. Please wait %(seconds)d seconds and try again.",
                wait,
            ) % {"seconds": wait}
            response = render(request, "skills/role_compare.html", context, status=429)
            response["Retry-After"] = str(wait)
            return response
        context.update(left=a, right=b, comparison_html=_comparison_html(request, form, context, a, b))
    return render(request, "skills/role_compare.html", context, status=status)


def _comparison_html(request, form, context, a, b) -> str:
    """The comparison of roles `a` and `b`, rendered once per catalog revision and language into a stored file.

    Kept on disk rather than in each process's memory: there is one for every pair of roles, and a large
    pair's runs to a megabyte or more.
    """

    def build() -> bytes:
        comparison = compare.compare_roles(a=a, b=b, cells=selectors.two_roles_cells(a=a, b=b))
        context["comparison"] = comparison  # for tests reading the context of the request that built it
        html = render_to_string("skills/partials/role_comparison.html", {"comparison": comparison, "form": form})
        return html.encode()

    name = f"{a.slug}~{b.slug}.{translation.get_language()}.html"
    try:
        found = stored.Shelf("role-compare", request).get(name, build=build, slot=False)
    except stored.Busy:  # the same pair has been building for longer than HEAVY_BUILD_WAIT: build it here
        return mark_safe(build().decode())
    return mark_safe(found.path.read_text(encoding="utf-8"))  # our own template's output


def _given(request, *names: str):
    """The query string when any of `names` has a value, else None (an unbound form)."""
    return request.GET if any(request.GET.get(name, "").strip() for name in names) else None
