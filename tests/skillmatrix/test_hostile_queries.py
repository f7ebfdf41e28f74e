"""Query strings, form posts and path segments carrying what PostgreSQL cannot store (NUL), broken UTF-8
(a surrogate's bytes %ED%A0%80, a lone %FF), JSON, or numbers out of range: every page and API endpoint
answers normally or with a 4xx, never a 5xx.

Django decodes query strings and form bodies leniently (broken UTF-8 becomes U+FFFD) but passes %00 through
as NUL; each view then validates what it reads. The URLs come from the URL resolver, so a new page is tried
as soon as it is routed.
"""

import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import URLResolver, get_resolver

from growth import services as growth_services
from proposals import services
from proposals.throttling import WriteRateThrottle
from skills.models import Expectation
from teams import services as team_services
from tests.factories import make_catalog

# Every query parameter a view reads (grep request.GET, query_params and the forms bound to them).
PARAMETERS = [
    "q", "page", "as_of", "level", "comments", "status", "skill", "domain", "group", "role", "search",
    "lang", "queue", "preset", "target", "a", "b", "role_a", "role_b", "next", "format", "token",
]  # fmt: skip
# Tried in each parameter alone: what a view might pass on to PostgreSQL or to int().
ALONE = ["%00", "99999999999999999999999"]
# Tried in every parameter at once: Django turns broken UTF-8 into U+FFFD, so each view sees ordinary text.
TOGETHER = [
    "a%00b",
    "%ED%A0%80",  # the UTF-8 bytes of a lone surrogate, \ud800
    "%FF%FE",
    "%F0%9F%98%80",  # 😀
    "%7B%22a%22%3A%5B%5B%5B%5D%5D%5D%7D",  # {"a": [[[]]]}
    "-1",
]
# Slow to build or not about query strings: tried with the parameters they read only.
FEW_PARAMETERS = {"api/schema/": ["format", "lang"], "api/docs/": ["lang"], "roles/{role}/career-track.pdf": ["lang"]}


def routes() -> list[str]:
    """Every route outside the admin, as a template with {skill}, {role}, {proposal} ... for its parameters."""
    found = []

    def walk(patterns, prefix):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                if not route.startswith("admin"):
                    walk(pattern.url_patterns, route)
            elif "format" not in pattern.pattern.regex.groupindex:
                found.append(template(route))

    walk(get_resolver().url_patterns, "")
    return sorted(set(found))


def template(route: str) -> str:
    route = route.replace("^", "").replace("$", "").replace("\\.", ".")
    kind = next(
        (
            k
            for k in ("skill", "role", "domain", "level", "comment", "team")
            if f"{k}s/<" in route or f"{k}s/(" in route
        ),
        "",
    )

    def name(match):
        parameter = match.group(1) or match.group(2)
        if parameter in ("slug", "pk"):
            return "{" + (kind or "proposal") + "}"
        return "{" + parameter + "}"

    return re.sub(r"<\w+:(\w+)>|\(\?P<(\w+)>[^)]*\)", name, route)


@pytest.fixture
def world(levels, reviewer, author, monkeypatch):
    cache.clear()
    monkeypatch.setattr(WriteRateThrottle, "THROTTLE_RATES", {"comments": "100000/min", "proposals": "100000/min"})
    catalog = make_catalog(skills=2, roles=2, levels=levels)
    skill = catalog["skills"][0]
    cell = Expectation.objects.filter(skill=skill).select_related("role", "level").order_by("pk").first()
    change = services.ChangeInput(
        role=cell.role, level=cell.level, description="New.", required=False, proficiency="working"
    )
    proposal = services.proposal_create(author=author, skill=skill, rationale="Why.", changes=[change])
    comment = services.comment_create(author=author, skill=skill, body="Mine.")
    growth_services.plan_settings_save(user=reviewer, role=cell.role, level=levels[0])
    team = team_services.team_create(user=reviewer, name="Core")
    team_services.member_invite(team=team, by=reviewer, identifier=author.username)
    team_services.invitation_accept(team=team, user=author)
    return {
        "team": team.slug,
        "username": author.username,
        "skill": skill.slug,
        "role": cell.role.slug,
        "level": cell.level.slug,
        "domain": catalog["group"].domain.slug,
        "proposal": proposal.pk,
        "comment": comment.pk,
        "key": "abc",
        "uidb36": "1",
        "cell": cell,
    }


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_routes_are_found():
    found = routes()
    assert "search/" in found
    assert "skills/{skill}/{role}/{level}/" in found
    assert "api/skills/" in found
    assert "api/comments/{comment}/" in found
    assert len(found) >= 60


