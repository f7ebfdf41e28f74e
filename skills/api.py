"""Read API of the catalog (DESIGN section 4, "Read")."""

from itertools import groupby

from django.db.models import Count, Prefetch
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, viewsets
from rest_framework.views import exception_handler as drf_exception_handler

from skills import selectors
from skills.models import Domain, Level, Role, RoleLevel, SkillGroup
from skills.serializers import (
    DomainSerializer,
    LevelSerializer,
    RoleDetailSerializer,
    RoleListSerializer,
    SkillDetailSerializer,
    SkillFilterIn,
    SkillListSerializer,
)

# Answers that any operation can give, whatever its own annotations say: a wrong `Authorization` token is refused
# before the view runs, and a path slug or a `page` number that names nothing is a 404.
COMMON_ERRORS = {
    "401": "Not signed in, or a wrong `Authorization: Token <key>`.",
    "404": "No such object, or no such page of the list.",
}


def document_common_errors(result, generator, request, public):
    """drf-spectacular post-processing hook: adds COMMON_ERRORS to every operation that does not list them."""
    error = {"type": "object", "properties": {"detail": {"type": "string"}}, "required": ["detail"]}
    result.setdefault("components", {}).setdefault("schemas", {}).setdefault("Error", error)
    for path, operations in result["paths"].items():
        for operation in operations.values():
            takes_page = any(param["name"] == "page" for param in operation.get("parameters", []))
            for code, description in COMMON_ERRORS.items():
                if code == "404" and "{" not in path and not takes_page:
                    continue
                operation["responses"].setdefault(
                    code,
                    {
                        "description": description,
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
                    },
                )
    return result


def exception_handler(exc, context):
    """DRF's handler, with Django's 404 and permission errors as JSON too."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    return drf_exception_handler(exc, context)


class DomainViewSet(viewsets.ReadOnlyModelViewSet):
    """Domains with their skill groups."""

    serializer_class = DomainSerializer
    lookup_field = "slug"

    def get_queryset(self):
        groups = SkillGroup.objects.annotate(skill_count=Count("skills")).order_by("position", "name")
        return Domain.objects.prefetch_related(Prefetch("groups", queryset=groups)).order_by("position", "name")


class LevelViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = LevelSerializer
    queryset = Level.objects.order_by("position")
    lookup_field = "slug"


class RoleViewSet(viewsets.ReadOnlyModelViewSet):
    """Roles; the detail carries the role's levels and its skill matrix."""

    lookup_field = "slug"

    def get_queryset(self):
        if self.action == "retrieve":
            levels = RoleLevel.objects.select_related("level").order_by("level__position")
            return Role.objects.prefetch_related(Prefetch("role_levels", queryset=levels))
        return Role.objects.order_by("family", "name")

    def get_serializer_class(self):
        return RoleDetailSerializer if self.action == "retrieve" else RoleListSerializer

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if self.action == "retrieve":
            context["matrix"] = self._matrix()
        return context

    def _matrix(self):
        cells = selectors.role_cells(role_slug=self.kwargs["slug"])
        return [{"skill": skill, "cells": list(rows)} for skill, rows in groupby(cells, key=lambda c: c.skill)]


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter(
                "search",
                OpenApiTypes.STR,
                description="Full-text search over name, summary and cells; the last word matches as a prefix.",
            ),
            OpenApiParameter("domain", OpenApiTypes.STR, description="Domain slug."),
            OpenApiParameter("group", OpenApiTypes.STR, description="Skill group slug."),
            OpenApiParameter("role", OpenApiTypes.STR, description="Role slug: skills with a cell for this role."),
        ],
        responses={
            200: SkillListSerializer(many=True),
            400: OpenApiResponse(OpenApiTypes.OBJECT, description="Invalid filter: messages by parameter."),
        },
    )
)
class SkillViewSet(viewsets.ReadOnlyModelViewSet):
    """Skills with their counts; the detail carries every cell."""

    lookup_field = "slug"

    def get_serializer_class(self):
        return SkillDetailSerializer if self.action == "retrieve" else SkillListSerializer

    def get_queryset(self):
        if self.action == "retrieve":
            return selectors.skills_with_counts().with_cells()
        filters = SkillFilterIn(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        return selectors.skill_list(search=self.request.query_params.get("search", ""), **filters.validated_data)
