"""Read API of the catalog (DESIGN section 4, "Read")."""

import hashlib

from django.db.models import Count, Prefetch
from django.db.models.functions import Lower
from django.utils import translation
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, serializers, viewsets
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from skills import as_of, catalog_io, freshness, selectors, stored, throttling, translations
from skills.models import Domain, Level, Proficiency, Role, RoleLevel, SkillGroup
from skills.serializers import (
    DomainSerializer,
    LevelSerializer,
    RoleAsOfSerializer,
    RoleDetailSerializer,
    RoleListSerializer,
    SkillAsOfSerializer,
    SkillDetailSerializer,
    SkillFilterIn,
    SkillListSerializer,
)

# What a slug in the path may be (Django's <slug:>): anything else, a NUL byte included, which PostgreSQL cannot
# compare, is a 404 from the URL resolver rather than a 500 from the query.
SLUG_PATH = "[-a-zA-Z0-9_]+"

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


class DomainViewSet(viewsets.ReadOnlyModelViewSet):
    """Domains with their skill groups."""

    serializer_class = DomainSerializer
    lookup_field = "slug"
    lookup_value_regex = SLUG_PATH

    def get_queryset(self):
        groups = SkillGroup.objects.annotate(skill_count=Count("skills")).order_by("position", Lower("name"))
        return Domain.objects.prefetch_related(Prefetch("groups", queryset=groups)).order_by("position", Lower("name"))


class LevelViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = LevelSerializer
    queryset = Level.objects.order_by("position")
    lookup_field = "slug"
    lookup_value_regex = SLUG_PATH


# --- Past versions (?as_of=, skills/as_of.py) -------------------------------------------

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


def _api_day(request):
    try:
        return as_of.parse_day(request.query_params.get("as_of", ""))
    except as_of.InvalidDate as error:
        raise serializers.ValidationError({"as_of": [error.message]}) from None


def skill_as_of_api(request, slug) -> Response:
    """GET /api/skills/<slug>/?as_of=: called by SkillViewSet.retrieve, inside DRF's error handling."""
    day = _api_day(request)
    try:
        past = selectors.skill_as_of(slug=slug, day=day)
    except as_of.Missing as missing:
        raise exceptions.NotFound(missing.message) from None
    return Response(SkillAsOfSerializer(past.skill, context={"request": request}).data)


def role_as_of_api(request, slug) -> Response:
    """GET /api/roles/<slug>/?as_of=: called by RoleViewSet.retrieve."""
    day = _api_day(request)
    try:
        past = selectors.role_as_of(slug=slug, day=day)
    except as_of.Missing as missing:
        raise exceptions.NotFound(missing.message) from None
    serializer = RoleAsOfSerializer(past.role, context={"request": request, "matrix": past.matrix})
    return Response(serializer.data)


