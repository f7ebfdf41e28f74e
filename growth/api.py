"""Growth plan API: the signed-in member's plan, its settings, and ticks.

Views stay thin: validate the input serializer, call a service, render the
output serializer. An item outside the member's plan answers 404; a level the
role lacks, 400 (the services' ValidationErrors pass through the project's
exception handler, skillmatrix/exception_handlers.py).
"""

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.decorators import api_view, parser_classes, permission_classes
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from growth import selectors, services
from growth.serializers import PlanOut, PlanSettingsIn, PlanTickOut
from skillmatrix.parsers import JSONParser
from skills.audit import not_audited
from skills.models import Level, Role

BAD_INPUT = OpenApiResponse(OpenApiTypes.OBJECT, description="Invalid input: messages by field.")
NOT_SIGNED_IN = OpenApiResponse(
    OpenApiTypes.OBJECT, description="Not signed in (session or `Authorization: Token <key>`)."
)
NOT_IN_PLAN = OpenApiResponse(
    OpenApiTypes.OBJECT, description="No such item in your plan (unknown skill, or not your next level)."
)


def _plan_response(request) -> Response:
    return Response(PlanOut(selectors.plan_for(user=request.user)).data)


@extend_schema(
    tags=["growth plan"],
    methods=["GET"],
    responses={200: PlanOut, 401: NOT_SIGNED_IN},
    description="Your growth plan: for each skill your role has at the next level, what it asks "
    "(required first, grouped by domain), beside your current cell, with your ticks.",
)
@extend_schema(
    tags=["growth plan"],
    methods=["PUT"],
    request=PlanSettingsIn,
    responses={200: PlanOut, 400: BAD_INPUT, 401: NOT_SIGNED_IN},
    description="Set your role and current level (one of the role's levels).",
)
@api_view(["GET", "PUT"])
@permission_classes([IsAuthenticated])
@parser_classes([JSONParser])
def plan(request):
    if request.method == "PUT":
        serializer = PlanSettingsIn(data=request.data)
        serializer.is_valid(raise_exception=True)
        role = Role.objects.filter(slug=serializer.validated_data["role"]).first()
        level = Level.objects.filter(slug=serializer.validated_data["level"]).first()
        errors = {}
        if role is None:
            errors["role"] = [_("No role with this slug.")]
        if level is None:
            errors["level"] = [_("No level with this slug.")]
        if errors:
            raise exceptions.ValidationError(errors)
        services.plan_settings_save(user=request.user, role=role, level=level)
    return _plan_response(request)


@extend_schema(
    tags=["growth plan"],
    methods=["POST"],
    request=None,
    responses={200: PlanTickOut, 401: NOT_SIGNED_IN, 404: NOT_IN_PLAN},
    description="Mark an item of your plan as done, against the cell's current version "
    "(again after a change: you confirm it is still done).",
)
@extend_schema(
    tags=["growth plan"],
    methods=["DELETE"],
    request=None,
    responses={204: None, 401: NOT_SIGNED_IN, 404: NOT_IN_PLAN},
    description="Undo the tick of an item of your plan (idempotent).",
)
@not_audited  # writes ticks only, which the audit trail does not track
@api_view(["POST", "DELETE"])
@permission_classes([IsAuthenticated])
@parser_classes([JSONParser])
def tick(request, skill: str, level: str):
    found = selectors.plan_cell(user=request.user, skill_slug=skill, level_slug=level)
    if found is None:
        raise exceptions.NotFound(_("This item is not in your growth plan."))
    cell = found.cell
    if request.method == "DELETE":
        services.tick_clear(user=request.user, cell=cell)
        return Response(status=status.HTTP_204_NO_CONTENT)
    ticked = services.tick_set(user=request.user, cell=cell)
    return Response(PlanTickOut(ticked).data)
