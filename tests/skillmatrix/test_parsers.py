"""Every JSON body the API takes goes through skillmatrix.parsers: too deep, too large or holding text
PostgreSQL cannot store, it is a 400 that says why, never a 5xx.

The operations come from the OpenAPI document, so a new endpoint is covered as soon as it is published:
VALID_BODIES must then get a body for it (a test checks that none is missing).
"""

import functools
import io
import json

import pytest
from django.apps import apps
from django.core.cache import cache
from django.db.models import CharField, TextField
from django.db.models.functions import Length
from drf_spectacular.generators import SchemaGenerator
from rest_framework.exceptions import ParseError
from rest_framework.test import APIClient

from growth import services as growth_services
from proposals import services
from proposals.throttling import WriteRateThrottle
from skillmatrix import parsers
from skills.models import Expectation
from teams import services as team_services
from tests.factories import make_catalog

WRITE_METHODS = ("post", "put", "patch", "delete")


@functools.cache
def schema() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


def json_write_operations() -> list[tuple[str, str]]:
    """(method, path) of every operation that takes a JSON body."""
    return [
        (method, path)
        for path, operations in schema()["paths"].items()
        for method, operation in operations.items()
        if method in WRITE_METHODS and "application/json" in operation.get("requestBody", {}).get("content", {})
    ]


def bodiless_write_operations() -> list[tuple[str, str]]:
    return [
        (method, path)
        for path, operations in schema()["paths"].items()
        for method, operation in operations.items()
        if method in WRITE_METHODS and "requestBody" not in operation
    ]