@extend_schema_view(retrieve=retrieve_schema(RoleDetailSerializer))
class RoleViewSet(viewsets.ReadOnlyModelViewSet):
    """Roles; the detail carries the role's levels and its skill matrix."""

    lookup_field = "slug"
    lookup_value_regex = SLUG_PATH

    def retrieve(self, request, *args, **kwargs):
        if request.query_params.get("as_of"):
            return role_as_of_api(request, kwargs["slug"])
        if request.accepted_renderer.format != "json":  # the browsable API (DEBUG): rendered each time
            return super().retrieve(request, *args, **kwargs)
        # A large role's matrix runs to hundreds of kilobytes: kept as a stored file (and its gzip copy) per
        # catalog revision, language and site address, shared by every process (skills/stored.py).
        shelf = stored.Shelf("api-role", request)
        site = hashlib.sha256(request.build_absolute_uri("/").encode()).hexdigest()[:12]
        name = f"{kwargs['slug']}.{translation.get_language()}.{site}.json"
        found = shelf.find(name, gzip_too=True)
        if found is None:
            role = self.get_object()  # a missing role is a 404, and nothing is stored for it
            found = shelf.get(
                name,
                build=lambda: JSONRenderer().render(self.get_serializer(role).data),
                gzip_too=True,
                slot=False,
            )
        return stored.respond(request, found, content_type="application/json", stream=False)

    def get_queryset(self):
        if self.action == "retrieve":
            levels = RoleLevel.objects.select_related("level").order_by("level__position")
            return Role.objects.prefetch_related(Prefetch("role_levels", queryset=levels))
        return Role.objects.order_by(Lower("family"), Lower("name"))

    def get_serializer_class(self):
        return RoleDetailSerializer if self.action == "retrieve" else RoleListSerializer

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if self.action == "retrieve":
            context["matrix"] = self._matrix()
        return context

    def _matrix(self):
        return selectors.matrix_rows(list(selectors.role_cells(role_slug=self.kwargs["slug"])))


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter(
                "search",
                OpenApiTypes.STR,
                description=(
                    "Full-text search over name, summary and cells, and the skills of a role whose name matches; "
                    "the last word matches as a prefix."
                ),
            ),
            OpenApiParameter("domain", OpenApiTypes.STR, description="Domain slug."),
            OpenApiParameter("group", OpenApiTypes.STR, description="Skill group slug."),
            OpenApiParameter("role", OpenApiTypes.STR, description="Role slug: skills with a cell for this role."),
        ],
        responses={
            200: SkillListSerializer(many=True),
            400: OpenApiResponse(OpenApiTypes.OBJECT, description="Invalid filter: messages by parameter."),
        },
    ),
    retrieve=retrieve_schema(SkillDetailSerializer),
)
class SkillViewSet(viewsets.ReadOnlyModelViewSet):
    """Skills with their counts; the detail carries every cell."""

    lookup_field = "slug"
    lookup_value_regex = SLUG_PATH

    def retrieve(self, request, *args, **kwargs):
        if request.query_params.get("as_of"):
            return skill_as_of_api(request, kwargs["slug"])
        # The same answer for everyone until the catalog changes: kept per catalog revision (skills.freshness),
        # and per site address, which the links are built on. A missing skill raises, and is never kept.
        data = freshness.fragment(
            request,
            "api-skill",
            kwargs["slug"],
            request.build_absolute_uri("/"),
            build=lambda: dict(super(SkillViewSet, self).retrieve(request, *args, **kwargs).data),
        )
        return Response(data)

    def get_serializer_class(self):
        return SkillDetailSerializer if self.action == "retrieve" else SkillListSerializer

    def get_queryset(self):
        if self.action == "retrieve":
            return selectors.skills_with_counts().with_cells()
        filters = SkillFilterIn(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        return selectors.skill_list(search=self.request.query_params.get("search", ""), **filters.validated_data)


# --- The whole catalog ------------------------------------------------------------------


def _object(properties: dict, *, optional: dict | None = None, **extra) -> dict:
    return {"type": "object", "properties": {**properties, **(optional or {})}, "required": list(properties), **extra}


_TEXT = {"type": "string"}
_SLUG = {"type": "string", "pattern": catalog_io.SLUG_RE.pattern}
_WHOLE = {"type": "integer", "minimum": 0}
# A row's text in the site's other languages (skills/translations.py); left out when it has none.
_TRANSLATIONS = {
    "translations": {
        "type": "object",
        "properties": {
            language: {"type": "object", "additionalProperties": {"type": "string"}}
            for language in translations.LANGUAGES
        },
        "additionalProperties": False,
    }
}

# The format of skills/catalog_io.py (what `manage.py export_catalog` writes and `import_catalog` reads).
CATALOG_SCHEMA = _object(
    {
        "format": {"type": "string", "enum": [catalog_io.FORMAT]},
        "version": {"type": "integer", "enum": [catalog_io.FORMAT_VERSION]},
        "levels": {
            "type": "array",
            "items": _object(
                {"slug": _SLUG, "name": _TEXT, "short": _TEXT, "position": _WHOLE}, optional=_TRANSLATIONS
            ),
        },
        "domains": {
            "type": "array",
            "items": _object(
                {
                    "slug": _SLUG,
                    "name": _TEXT,
                    "position": _WHOLE,
                    "groups": {
                        "type": "array",
                        "items": _object({"slug": _SLUG, "name": _TEXT, "position": _WHOLE}, optional=_TRANSLATIONS),
                    },
                },
                optional=_TRANSLATIONS,
            ),
        },
        "roles": {
            "type": "array",
            "items": _object(
                {
                    "slug": _SLUG,
                    "name": _TEXT,
                    "family": _TEXT,
                    "tagline": _TEXT,
                    "levels": {
                        "type": "array",
                        "items": _object({"level": _SLUG, "stack": _TEXT, "focus": _TEXT}),
                    },
                },
                optional=_TRANSLATIONS,
            ),
        },
        "skills": {
            "type": "array",
            "items": _object(
                {
                    "slug": _SLUG,
                    "name": _TEXT,
                    "group": _SLUG,
                    "summary": _TEXT,
                    "updated": {"type": "string", "format": "date"},
                    "cells": {
                        "type": "array",
                        "items": _object(
                            {
                                "role": _SLUG,
                                "level": _SLUG,
                                "required": {"type": "boolean"},
                                "proficiency": {"type": "string", "enum": list(Proficiency.values)},
                                "description": _TEXT,
                            },
                            optional=_TRANSLATIONS,
                        ),
                    },
                },
                optional=_TRANSLATIONS,
            ),
        },
    },
    description="The whole catalog in the import/export format, in a stable order.",
)


THROTTLED = OpenApiResponse(
    OpenApiTypes.OBJECT,
    description="Too many requests from this address without signing in: wait for the seconds in `Retry-After`.",
)
BUSY = OpenApiResponse(
    OpenApiTypes.OBJECT,
    description="The answer is being built and the server has no room for another build: retry after `Retry-After`.",
)


class Busy(exceptions.APIException):
    status_code = 503
    default_detail = "The server is busy building this answer; try again shortly."
    default_code = "busy"

    def __init__(self, wait: int):
        super().__init__()
        self.wait = wait  # DRF's exception handler turns it into Retry-After


class CatalogView(APIView):
    """The whole catalog as one JSON document, byte for byte what `manage.py export_catalog` writes.

    A file saved from here can be loaded with `manage.py import_catalog`. Built once per catalog revision (eight
    queries, whatever the catalog's size) into a stored file and its gzip copy (skills/stored.py), which every
    later request is sent, gzip when the client takes it.
    """

    throttle_classes = [throttling.HeavyApiThrottle]

    @extend_schema(
        operation_id="catalog_export",
        summary="The whole catalog (import/export format)",
        responses={
            200: OpenApiResponse(CATALOG_SCHEMA, description="The catalog, UTF-8 JSON."),
            429: THROTTLED,
            503: BUSY,
        },
    )
    def get(self, request):
        try:
            shelf = stored.Shelf("catalog", request)
            found = shelf.find("catalog.json", gzip_too=True)
            if found is None:
                with stored.heavy_request():
                    build = lambda: catalog_io.dumps(catalog_io.export_catalog()).encode()  # noqa: E731
                    found = shelf.get("catalog.json", build=build, gzip_too=True)
        except stored.Busy as busy:
            raise Busy(busy.retry_after) from None
        return stored.respond(request, found, content_type="application/json; charset=utf-8")
