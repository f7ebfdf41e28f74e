"""The teams API: every operation tried by every persona, bad input, and leaving."""

import json

import pytest

from teams.models import TEAM_NAME_MAX_LENGTH, Assessment, Membership
from tests.teams.helpers import SECRET_NOTE, SECRET_URL, client_for

PERSONAS = ["anonymous", "outsider", "invitee", "teammate", "member", "lead", "other_lead", "staff"]
SEES_EVIDENCE = {"member", "lead", "staff"}

# (method, path, body, {persona: status}); the team is "core", its subject "member".
OPERATIONS = [
    ("get", "/api/teams/", None, dict.fromkeys(PERSONAS[1:], 200)),
    ("post", "/api/teams/", {"name": "Fresh"}, dict.fromkeys(PERSONAS[1:], 201)),
    (
        "get",
        "/api/teams/core/",
        None,
        {"outsider": 404, "invitee": 200, "teammate": 200, "member": 200, "lead": 200, "other_lead": 404, "staff": 200},
    ),
    (
        "post",
        "/api/teams/core/members/",
        {"user": "outsider"},
        {"outsider": 404, "invitee": 403, "teammate": 403, "member": 403, "lead": 201, "other_lead": 404, "staff": 403},
    ),
    (
        "post",
        "/api/teams/core/accept/",
        None,
        {"outsider": 404, "invitee": 200, "teammate": 400, "member": 400, "lead": 400, "other_lead": 404, "staff": 400},
    ),
    (
        "post",
        "/api/teams/core/decline/",
        None,
        {"outsider": 404, "invitee": 204, "teammate": 400, "member": 400, "lead": 400, "other_lead": 404, "staff": 400},
    ),
    (
        "delete",
        "/api/teams/core/members/member/",
        None,
        {"outsider": 404, "invitee": 403, "teammate": 403, "member": 204, "lead": 204, "other_lead": 404, "staff": 403},
    ),
    (
        "get",
        "/api/me/assessments/tracking/",
        None,
        {"outsider": 404, "invitee": 404, "teammate": 200, "member": 200, "lead": 200, "other_lead": 404, "staff": 404},
    ),
    (
        "put",
        "/api/me/assessments/tracking/",
        {"level": "senior", "note": "Mine."},
        {"outsider": 400, "invitee": 400, "teammate": 200, "member": 200, "lead": 200, "other_lead": 400, "staff": 400},
    ),
    (
        "put",
        "/api/teams/core/members/member/assessments/tracking/",
        {"level": "junior", "note": "Lead's view."},
        {"outsider": 404, "invitee": 403, "teammate": 403, "member": 403, "lead": 200, "other_lead": 404, "staff": 403},
    ),
    (
        "get",
        "/api/teams/core/matrix/",
        None,
        {"outsider": 404, "invitee": 403, "teammate": 403, "member": 403, "lead": 200, "other_lead": 404, "staff": 200},
    ),
]


def call(client, method: str, path: str, body=None):
    if body is None:
        return getattr(client, method)(path)
    return getattr(client, method)(path, data=json.dumps(body), content_type="application/json")


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("method", "path", "body", "expected"), OPERATIONS, ids=[f"{o[0]} {o[1]}" for o in OPERATIONS])
def test_access_matrix(cast, assessed, persona, method, path, body, expected):
    response = call(client_for(cast[persona]), method, path, body)
    assert response.status_code == expected.get(persona, 401), response.content
    if persona not in SEES_EVIDENCE:
        assert SECRET_NOTE.encode() not in response.content
        assert SECRET_URL.encode() not in response.content


@pytest.mark.parametrize("persona", ["member", "lead", "staff"])
def test_who_may_see_the_evidence_sees_it(cast, assessed, persona):
    path = "/api/me/assessments/tracking/" if persona == "member" else "/api/teams/core/matrix/"
    response = client_for(cast[persona]).get(path)
    assert SECRET_NOTE in response.content.decode()
    assert SECRET_URL in response.content.decode()


def test_my_assessment_shows_self_lead_gap_and_history(cast, assessed):
    client = client_for(cast["member"])
    response = call(client, "put", "/api/me/assessments/tracking/", {"level": "lead", "evidence_url": "", "note": ""})
    data = response.json()
    assert response.status_code == 200
    assert (data["expected_level"], data["required"], data["disagree"], data["gap"]) == ("middle", True, True, 0)
    assert (data["self"]["level"], data["lead"]["level"], data["lead"]["assessor"]) == ("lead", "middle", "lead")
    assert [row["level"] for row in data["history"]] == ["lead", "middle", "senior"]
    none = call(client, "put", "/api/me/assessments/tracking/", {"level": None}).json()
    assert none["self"]["level"] is None
    assert Assessment.objects.filter(subject=cast["member"], kind="self").count() == 3


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"level": "principal"}, "level"),  # not one of the role's levels
        ({"level": "nope"}, "level"),
        ({"level": 3}, "level"),
        ({}, "level"),
        ({"level": "senior", "evidence_url": "javascript:alert(1)"}, "evidence_url"),
        ({"level": "senior", "note": "x" * 2001}, "note"),
    ],
)
def test_bad_assessment_input_is_a_field_error(cast, world, body, field):
    response = call(client_for(cast["member"]), "put", "/api/me/assessments/tracking/", body)
    assert response.status_code == 400
    assert field in response.json()
    assert not Assessment.objects.exists()


