"""The skill and role pages, and their API answers, as they stood at the end of a past day (`?as_of=YYYY-MM-DD`).

The live views hand over to these as soon as the request carries `as_of`; the
pages are drawn by the live templates from rows rebuilt out of the audit trail
(skills/as_of.py), with a banner and a link to today's page. The rebuilt
content is not kept as a fragment; a whole anonymous page is, like any page,
under the catalog's revision (skills/freshness.py): the audit trail changes
only when the catalog does.

Choices: a date after today is refused (400) rather than answered with today's
page, which could still change before that day ends; a date before the skill
or role existed, or after it was removed, is a 404 that says so. The skill
page's Community block (watchers, comments, proposals) is not kept by date, so
the past page leaves it out and points to today's page instead.
"""

from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers
from rest_framework.response import Response

from skills import as_of
from skills.serializers import RoleDetailSerializer, RoleLevelSerializer, SkillCellSerializer, SkillDetailSerializer

# Imported as modules, not names: catalog and roles import this module for their dispatch line.
from skills.views import catalog, roles

AS_OF_PARAMETER = OpenApiParameter(
    "as_of",
    OpenApiTypes.DATE,
    description=(
        "A day (YYYY-MM-DD, site time zone, not after today): the answer as it stood at the end of that day, "
        "rebuilt from the audit trail. 404 when it did not exist on that day."
    ),
)
AS_OF_INVALID = OpenApiResponse(
    OpenApiTypes.OBJECT, description="`as_of` is not a day written YYYY-MM-DD, or it is after today."
)


def retrieve_schema(serializer):
    """The detail operation's schema with `as_of` (for extend_schema_view(retrieve=...))."""
    return extend_schema(parameters=[AS_OF_PARAMETER], responses={200: serializer, 400: AS_OF_INVALID})


def _today_url(name: str, slug: str | None) -> str | None:
    return reverse(name, args=[slug]) if slug else None


def _links(day) -> dict:
    """The day, and what the live templates append to their own links so that they stay on that day."""
    return {"as_of": day, "as_of_query": f"?as_of={day.isoformat()}", "as_of_param": f"&as_of={day.isoformat()}"}


def _page(request, template: str, context: dict, *, status: int = 200):
    return render(request, template, context, status=status)


def _refusal(request, *, status: int, title: str, message: str, today_url: str | None):
    return _page(
        request,
        "skills/as_of_error.html",
        {"status": status, "title": title, "message": message, "today_url": today_url},
        status=status,
    )


def _day_or_refusal(request, *, today_url: str | None):
    try:
        return as_of.parse_day(request.GET.get("as_of", "")), None
    except as_of.InvalidDate as error:
        title = _("This date cannot be shown")
        return None, _refusal(request, status=400, title=title, message=error.message, today_url=today_url)


def _missing(request, missing: as_of.Missing, name: str):
    title = _("Not in the catalog on that day")
    url = _today_url(name, missing.current_slug)
    return _refusal(request, status=404, title=title, message=missing.message, today_url=url)


# -------------------------------------------------------------------- pages
def skill_as_of(request, slug):
    day, refusal = _day_or_refusal(request, today_url=reverse("skills:skill", args=[slug]))
    if refusal:
        return refusal
    try:
        past = as_of.skill_as_of(slug=slug, day=day)
    except as_of.Missing as missing:
        return _missing(request, missing, "skills:skill")
    chosen = request.GET.get("level", "").strip()
    return _page(
        request,
        "skills/skill_as_of.html",
        {
            **catalog.skill_context(past.skill, past.cells, chosen),
            "today_url": _today_url("skills:skill", past.current_slug),
            **_links(day),
        },
    )


def role_as_of(request, slug):
    day, refusal = _day_or_refusal(request, today_url=reverse("skills:role", args=[slug]))
    if refusal:
        return refusal
    try:
        past = as_of.role_as_of(slug=slug, day=day)
    except as_of.Missing as missing:
        return _missing(request, missing, "skills:role")
    for cell in past.profile.cells:
        cell.proficiency_code = roles.PROFICIENCY_CODES.get(cell.proficiency, "?")
    return _page(
        request,
        "skills/role_as_of.html",
        {
            "role": past.role,
            "profile": past.profile,
            "legend": roles.LEGEND,
            "matrix": roles.matrix_page(past.profile, roles.requested_page(request)),
            "today_url": _today_url("skills:role", past.current_slug),
            **_links(day),
        },
    )


# ---------------------------------------------------------------------- API
class SkillAsOfSerializer(SkillDetailSerializer):
    """The skill detail's shape, with the rebuilt cells instead of today's."""

    cells = SkillCellSerializer(source="as_of_cells", many=True, read_only=True)


class RoleAsOfSerializer(RoleDetailSerializer):
    """The role detail's shape, with the rebuilt levels instead of today's (the matrix comes in the context)."""

    levels = RoleLevelSerializer(source="as_of_role_levels", many=True, read_only=True)


def _api_day(request):
    try:
        return as_of.parse_day(request.query_params.get("as_of", ""))
    except as_of.InvalidDate as error:
        raise serializers.ValidationError({"as_of": [error.message]}) from None


def skill_as_of_api(request, slug) -> Response:
    """GET /api/skills/<slug>/?as_of=: called by SkillViewSet.retrieve, inside DRF's error handling."""
    day = _api_day(request)
    try:
        past = as_of.skill_as_of(slug=slug, day=day)
    except as_of.Missing as missing:
        raise exceptions.NotFound(missing.message) from None
    return Response(SkillAsOfSerializer(past.skill, context={"request": request}).data)


def role_as_of_api(request, slug) -> Response:
    """GET /api/roles/<slug>/?as_of=: called by RoleViewSet.retrieve."""
    day = _api_day(request)
    try:
        past = as_of.role_as_of(slug=slug, day=day)
    except as_of.Missing as missing:
        raise exceptions.NotFound(missing.message) from None
    serializer = RoleAsOfSerializer(past.role, context={"request": request, "matrix": past.matrix})
    return Response(serializer.data)
