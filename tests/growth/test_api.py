"""Growth plan API: /api/me/plan/ and its ticks; who may call, what comes back, bad input, query counts."""

import pytest
import yaml
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from growth import services
from growth.models import PlanProfile, Tick
from skills.models import Expectation, Level, slug_max_length
from tests.factories import UserFactory, make_catalog

PLAN = "/api/me/plan/"


def api(user=None, *, token=False) -> APIClient:
    client = APIClient()
    if user is not None:
        if token:
            client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
        else:
            client.force_authenticate(user)
    return client


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", PLAN),
        ("put", PLAN),
        ("post", "/api/me/plan/ticks/zeta/senior/"),
        ("delete", "/api/me/plan/ticks/zeta/senior/"),
    ],
)
def test_anonymous_callers_get_401(world, method, url):
    response = getattr(APIClient(), method)(url, {"role": "data-scientist", "level": "middle"}, format="json")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Token")
    assert not PlanProfile.objects.exists() and not Tick.objects.exists()


def test_the_plan_of_a_member_without_a_role(member, world):
    response = api(member).get(PLAN)
    assert response.status_code == 200
    assert response.json() == {
        "state": "unset",
        "role": None,
        "level": None,
        "next_level": None,
        "progress": {"done": 0, "total": 0, "required_done": 0, "required_total": 0, "changed_since_tick": 0},
        "items": [],
    }


def test_the_plan_with_a_token_lists_the_items_in_page_order(planner, world):
    services.tick_set(user=planner, cell=world.cells["zeta@senior"])
    response = api(planner, token=True).get(PLAN)
    assert response.status_code == 200
    data = response.json()
    assert (data["state"], data["role"], data["level"], data["next_level"]) == (
        "ready",
        {"slug": "data-scientist", "name": "Data Scientist"},
        {"slug": "middle", "name": "Middle"},
        {"slug": "senior", "name": "Senior"},
    )
    assert data["progress"] == {"done": 1, "total": 4, "required_done": 0, "required_total": 2, "changed_since_tick": 0}
    assert [item["skill"]["slug"] for item in data["items"]] == ["kappa", "beta", "zeta", "delta"]
    zeta = data["items"][2]
    assert zeta == {
        "domain": {"slug": "alpha", "name": "Alpha"},
        "skill": {"slug": "zeta", "name": "Zeta"},
        "level": "senior",
        "required": False,
        "proficiency": "advanced",
        "description": "Logs runs automatically.",
        "version": 1,
        "current": {
            "level": "middle",
            "required": False,
            "proficiency": "working",
            "description": "Logs runs by hand.",
            "version": 1,
        },
        "changes": ["Proficiency: Working → Advanced"],
        "done": True,
        "ticked_version": 1,
        "ticked_description": "Logs runs automatically.",
        "changed_since_tick": False,
    }
    assert data["items"][0]["current"] is None and data["items"][0]["changes"] == ["New at Senior"]


def test_the_top_level_state(member, world):
    services.plan_settings_save(user=member, role=world.role, level=world.lead)
    data = api(member).get(PLAN).json()
    assert (data["state"], data["next_level"], data["items"]) == ("top", None, [])


def test_setting_role_and_level(member, world):
    response = api(member).put(PLAN, {"role": "ml-engineer", "level": "senior"}, format="json")
    assert response.status_code == 200
    assert response.json()["next_level"] == {"slug": "lead", "name": "Lead / Staff"}
    profile = PlanProfile.objects.get(user=member)
    assert (profile.role, profile.level) == (world.other_role, world.senior)


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({"role": "no-such-role", "level": "middle"}, {"role": ["No role with this slug."]}),
        ({"role": "data-scientist", "level": "nope"}, {"level": ["No level with this slug."]}),
        (
            {"role": "data-scientist", "level": "principal"},
            {"level": ["The role Data Scientist has no level Principal."]},
        ),
        ({"role": 7, "level": "middle"}, {"role": ["Not a valid string."]}),
        ({"level": "middle"}, {"role": ["This field is required."]}),
        ({"role": "bad slug!", "level": "middle"}, None),
        ({"role": "x" * 500, "level": "middle"}, None),
    ],
)
def test_bad_settings_are_400_with_field_messages(member, world, body, errors):
    response = api(member).put(PLAN, body, format="json")
    assert response.status_code == 400
    if errors is not None:
        assert response.json() == errors
    else:
        assert "role" in response.json()
    assert not PlanProfile.objects.exists()


