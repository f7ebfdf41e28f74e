"""Reads of the catalog that several views and the API share."""

from django.db.models import Q, QuerySet

from skills.models import Expectation, Skill


def skills_with_counts() -> QuerySet:
    return Skill.objects.with_taxonomy().with_counts()


def skill_list(*, search: str = "", domain: str = "", group: str = "", role: str = "") -> QuerySet:
    skills = skills_with_counts().order_by("name")
    if domain:
        skills = skills.filter(group__domain__slug=domain)
    if group:
        skills = skills.filter(group__slug=group)
    if role:
        skills = skills.filter(pk__in=Expectation.objects.filter(role__slug=role).values("skill_id"))
    for word in search.split()[:10]:
        skills = skills.filter(Q(name__icontains=word) | Q(summary__icontains=word))
    return skills


def role_cells(*, role_slug: str) -> QuerySet:
    """Every cell of a role, ordered by domain, group, skill and level."""
    return (
        Expectation.objects.filter(role__slug=role_slug)
        .select_related("level", "skill__group__domain")
        .order_by(
            "skill__group__domain__position",
            "skill__group__position",
            "skill__name",
            "level__position",
        )
    )
