"""Hostile input: stored and reflected XSS payloads render clean; bad input to every form and endpoint is a
clear 400 that writes nothing.

tests/browser/test_xss.py plants the same payloads and checks in Chromium that none of them runs.
"""

import json

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.cache import cache
from rest_framework.test import APIClient

from proposals import services
from proposals.models import Comment, Proposal, ProposalChange, Watch
from proposals.throttling import WriteRateThrottle
from skills.models import Expectation
from tests.payloads import SEED, hazards, plant, xss_payloads

PAYLOADS = xss_payloads()


@pytest.fixture(autouse=True)
def _no_rate_limits(monkeypatch):
    # DRF copies the configured rates onto the throttle class at import time, so a settings override would not reach it.
    monkeypatch.setattr(WriteRateThrottle, "THROTTLE_RATES", {"comments": "100000/min", "proposals": "100000/min"})


def test_the_corpus_is_large_and_varied():
    assert len(PAYLOADS) >= 50
    assert len(set(PAYLOADS)) == len(PAYLOADS)
    for marker in ["<script", "onerror=", "javascript:", "<svg", "](javascript:", "data:text/html", "\u202e"]:
        assert any(marker in payload.lower() for payload in PAYLOADS), marker


def test_the_hazard_check_sees_the_raw_payloads():
    """Without the sanitizer most payloads would put script-capable markup on the page: the checks below can fail."""
    flagged = [payload for payload in PAYLOADS if hazards(payload)]
    assert len(flagged) >= 45


# --- Stored: comments, rationales, proposed and approved descriptions ------------------------


@pytest.fixture
def planted(seeded_catalog, author, reviewer):
    return plant(PAYLOADS, author=author, reviewer=reviewer)


def stored_pages(client, planted) -> list[str]:
    pages = [f"/skills/{SEED}/", "/proposals/", "/proposals/?status=open", "/roles/data-scientist/"]
    pages += [f"/skills/{SEED}/{role}/{level}/" for role, level in planted.cells]
    pages += [f"/proposals/{pk}/" for pk in planted.proposals]
    pages += [f"/skills/{SEED}/?level={level}" for level in ("junior", "middle", "senior", "lead")]
    for base in (f"/skills/{SEED}/history/?page=", f"/skills/{SEED}/?comments="):
        number = 1
        while True:  # every page of the history and of the server-rendered comments
            pages.append(f"{base}{number}")
            if f"{base.split('?')[1]}{number + 1}" not in client.get(pages[-1]).content.decode():
                break
            number += 1
    return pages


@pytest.mark.parametrize("who", ["anonymous", "reviewer"])
def test_stored_payloads_render_clean_on_every_page(client, planted, request, who):
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))  # reviewers also see hidden comments
    found = {}
    pages = stored_pages(client, planted)
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        if problems := hazards(response.content.decode()):
            found[url] = problems
    assert found == {}
    assert len(pages) >= 25


def test_stored_payloads_come_clean_out_of_the_api(planted, reviewer):
    client = APIClient()
    client.force_authenticate(reviewer)
    bodies = []
    url = f"/api/skills/{SEED}/comments/"
    while url:
        data = client.get(url).json()
        bodies += [comment["body_html"] for comment in data["results"]]
        url = data["next"]
    for pk in planted.proposals:
        bodies += [comment["body_html"] for comment in client.get(f"/api/proposals/{pk}/comments/").json()["results"]]
    assert len(bodies) >= len(PAYLOADS)
    assert {html: hazards(html) for html in bodies if hazards(html)} == {}
    # The raw text is kept as written (it is data), and only ever shown escaped or sanitized.
    assert Comment.objects.filter(body=PAYLOADS[0]).exists()


def test_the_career_track_pdf_is_built_from_the_payloads(client, planted):
    response = client.get("/roles/data-scientist/career-track.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"


# --- Reflected: query strings shown back on the page ---------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "template",
    ["/search/?q={}", f"/skills/{SEED}/?level={{}}", "/proposals/?skill={}&status={}", "/proposals/?domain={}"],
)
def test_reflected_payloads_render_clean(client, seeded_catalog, template):
    found = {}
    for payload in PAYLOADS:
        url = template.replace("{}", "{payload}").format(payload=payload.replace("#", "%23").replace("&", "%26"))
        response = client.get(url)
        assert response.status_code in (200, 400), (url, response.status_code)
        if problems := hazards(response.content.decode()):
            found[url] = problems
    assert found == {}


# --- Oversized, malformed, wrongly typed: 400, and nothing written --------------------------

HUGE = "x" * 5001


def snapshot() -> dict:
    return {
        "comments": list(Comment.objects.values_list("pk", "body", "hidden", "hidden_reason").order_by("pk")),
        "proposals": list(Proposal.objects.values_list("pk", "status", "rationale").order_by("pk")),
        "changes": list(ProposalChange.objects.values_list("pk", "description", "base_version").order_by("pk")),
        "cells": list(Expectation.objects.values_list("pk", "version").order_by("pk")),
        "watches": Watch.objects.count(),
        "users": get_user_model().objects.count(),
        "addresses": EmailAddress.objects.count(),
    }