def test_a_skill_outside_the_role_or_unknown_is_404(cast, world):
    client = client_for(cast["member"])
    assert call(client, "put", "/api/me/assessments/elsewhere/", {"level": None}).status_code == 400
    assert client.get("/api/me/assessments/elsewhere/").status_code == 404
    assert client.get("/api/me/assessments/unknown/").status_code == 404


def test_invite_errors_and_a_form_body_are_refused(cast, world):
    client = client_for(cast["lead"])
    response = call(client, "post", "/api/teams/core/members/", {"user": "ghost@example.com"})
    assert response.status_code == 400 and "user" in response.json()
    assert client.post("/api/teams/core/members/", {"user": "outsider"}).status_code == 415


def test_create_gives_201_and_a_free_address(cast, world):
    client = client_for(cast["outsider"])
    created = call(client, "post", "/api/teams/", {"name": "Data Platform"})
    assert created.status_code == 201
    assert created.json()["my_role"] == "lead" and created.json()["slug"] == "data-platform"
    again = call(client, "post", "/api/teams/", {"name": "Data Platform"})
    assert again.status_code == 201 and again.json()["slug"] == "data-platform-2"
    empty = call(client, "post", "/api/teams/", {"name": "  "})
    assert empty.status_code == 400 and "name" in empty.json()


@pytest.mark.parametrize("padding", ["\x0c", " ", "\n"])
def test_a_name_longer_than_the_limit_as_sent_is_refused_even_when_trimming_would_fit_it(cast, world, padding):
    client = client_for(cast["outsider"])
    response = call(client, "post", "/api/teams/", {"name": padding + "a" * TEAM_NAME_MAX_LENGTH})
    assert response.status_code == 400 and "name" in response.json()
    assert call(client, "post", "/api/teams/", {"name": "a" * TEAM_NAME_MAX_LENGTH}).status_code == 201


def test_the_last_lead_names_a_successor_to_leave_and_then_sees_nothing(cast, world, assessed):
    client = client_for(cast["lead"])
    refused = client.delete("/api/teams/core/members/lead/")
    assert refused.status_code == 400 and "new_lead" in refused.json()
    assert client.get("/api/teams/core/matrix/").status_code == 200
    assert client.delete("/api/teams/core/members/lead/?new_lead=teammate").status_code == 204
    assert Membership.objects.get(team=world.team, user=cast["teammate"]).is_lead
    for path in ("/api/teams/core/matrix/", "/api/teams/core/"):
        response = client.get(path)
        assert response.status_code == 404
        assert SECRET_NOTE.encode() not in response.content


def test_a_member_who_leaves_is_out_of_the_leads_matrix_at_once(cast, world, assessed):
    assert client_for(cast["member"]).delete("/api/teams/core/members/member/").status_code == 204
    response = client_for(cast["lead"]).get("/api/teams/core/matrix/")
    assert [person["username"] for person in response.json()["people"]] == ["lead", "teammate"]
    assert SECRET_NOTE.encode() not in response.content
    assert (
        call(
            client_for(cast["lead"]), "put", "/api/teams/core/members/member/assessments/tracking/", {"level": None}
        ).status_code
        == 404
    )


def test_the_matrix_shape(cast, world, assessed):
    data = client_for(cast["lead"]).get("/api/teams/core/matrix/").json()
    assert [skill["slug"] for skill in data["skills"]] == ["dashboards", "tracking", "testing"]
    member = next(person for person in data["people"] if person["username"] == "member")
    assert (member["role"], member["level"], member["team_role"]) == ("data-scientist", "middle", "member")
    tracking = next(cell for cell in member["cells"] if cell["skill"] == "tracking")
    assert tracking["expected_level"] == "middle"
    assert (tracking["self"]["level"], tracking["lead"]["level"], tracking["disagree"]) == ("senior", "middle", True)


def test_the_schema_lists_the_operations_with_examples(client, db):
    schema = client.get("/api/schema/?format=json").json()
    paths = schema["paths"]
    assert {"get", "post"} <= set(paths["/api/teams/"])
    assert "delete" in paths["/api/teams/{slug}/members/{username}/"]
    assert {"get", "put"} <= set(paths["/api/me/assessments/{skill}/"])
    assert "put" in paths["/api/teams/{slug}/members/{username}/assessments/{skill}/"]
    assert "get" in paths["/api/teams/{slug}/matrix/"]
    examples = paths["/api/me/assessments/{skill}/"]["put"]["requestBody"]["content"]["application/json"]["examples"]
    assert examples
