from django.shortcuts import get_object_or_404, render

from skills import selectors
from skills.models import Domain, Expectation


def home(request):
    domains = Domain.objects.prefetch_related("groups__skills")
    return render(request, "skills/home.html", {"domains": domains})


def skill_detail(request, slug):
    skill = get_object_or_404(selectors.skills_with_counts().with_cells(), slug=slug)
    return render(request, "skills/skill_detail.html", {"skill": skill})


def skill_history(request, slug):
    raise NotImplementedError  # built in the browsing issue


def cell_detail(request, slug, role, level):
    cell = get_object_or_404(
        Expectation.objects.select_related("skill", "role", "level"),
        skill__slug=slug,
        role__slug=role,
        level__slug=level,
    )
    return render(request, "skills/cell_detail.html", {"cell": cell})