@pytest.fixture
def targets(db, levels, author, reviewer):
    from tests.factories import make_catalog

    cache.clear()  # rate-limit counters (sign-up among them) live in the database cache
    catalog = make_catalog(skills=1, roles=2, levels=levels)
    skill = catalog["skills"][0]
    cell = Expectation.objects.filter(skill=skill).select_related("role", "level").order_by("pk").first()
    change = services.ChangeInput(
        role=cell.role, level=cell.level, description="New.", required=False, proficiency="working"
    )
    proposal = services.proposal_create(author=author, skill=skill, rationale="Why.", changes=[change])
    comment = services.comment_create(author=author, skill=skill, body="Mine.")
    return {"skill": skill.slug, "proposal": proposal.pk, "comment": comment.pk, "cell": cell}


def suggest_fields(cell: Expectation, **overrides) -> dict:
    prefix = f"{cell.role.slug}--{cell.level.slug}"
    return {"rationale": "Because.", f"{prefix}-description": "Changed text."} | {
        key.replace("PREFIX", prefix): value for key, value in overrides.items()
    }


# (who, path, form data): each answered 400 without writing anything.
BAD_FORMS = [
    ("author", "/skills/{skill}/comments/", {"body": HUGE}),
    ("author", "/skills/{skill}/comments/", {"body": ""}),
    ("author", "/skills/{skill}/comments/", {"body": "a\x00b"}),
    ("author", "/skills/{skill}/comments/", {}),
    ("author", "/proposals/{proposal}/comments/", {"body": HUGE}),
    ("author", "/proposals/{proposal}/comments/", {"body": "   "}),
    ("author", "/comments/{comment}/edit/", {"body": HUGE}),
    ("author", "/comments/{comment}/edit/", {"body": ""}),
    ("reviewer", "/comments/{comment}/hide/", {"reason": "r" * 501}),
    ("reviewer", "/comments/{comment}/hide/", {"reason": ""}),
    ("reviewer", "/proposals/{proposal}/reject/", {"reason": "because-i-said-so"}),
    ("reviewer", "/proposals/{proposal}/reject/", {"reason": "other", "note": HUGE}),
    ("reviewer", "/proposals/{proposal}/reject/", {}),
    ("member", "/skills/{skill}/suggest/", "suggest:rationale=" + HUGE),
    ("member", "/skills/{skill}/suggest/", "suggest:PREFIX-description=" + HUGE),
    ("member", "/skills/{skill}/suggest/", "suggest:PREFIX-proficiency=godlike"),
    ("member", "/skills/{skill}/suggest/", "suggest:PREFIX-version=three"),
    ("member", "/skills/{skill}/suggest/", "suggest:rationale=a\x00b"),
    ("member", "/skills/{skill}/suggest/", "suggest:rationale="),
    ("member", "/skills/{skill}/watch/", {"action": "subscribe-everyone"}),
]


@pytest.mark.parametrize(("who", "path", "data"), BAD_FORMS, ids=[f"{p} {str(d)[:30]}" for _, p, d in BAD_FORMS])
def test_bad_form_input_is_a_400_that_writes_nothing(client, request, targets, who, path, data):
    client.force_login(request.getfixturevalue(who))
    if isinstance(data, str):
        name, _, value = data.removeprefix("suggest:").partition("=")
        data = suggest_fields(targets["cell"], **{name: value})
    before = snapshot()
    response = client.post(path.format(**targets), data)
    assert response.status_code == 400, response.content.decode()[:500]
    assert snapshot() == before


@pytest.mark.parametrize(
    "data",
    [
        {"email": "x" * 300 + "@example.com", "username": "long", "password1": "pw-1234-pw", "password2": "pw-1234-pw"},
        {"email": "not-an-address", "username": "bad", "password1": "pw-1234-pw", "password2": "pw-1234-pw"},
        {"email": "a@example.com", "username": "u" * 200, "password1": "pw-1234-pw", "password2": "pw-1234-pw"},
        {"email": "a@example.com", "username": "nul\x00", "password1": "pw-1234-pw", "password2": "pw-1234-pw"},
        {"email": "a@example.com", "username": "ok", "password1": "x" * 5000, "password2": "y"},
    ],
)
def test_bad_sign_up_input_is_refused_and_writes_nothing(client, db, data):
    cache.clear()
    before = snapshot()
    response = client.post("/accounts/signup/", data)
    # django-allauth shows its forms again with the errors (200), as Django's own auth views do.
    assert response.status_code in (200, 400)
    assert "field__errors" in response.content.decode() or "errorlist" in response.content.decode()
    assert snapshot() == before


def api_client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def change_body(cell: Expectation, **overrides) -> dict:
    return {
        "role": cell.role.slug,
        "level": cell.level.slug,
        "description": "Changed.",
        "required": False,
        "proficiency": "working",
        "base_version": cell.version,
    } | overrides