@pytest.mark.parametrize("route", routes())
def test_hostile_query_strings_are_never_a_server_error(world, reviewer, route):
    client = signed_in(reviewer)  # a reviewer with a growth plan sees every page there is
    path = "/" + route.format(**world)
    if route in FEW_PARAMETERS:
        queries = [f"{parameter}={value}" for parameter in FEW_PARAMETERS[route] for value in ("%00", "%ED%A0%80")]
    else:
        queries = [f"{parameter}={value}" for parameter in PARAMETERS for value in ALONE]
        queries += ["&".join(f"{parameter}={value}" for parameter in PARAMETERS) for value in TOGETHER]
    for query in queries:
        response = client.get(f"{path}?{query}")
        assert response.status_code < 500, (path, query)


@pytest.mark.parametrize("route", [route for route in routes() if "{" in route])
def test_hostile_path_segments_are_never_a_server_error(world, reviewer, route):
    client = signed_in(reviewer)
    for value in ["%00", "%ED%A0%80", "99999999999999999999999"]:
        for name in re.findall(r"{(\w+)}", route):
            path = "/" + route.format(**(world | {name: value}))
            for method in ("get", "post"):
                response = getattr(client, method)(path)
                assert response.status_code < 500, (method, path)


def form_fields(world) -> list[str]:
    prefix = f"{world['role']}--{world['level']}"
    fields = ["body", "reason", "note", "rationale", "action", "next", "language", "role", "level", "check", "token"]
    fields += ["review_notices", "watch_notices", "own_notices"]
    fields += ["email", "login", "password", "password1", "password2", "username", "oldpassword", "remember"]
    return fields + [f"{prefix}-{name}" for name in ("description", "required", "proficiency", "version", "original")]


# The fields a view keeps as text (the others are choices, flags and numbers, refused whole by their forms).
FREE_TEXT = ("body", "reason", "note", "rationale", "description", "username", "email", "login")


def form_cases() -> list[tuple[str, str]]:
    """(route, who) of the pages: the signed-out ones as a visitor, the others as the author and a reviewer."""
    pages = [route for route in routes() if not route.startswith("api/") and not route.endswith(".pdf")]
    return [
        (route, who)
        for route in pages
        for who in (["anonymous"] if route.startswith(("accounts/", "i18n/")) else []) + ["author", "reviewer"]
    ]


@pytest.mark.parametrize(("route", "who"), form_cases())
def test_hostile_form_posts_are_never_a_server_error(world, request, route, who):
    client = Client() if who == "anonymous" else signed_in(request.getfixturevalue(who))
    path = "/" + route.format(**world)
    fields = form_fields(world)
    if client.post(path).status_code == 405:
        return  # a page that takes no posts
    bodies = [{name: value for name in fields} for value in ["%ED%A0%80", "%FF", "%00"]]
    if who != "reviewer":  # a NUL in one free-text field at a time: a refusal of one must not hide another
        free_text = [name for name in fields if name.endswith(FREE_TEXT)]
        bodies += [{name: "x" for name in fields} | {field: "a%00b"} for field in free_text]
    for body in bodies:
        encoded = "&".join(f"{name}={value}" for name, value in body.items())
        response = client.post(path, encoded, content_type="application/x-www-form-urlencoded")
        assert response.status_code < 500, (path, body)


@pytest.mark.parametrize(
    "body",
    ["body=" + "x" * 3_000_000, "&".join(f"f{number}=x" for number in range(1001))],
    ids=["over DATA_UPLOAD_MAX_MEMORY_SIZE", "over DATA_UPLOAD_MAX_NUMBER_FIELDS"],
)
def test_an_oversized_form_post_is_a_clean_400(world, author, body):
    response = signed_in(author).post(
        f"/skills/{world['skill']}/comments/", body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 400