@pytest.mark.parametrize("padding", ["\x0c", " ", "\t", "\u00a0"])
def test_a_slug_longer_than_the_limit_as_sent_is_refused_even_when_trimming_would_fit_it(member, world, padding):
    limit = slug_max_length(Level)
    response = api(member).put(PLAN, {"role": "data-scientist", "level": padding + "m" * limit}, format="json")
    assert response.status_code == 400
    assert response.json() == {"level": [f"Ensure this field has no more than {limit} characters."]}
    assert not PlanProfile.objects.exists()


def test_a_form_body_is_refused(member, world):
    form = "application/x-www-form-urlencoded"
    response = api(member).put(PLAN, "role=data-scientist&level=middle", content_type=form)
    assert response.status_code == 415


def test_ticking_and_unticking(planner, world):
    client = api(planner)
    response = client.post("/api/me/plan/ticks/zeta/senior/")
    assert response.status_code == 200
    body = response.json()
    assert {key: body[key] for key in ("skill", "role", "level", "ticked_version", "version")} == {
        "skill": "zeta",
        "role": "data-scientist",
        "level": "senior",
        "ticked_version": 1,
        "version": 1,
    }
    assert Tick.objects.get(user=planner).expectation == world.cells["zeta@senior"]
    assert client.post("/api/me/plan/ticks/zeta/senior/").status_code == 200  # again: still one tick
    assert Tick.objects.filter(user=planner).count() == 1

    assert client.delete("/api/me/plan/ticks/zeta/senior/").status_code == 204
    assert not Tick.objects.exists()
    assert client.delete("/api/me/plan/ticks/zeta/senior/").status_code == 204  # idempotent


def test_a_tick_survives_an_edit_in_the_api(planner, world):
    target = world.cells["beta@senior"]
    api(planner).post("/api/me/plan/ticks/beta/senior/")
    Expectation.objects.filter(pk=target.pk).update(description="Builds and maintains dashboards.")
    beta = next(item for item in api(planner).get(PLAN).json()["items"] if item["skill"]["slug"] == "beta")
    assert (beta["done"], beta["changed_since_tick"], beta["version"], beta["ticked_version"]) == (True, True, 2, 1)
    assert beta["ticked_description"] == "Builds dashboards."
    assert beta["description"] == "Builds and maintains dashboards."


@pytest.mark.parametrize(
    "url",
    [
        "/api/me/plan/ticks/middle-only/senior/",
        "/api/me/plan/ticks/zeta/middle/",
        "/api/me/plan/ticks/zeta/lead/",
        "/api/me/plan/ticks/no-such-skill/senior/",
    ],
)
@pytest.mark.parametrize("method", ["post", "delete"])
def test_items_outside_the_plan_are_404_with_a_message(planner, url, method):
    response = getattr(api(planner), method)(url)
    assert response.status_code == 404
    assert response.json() == {"detail": "This item is not in your growth plan."}
    assert not Tick.objects.exists()


def test_without_a_plan_ticks_are_404(member, world):
    assert api(member).post("/api/me/plan/ticks/zeta/senior/").status_code == 404


def test_the_schema_documents_the_plan_operations(client):
    schema = yaml.safe_load(client.get("/api/schema/").content)
    plan = schema["paths"]["/api/me/plan/"]
    assert set(plan) >= {"get", "put"}
    assert plan["get"]["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/PlanOut"
    }
    assert "401" in plan["get"]["responses"]
    ticks = schema["paths"]["/api/me/plan/ticks/{skill}/{level}/"]
    assert set(ticks) >= {"post", "delete"}
    assert "404" in ticks["post"]["responses"]
    assert set(schema["components"]["schemas"]["PlanItemOut"]["properties"]) >= {"done", "changed_since_tick"}


@pytest.mark.parametrize(("skills", "roles"), [(3, 2), (80, 6)])
def test_the_plan_costs_the_same_queries_whatever_the_catalog_size(django_assert_num_queries, levels, skills, roles):
    catalog = make_catalog(skills=skills, roles=roles, levels=levels)
    user = UserFactory(username="counted")
    services.plan_settings_save(user=user, role=catalog["roles"][0], level=catalog["levels"][1])
    client = api(user, token=True)
    # token and user, the plan's profile, the role's levels, the cells with their ticks
    with django_assert_num_queries(4):
        response = client.get(PLAN)
    assert len(response.json()["items"]) == skills