# (who, method, path, JSON body): each answered 400 without writing anything.
BAD_JSON = [
    ("member", "post", "/api/skills/{skill}/comments/", {"body": HUGE}),
    ("member", "post", "/api/skills/{skill}/comments/", {"body": 123}),
    ("member", "post", "/api/skills/{skill}/comments/", {"body": True}),
    ("member", "post", "/api/skills/{skill}/comments/", {"body": ["a"]}),
    ("member", "post", "/api/skills/{skill}/comments/", {"body": None}),
    ("member", "post", "/api/skills/{skill}/comments/", {"body": "a\x00b"}),
    ("member", "post", "/api/skills/{skill}/comments/", {}),
    ("member", "post", "/api/skills/{skill}/comments/", ["body"]),
    ("member", "post", "/api/skills/{skill}/comments/", "body"),
    ("member", "post", "/api/proposals/{proposal}/comments/", {"body": 4.5}),
    ("author", "patch", "/api/comments/{comment}/", {"body": HUGE}),
    ("author", "patch", "/api/comments/{comment}/", {"body": 7}),
    ("reviewer", "post", "/api/comments/{comment}/hide/", {"reason": "r" * 501}),
    ("reviewer", "post", "/api/comments/{comment}/hide/", {"reason": 1}),
    ("reviewer", "post", "/api/proposals/{proposal}/reject/", {"reason": "whim"}),
    ("reviewer", "post", "/api/proposals/{proposal}/reject/", {"reason": "other", "note": HUGE}),
    ("member", "post", "/api/proposals/", "proposal:rationale=" + HUGE),
    ("member", "post", "/api/proposals/", "proposal:rationale=int"),
    ("member", "post", "/api/proposals/", "proposal:changes=empty"),
    ("member", "post", "/api/proposals/", "proposal:changes=too-many"),
    ("member", "post", "/api/proposals/", "proposal:change.description=" + HUGE),
    ("member", "post", "/api/proposals/", "proposal:change.description=int"),
    ("member", "post", "/api/proposals/", "proposal:change.required=yes"),
    ("member", "post", "/api/proposals/", "proposal:change.base_version=text-number"),
    ("member", "post", "/api/proposals/", "proposal:change.base_version=-1"),
    ("member", "post", "/api/proposals/", "proposal:change.proficiency=godlike"),
    ("member", "post", "/api/proposals/", "proposal:change.role=no-such-role"),
    ("member", "post", "/api/proposals/", "proposal:skill=no-such-skill"),
    ("author", "patch", "/api/proposals/{proposal}/", "proposal:changes=empty"),
    ("author", "patch", "/api/proposals/{proposal}/", "proposal:change.required=1"),
]

SPECIAL = {"int": 5, "yes": "yes", "1": 1, "text-number": "3", "-1": -1}


def proposal_body(targets, spec: str) -> dict:
    name, _, value = spec.removeprefix("proposal:").partition("=")
    value = SPECIAL.get(value, value)
    body = {"skill": targets["skill"], "rationale": "Because.", "changes": [change_body(targets["cell"])]}
    if name == "changes":
        body["changes"] = [] if value == "empty" else [change_body(targets["cell"])] * 101
    elif name.startswith("change."):
        body["changes"][0][name.removeprefix("change.")] = value
    else:
        body[name] = value
    return body


@pytest.mark.parametrize(
    ("who", "method", "path", "body"), BAD_JSON, ids=[f"{m} {p} {str(b)[:30]}" for _, m, p, b in BAD_JSON]
)
def test_bad_api_input_is_a_400_that_writes_nothing(request, targets, who, method, path, body):
    if isinstance(body, str) and body.startswith("proposal:"):
        body = proposal_body(targets, body)
    client = api_client(request.getfixturevalue(who))
    before = snapshot()
    response = getattr(client, method)(path.format(**targets), body, format="json")
    assert response.status_code == 400, response.content.decode()[:500]
    assert isinstance(response.json(), dict | list)
    assert snapshot() == before


@pytest.mark.parametrize(
    ("content", "content_type", "status"),
    [
        ('{"body": "unterminated', "application/json", 400),
        ("body=form+encoded", "application/x-www-form-urlencoded", 415),
        ("<body>xml</body>", "application/xml", 415),
        (b"\xff\xfe\x00binary", "application/json", 400),
        (json.dumps({"body": "x" * 3_000_000}), "application/json", 400),
    ],
    ids=["broken JSON", "form encoded", "XML", "not UTF-8", "3 MB"],
)
def test_malformed_request_bodies_are_refused_and_write_nothing(targets, member, content, content_type, status):
    before = snapshot()
    response = api_client(member).generic("POST", f"/api/skills/{targets['skill']}/comments/", content, content_type)
    assert response.status_code == status
    assert "detail" in response.json() or "body" in response.json()
    assert snapshot() == before