def resolve(node: dict) -> dict:
    while "$ref" in node:
        node = schema()["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
    return node


def string_fields(node: dict, path: tuple = ()) -> list[tuple]:
    """Paths of the string fields of a request schema; an array's are given at its first item."""
    node = resolve(node)
    if node.get("type") == "object":
        return [found for name, child in node["properties"].items() for found in string_fields(child, (*path, name))]
    if node.get("type") == "array":
        return string_fields(node["items"], (*path, 0))
    if node.get("type") == "string" or "enum" in node:
        return [path]
    return []


def request_schema(method: str, path: str) -> dict:
    return schema()["paths"][path][method]["requestBody"]["content"]["application/json"]["schema"]


# --- The world every operation is tried in ---------------------------------------------


@pytest.fixture
def world(levels, member, author, reviewer, monkeypatch):
    cache.clear()
    monkeypatch.setattr(WriteRateThrottle, "THROTTLE_RATES", {"comments": "100000/min", "proposals": "100000/min"})
    catalog = make_catalog(skills=1, roles=2, levels=levels)
    skill = catalog["skills"][0]
    cell = Expectation.objects.filter(skill=skill).select_related("role", "level").order_by("pk").first()
    change = services.ChangeInput(
        role=cell.role, level=cell.level, description="New.", required=False, proficiency="working"
    )
    proposal = services.proposal_create(author=author, skill=skill, rationale="Why.", changes=[change])
    # An approval to undo, on another cell.
    other = Expectation.objects.filter(skill=skill).select_related("role", "level").order_by("pk")[1]
    approved = services.proposal_create(
        author=author,
        skill=skill,
        rationale="Approved.",
        changes=[
            services.ChangeInput(
                role=other.role, level=other.level, description="Approved.", required=False, proficiency="working"
            )
        ],
    )
    services.proposal_approve(proposal=approved, reviewer=reviewer)
    comment = services.comment_create(author=author, skill=skill, body="Mine.")
    # A team the member leads, with the author in it; both stand at the cell's role and level.
    for user in (member, author):
        growth_services.plan_settings_save(user=user, role=cell.role, level=cell.level)
    team = team_services.team_create(user=member, name="Platform")
    team_services.member_invite(team=team, by=member, identifier=author.username)
    team_services.invitation_accept(team=team, user=author)
    return {
        "skill": skill,
        "cell": cell,
        "proposal": proposal,
        "approved": approved,
        "comment": comment,
        "team": team,
        "author": author,
    }


def change(cell: Expectation) -> dict:
    return {
        "role": cell.role.slug,
        "level": cell.level.slug,
        "description": "Changed.",
        "required": False,
        "proficiency": "working",
        "base_version": cell.version,
    }


# A body each JSON operation takes, by (method, path): the good case, and the frame the bad values go into.
VALID_BODIES = {
    ("patch", "/api/comments/{id}/"): lambda w: {"body": "Edited."},
    ("post", "/api/comments/{id}/hide/"): lambda w: {"reason": "Off topic."},
    ("put", "/api/me/plan/"): lambda w: {"role": w["cell"].role.slug, "level": w["cell"].level.slug},
    ("post", "/api/proposals/"): lambda w: {
        "skill": w["skill"].slug,
        "rationale": "Because.",
        "changes": [change(w["cell"])],
    },
    ("patch", "/api/proposals/{id}/"): lambda w: {"rationale": "Better.", "changes": [change(w["cell"])]},
    ("post", "/api/proposals/{id}/comments/"): lambda w: {"body": "On the proposal."},
    ("post", "/api/proposals/{id}/reject/"): lambda w: {"reason": "duplicate", "note": "See the other one."},
    ("post", "/api/skills/{slug}/comments/"): lambda w: {"body": "On the skill."},
    ("post", "/api/proposals/{id}/approve/"): lambda w: {"revision": w["proposal"].revision, "note": "Checked."},
    ("post", "/api/proposals/{id}/undo/"): lambda w: {"note": "Approved too early."},
    ("post", "/api/teams/"): lambda w: {"name": "Data"},
    ("post", "/api/teams/{slug}/members/"): lambda w: {"user": "reviewer"},
    ("put", "/api/me/assessments/{skill}/"): lambda w: assessment(w),
    ("put", "/api/teams/{slug}/members/{username}/assessments/{skill}/"): lambda w: assessment(w),
}


def assessment(world: dict) -> dict:
    return {"level": world["cell"].level.slug, "evidence_url": "https://example.com/proof", "note": "Shipped it."}


# Who may call each operation: the author edits their own, reviewers hide and decide, any member does the rest.
AUTHORS = {
    ("patch", "/api/comments/{id}/"),
    ("patch", "/api/proposals/{id}/"),
    ("post", "/api/proposals/{id}/withdraw/"),
}
REVIEWERS = {("post", "/api/comments/{id}/hide/"), ("post", "/api/proposals/{id}/reject/")}
REVIEWERS |= {("post", "/api/proposals/{id}/approve/"), ("post", "/api/proposals/{id}/undo/")}


def url(path: str, world: dict) -> str:
    target = world["comment"] if path.startswith("/api/comments/") else world["proposal"]
    if path.endswith("/undo/"):
        target = world["approved"]
    slug = world["team"].slug if path.startswith("/api/teams/") else world["skill"].slug
    return path.format(
        id=target.pk,
        slug=slug,
        skill=world["skill"].slug,
        level=world["cell"].level.slug,
        username=world["author"].username,
    )


def caller(method: str, path: str, request) -> APIClient:
    who = "author" if (method, path) in AUTHORS else "reviewer" if (method, path) in REVIEWERS else "member"
    client = APIClient()
    client.force_authenticate(request.getfixturevalue(who))
    return client


def send(method: str, path: str, world: dict, request, content, content_type="application/json"):
    if not isinstance(content, str | bytes):
        content = json.dumps(content)
    return caller(method, path, request).generic(method.upper(), url(path, world), content, content_type)


def test_the_operations_come_from_the_schema_and_each_has_a_body():
    operations = json_write_operations()
    assert len(operations) >= 8
    assert set(operations) == set(VALID_BODIES)


# --- Nesting ---------------------------------------------------------------------------

DEEP = 5000
NESTED = {
    "arrays": "[" * DEEP + "]" * DEEP,
    "objects": '{"a":' * DEEP + "1" + "}" * DEEP,
    "arrays in a field": '{"body": ' + "[" * DEEP + "]" * DEEP + "}",
    "unclosed arrays": "[" * DEEP,
    "brackets after a string with escapes": '{"body": "a\\"[\\\\", "x": ' + "[" * DEEP + "]" * DEEP + "}",
}


@pytest.mark.parametrize(("method", "path"), json_write_operations())
def test_a_deeply_nested_body_is_a_400_that_says_so(world, request, method, path):
    for shape, body in NESTED.items():
        response = send(method, path, world, request, body)
        assert response.status_code == 400, (shape, response.content[:300])
        assert response.json() == {"detail": parsers.too_deep_message()}, shape


@pytest.mark.parametrize(("method", "path"), bodiless_write_operations())
def test_an_operation_without_a_body_ignores_a_deep_one(world, request, method, path):
    response = send(method, path, world, request, NESTED["arrays"])
    assert response.status_code < 500


@pytest.mark.parametrize(("method", "path"), json_write_operations())
def test_a_normal_body_still_works(world, request, method, path):
    response = send(method, path, world, request, VALID_BODIES[method, path](world))
    assert response.status_code in (200, 201), response.content[:500]


def test_nesting_up_to_the_limit_is_parsed():
    depth = parsers.JSON_MAX_DEPTH
    assert parsers.nesting_depth("[" * depth + "]" * depth) == depth
    assert parsers.nesting_depth('{"a": [{"b": "[[[[{{{{"}, "\\"[[[", "\\\\"], "c": {}}') == 3
    assert parsers.nesting_depth('"no containers"') == 0


def test_a_body_at_the_depth_limit_reaches_the_serializer(world, request):
    depth = parsers.JSON_MAX_DEPTH
    body = '{"body": ' + "[" * (depth - 1) + "]" * (depth - 1) + "}"
    response = send("post", "/api/skills/{slug}/comments/", world, request, body)
    assert response.status_code == 400
    assert "body" in response.json()  # the serializer's own answer: not a string


# --- Size ------------------------------------------------------------------------------


@pytest.mark.parametrize(("method", "path"), json_write_operations())
def test_a_body_of_10_mb_is_refused_with_a_clear_message(world, request, method, path):
    body = json.dumps({"body": "x" * 10_000_000})
    response = send(method, path, world, request, body)
    assert response.status_code in (400, 413)
    assert response.json() == {"detail": parsers.body_too_large_message()}


def test_the_parser_bounds_what_it_reads_itself(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100
    with pytest.raises(ParseError) as caught:
        parsers.JSONParser().parse(io.BytesIO(b'{"body": "' + b"x" * 200 + b'"}'))
    assert caught.value.detail == parsers.body_too_large_message()


# --- Text PostgreSQL can store ---------------------------------------------------------

BAD_TEXT = {"lone high surrogate": "\ud800", "lone low surrogate": "x\udfff", "NUL": "a\u0000b"}
GOOD_TEXT = {"emoji": "😀", "emoji pair escaped": "\U0001f600 \u00e9"}


def string_cases() -> list[tuple]:
    return [
        (method, path, field)
        for method, path in json_write_operations()
        for field in string_fields(request_schema(method, path))
    ]


def put(body, field: tuple, value):
    node = body
    for step in field[:-1]:
        node = node[step]
    node[field[-1]] = value
    return body


def at(detail, field: tuple):
    for step in field:
        detail = detail[step]
    return detail


def test_every_string_field_is_found():
    fields = {(path, ".".join(map(str, field))) for _method, path, field in string_cases()}
    assert ("/api/proposals/", "changes.0.proficiency") in fields
    assert ("/api/proposals/{id}/reject/", "reason") in fields
    assert len(fields) >= 16


@pytest.mark.parametrize(("method", "path", "field"), string_cases(), ids=str)
def test_text_postgresql_cannot_store_is_a_400_naming_the_field(world, request, method, path, field):
    for payload, text in BAD_TEXT.items():
        body = put(VALID_BODIES[method, path](world), field, text)
        response = send(method, path, world, request, json.dumps(body))  # ensure_ascii: "\ud800" as an escape
        assert response.status_code == 400, (payload, response.content[:300])
        messages = at(response.json(), field)
        assert messages and all("unpaired surrogate" in message for message in messages), (payload, messages)
    for payload, text in GOOD_TEXT.items():
        body = put(VALID_BODIES[method, path](world), field, text)
        response = send(method, path, world, request, json.dumps(body, ensure_ascii=payload.endswith("escaped")))
        # Accepted, refused by the field's own rules (a slug, a choice), or 409 once the first has decided.
        assert response.status_code < 500, (payload, response.content[:300])


# --- Lengths as sent ----------------------------------------------------------------------
# A limit the schema states (maxLength) holds for the text as sent: whitespace a field trims does not make an
# over-long value fit, and nothing over the limit is stored.

PADDINGS = {"space": " ", "tab": "\t", "form feed": "\x0c", "vertical tab": "\x0b", "NBSP": "\xa0", "U+2028": "\u2028"}


def limited_string_fields(node: dict, path: tuple = ()) -> list[tuple]:
    """(path, maxLength, slug) of the length-limited string fields of a request schema; an array's at its first item."""
    node = resolve(node)
    if node.get("type") == "object":
        return [
            found for name, child in node["properties"].items() for found in limited_string_fields(child, (*path, name))
        ]
    if node.get("type") == "array":
        return limited_string_fields(node["items"], (*path, 0))
    if node.get("type") == "string" and "maxLength" in node:
        return [(path, node["maxLength"], "pattern" in node)]
    return []


def length_cases() -> list[tuple]:
    return [
        (method, path, *found)
        for method, path in json_write_operations()
        for found in limited_string_fields(request_schema(method, path))
    ]


def test_every_limited_field_is_found():
    fields = {(path, ".".join(map(str, field))) for _method, path, field, _limit, _slug in length_cases()}
    assert {("/api/teams/", "name"), ("/api/me/plan/", "level"), ("/api/proposals/", "changes.0.role")} <= fields
    assert len(fields) >= 16


def text_columns() -> list[tuple]:
    return [
        (model, field)
        for model in apps.get_models()
        if model._meta.app_label in ("accounts", "growth", "proposals", "skills", "teams")
        for field in model._meta.concrete_fields
        if isinstance(field, CharField | TextField)
    ]


def nothing_stored_over_its_model_limit() -> bool:
    return not any(
        model._default_manager.annotate(length=Length(field.name)).filter(length__gt=field.max_length).exists()
        for model, field in text_columns()
        if field.max_length
    )


def stored_anywhere(text: str) -> bool:
    return any(
        model._default_manager.filter(**{f"{field.name}__contains": text}).exists() for model, field in text_columns()
    )


# Text that names something (like a slug does), so that the longest value names nothing.
LOOKUPS = {("post", "/api/teams/{slug}/members/", ("user",))}


def error_at(detail, field: tuple):
    """The messages for a field; a list's item errors may come keyed by index ("0") or in a list."""
    for step in field:
        detail = detail[step] if isinstance(detail, list) else detail[str(step)]
    return detail


@pytest.mark.parametrize(("method", "path", "field", "limit", "slug"), length_cases(), ids=str)
def test_a_limit_holds_for_the_text_as_sent(world, request, method, path, field, limit, slug):
    at_limit = (str(at(VALID_BODIES[method, path](world), field)) + "a" * limit)[:limit]
    too_long = {"plain": at_limit + "a"}
    for kind, padding in PADDINGS.items():
        too_long |= {f"{kind} before": padding + at_limit, f"{kind} after": at_limit + padding}
    too_long["only whitespace"] = " " * (limit + 1)
    message = f"Ensure this field has no more than {limit} characters."
    for kind, value in too_long.items():
        response = send(method, path, world, request, put(VALID_BODIES[method, path](world), field, value))
        assert response.status_code == 400, (kind, response.content[:300])
        assert error_at(response.json(), field) == [message], kind
    assert nothing_stored_over_its_model_limit()
    assert not stored_anywhere(at_limit)  # not even trimmed
    response = send(method, path, world, request, put(VALID_BODIES[method, path](world), field, at_limit))
    assert response.status_code < 500, response.content[:300]
    if slug or (method, path, field) in LOOKUPS:  # names nothing at the limit: refused for that, not its length
        assert response.status_code in (200, 201) or message not in str(response.json()), response.content[:300]
    else:
        assert response.status_code in (200, 201), response.content[:300]
    assert nothing_stored_over_its_model_limit()


M = "message"


def shape(detail):
    """The error detail with each list of messages as [M]."""
    if isinstance(detail, dict):
        return {key: shape(value) for key, value in detail.items()}
    if detail and all(isinstance(item, str) for item in detail):
        return [M]
    return [shape(item) for item in detail]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ('"\\ud800"', {"non_field_errors": [M]}),
        ('{"\\u0000key": 1}', {"\\u0000key": [M]}),
        ('{"changes": [{}, {}, {"proficiency": "\\udfff"}]}', {"changes": [{}, {}, {"proficiency": [M]}]}),
        ('[1, "\\ud800"]', {"non_field_errors": [M]}),
        (
            '{"a": ["ok", "\\u0000"], "b": "\\ud800", "c": {"d": "\\u0000"}}',
            {"a": [{}, [M]], "b": [M], "c": {"d": [M]}},
        ),
    ],
)
def test_bad_text_is_named_where_it_is(world, request, body, expected):
    response = send("post", "/api/proposals/", world, request, body)
    assert response.status_code == 400
    assert shape(response.json()) == expected


def test_a_body_with_surrogates_in_raw_bytes_is_a_400(world, request):
    raw = b'{"body": "\xed\xa0\x80"}'  # a surrogate encoded as UTF-8: not UTF-8
    response = send("post", "/api/skills/{slug}/comments/", world, request, raw)
    assert response.status_code == 400


def test_no_view_takes_drf_s_own_json_parser():
    """A view with its own parser list must list the project's parser: DRF's would parse any depth."""
    from tests.helpers import ROOT

    offenders = [
        str(path.relative_to(ROOT))
        for package in ("skillmatrix", "skills", "proposals", "growth", "teams", "accounts", "bench")
        for path in (ROOT / package).rglob("*.py")
        if path != ROOT / "skillmatrix" / "parsers.py" and "rest_framework.parsers" in path.read_text()
    ]
    assert offenders == []
