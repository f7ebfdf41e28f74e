"""Community API: every write endpoint tried by each user of the cast, shapes, errors, query counts."""

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token

from accounts import services as account_services
from proposals import services
from proposals.models import Comment, Proposal, ProposalStatus, Watch
from skills.models import Expectation
from tests.factories import UserFactory, make_catalog
from tests.proposals.helpers import change_for, proposal_body

CAST = ["anonymous", "member", "author", "reviewer", "staff"]


def user_of(request, who):
    return None if who == "anonymous" else request.getfixturevalue(who)


# --- Who may write what --------------------------------------------------------------

# (method, url template, body, expected status for anonymous, member, author, reviewer, staff)
WRITES = [
    ("post", "/api/skills/{skill}/comments/", {"body": "Hi"}, [401, 201, 201, 201, 201]),
    ("post", "/api/proposals/", "proposal_body", [401, 201, 201, 201, 201]),
    ("patch", "/api/proposals/{proposal}/", "update_body", [401, 403, 200, 403, 403]),
    ("post", "/api/proposals/{proposal}/comments/", {"body": "Hi"}, [401, 201, 201, 201, 201]),
    # Staff is a superuser: a reviewer without being in the group.
    ("post", "/api/proposals/{proposal}/approve/", None, [401, 403, 403, 200, 200]),
    ("post", "/api/proposals/{proposal}/reject/", {"reason": "unclear", "note": ""}, [401, 403, 403, 200, 200]),
    # The proposal is open: there is no approval to undo.
    ("post", "/api/proposals/{proposal}/undo/", None, [401, 403, 403, 409, 409]),
    ("post", "/api/proposals/{proposal}/withdraw/", None, [401, 403, 200, 403, 403]),
    ("put", "/api/skills/{skill}/watch/", None, [401, 200, 200, 200, 200]),
    ("delete", "/api/skills/{skill}/watch/", None, [401, 200, 200, 200, 200]),
    ("patch", "/api/comments/{comment}/", {"body": "Edited."}, [401, 403, 200, 403, 403]),
    ("delete", "/api/comments/{comment}/", None, [401, 403, 204, 403, 403]),
    ("post", "/api/comments/{comment}/hide/", {"reason": "Spam"}, [401, 403, 403, 200, 200]),
]


@pytest.mark.parametrize(
    ("method", "url", "body", "who", "expected"),
    [
        pytest.param(method, url, body, who, statuses[i], id=f"{method} {url} as {who}")
        for method, url, body, statuses in WRITES
        for i, who in enumerate(CAST)
    ],
)
def test_write_endpoints_answer_each_user_with_the_exact_status(
    request, api, proposal, skill, cell, author, method, url, body, who, expected
):
    comment = services.comment_create(author=author, skill=skill, body="Mine.")
    if body == "proposal_body":
        body = proposal_body(cell, changes=[proposal_body(cell)["changes"][0] | {"description": f"By {who}."}])
    elif body == "update_body":
        body = {"changes": [proposal_body(cell)["changes"][0] | {"description": "Rebased."}]}
    client = api(user_of(request, who))
    response = getattr(client, method)(
        url.format(skill=skill.slug, proposal=proposal.pk, comment=comment.pk), body, format="json"
    )
    assert response.status_code == expected, response.content
    if expected == 401:
        assert response["WWW-Authenticate"] == "Token"
        assert "detail" in response.json()


@pytest.mark.parametrize(
    "url",
    [
        "/api/skills/{skill}/comments/",
        "/api/proposals/",
        "/api/proposals/{proposal}/",
        "/api/proposals/{proposal}/comments/",
    ],
)
@pytest.mark.parametrize("who", CAST)
def test_anyone_reads_the_community_endpoints(request, api, proposal, skill, url, who):
    response = api(user_of(request, who)).get(url.format(skill=skill.slug, proposal=proposal.pk))
    assert response.status_code == 200


# --- Proposals ----------------------------------------------------------------------


def test_create_a_proposal_with_the_design_body(api, member, cell):
    response = api(member).post("/api/proposals/", proposal_body(cell), format="json")
    assert response.status_code == 201
    data = response.json()
    assert data["status"] == "open"
    assert data["author"] == "member"
    assert data["skill"] == cell.skill.slug
    assert data["changes"][0] | {"current": None} == {
        "role": cell.role.slug,
        "level": cell.level.slug,
        "description": "A clearer description.",
        "required": False,
        "proficiency": "working",
        "base_version": 1,
        "current_version": 1,
        "stale": False,
        "current": None,
    }
    assert data["changes"][0]["current"]["description"] == cell.description
    assert Proposal.objects.get(pk=data["id"]).author == member


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"rationale": ""}, "rationale"),
        ({"skill": "no-such-skill"}, "skill"),
        ({"changes": []}, "changes"),
        ({"changes": "nope"}, "changes"),
        ({"changes": [{"role": "x"}]}, "changes"),
        (
            {
                "changes": [
                    {
                        "role": "nobody",
                        "level": "junior",
                        "description": "d",
                        "required": False,
                        "proficiency": "working",
                    }
                ]
            },
            "changes",
        ),
        (
            {"changes": [{"role": "r", "level": "l", "description": "d", "required": False, "proficiency": "guru"}]},
            "changes",
        ),
    ],
)
def test_create_refuses_bad_input_with_field_messages(api, member, cell, body, field):
    response = api(member).post("/api/proposals/", proposal_body(cell) | body, format="json")
    assert response.status_code == 400
    assert field in response.json()


def test_create_refuses_a_change_identical_to_the_cell(api, member, cell):
    change = proposal_body(cell)["changes"][0] | {"description": cell.description, "proficiency": cell.proficiency}
    response = api(member).post("/api/proposals/", proposal_body(cell, changes=[change]), format="json")
    assert response.status_code == 400
    assert "identical" in response.json()["changes"][0]


def test_create_against_a_stale_version_is_409(api, member, cell):
    Expectation.objects.filter(pk=cell.pk).update(description="Moved on.")
    response = api(member).post("/api/proposals/", proposal_body(cell), format="json")
    assert response.status_code == 409
    assert response.json()["conflicts"] == [
        {"role": cell.role.slug, "level": cell.level.slug, "base_version": 1, "current_version": 2}
    ]


@pytest.mark.parametrize(
    "raw",
    ['{"skill": ', "[1, 2]", '"text"', "null", '{"changes": [null]}', '{"rationale": "\\u0000"}'],
)
def test_malformed_bodies_get_400_not_500(api, member, raw):
    response = api(member).post("/api/proposals/", raw, content_type="application/json")
    assert response.status_code == 400


def test_bodies_must_be_json(api, member, skill):
    response = api(member).post(f"/api/skills/{skill.slug}/comments/", {"body": "Form-encoded."})
    assert response.status_code == 415
    assert not Comment.objects.exists()


def test_approve_applies_the_changes(api, reviewer, proposal, cell):
    response = api(reviewer).post(f"/api/proposals/{proposal.pk}/approve/")
    assert response.status_code == 200
    assert response.json()["status"] == "approved"
    assert response.json()["decided_by"] == "reviewer"
    cell.refresh_from_db()
    assert cell.version == 2


def test_approve_of_a_stale_proposal_is_409_with_the_cells(api, reviewer, proposal, cell):
    Expectation.objects.filter(pk=cell.pk).update(description="Moved on.")
    response = api(reviewer).post(f"/api/proposals/{proposal.pk}/approve/")
    assert response.status_code == 409
    body = response.json()
    assert body["detail"]
    assert body["conflicts"] == [
        {"role": cell.role.slug, "level": cell.level.slug, "base_version": 1, "current_version": 2}
    ]
    assert Proposal.objects.get(pk=proposal.pk).status == ProposalStatus.OPEN
    detail = api(reviewer).get(f"/api/proposals/{proposal.pk}/").json()
    assert [c["stale"] for c in detail["changes"]].count(True) == 1


def test_deciding_a_closed_proposal_is_409(api, reviewer, author, proposal):
    services.proposal_withdraw(proposal=proposal, user=author)
    for action, body in [("approve", None), ("reject", {"reason": "unclear"})]:
        response = api(reviewer).post(f"/api/proposals/{proposal.pk}/{action}/", body, format="json")
        assert response.status_code == 409
        assert "no longer open" in response.json()["detail"]


@pytest.mark.parametrize("body", [{}, {"reason": "rude"}, {"reason": "other", "note": ""}])
def test_reject_needs_a_reason(api, reviewer, proposal, body):
    response = api(reviewer).post(f"/api/proposals/{proposal.pk}/reject/", body, format="json")
    assert response.status_code == 400
    assert set(response.json()) & {"reason", "note"}


def test_reject_records_the_reason(api, reviewer, proposal):
    body = {"reason": "out_of_scope", "note": "Belongs to another skill."}
    response = api(reviewer).post(f"/api/proposals/{proposal.pk}/reject/", body, format="json")
    assert response.status_code == 200
    assert (response.json()["reason"], response.json()["decision_note"]) == ("out_of_scope", body["note"])


def test_the_author_rebases_through_patch(api, author, proposal, cell):
    Expectation.objects.filter(pk=cell.pk).update(description="Moved on.")
    change = proposal_body(cell)["changes"][0] | {"base_version": None}
    response = api(author).patch(f"/api/proposals/{proposal.pk}/", {"changes": [change]}, format="json")
    assert response.status_code == 200
    assert [(c["base_version"], c["stale"]) for c in response.json()["changes"]] == [(2, False)]


def test_proposal_list_filters(api, proposal, author, reviewer, levels):
    other = make_catalog(skills=1, roles=1, levels=levels)
    other_cell = Expectation.objects.filter(skill=other["skills"][0]).first()
    services.proposal_create(
        author=author, skill=other["skills"][0], rationale="Other.", changes=[change_for(other_cell)]
    )
    client = api()
    assert client.get("/api/proposals/").json()["count"] == 2
    assert [p["id"] for p in client.get(f"/api/proposals/?skill={proposal.skill.slug}").json()["results"]] == [
        proposal.pk
    ]
    domain = proposal.skill.group.domain.slug
    assert [p["id"] for p in client.get(f"/api/proposals/?domain={domain}").json()["results"]] == [proposal.pk]
    services.proposal_approve(proposal=proposal, reviewer=reviewer)
    assert [p["id"] for p in client.get("/api/proposals/?status=approved").json()["results"]] == [proposal.pk]
    assert client.get("/api/proposals/?status=open").json()["count"] == 1
    assert client.get("/api/proposals/?skill=nothing").json()["count"] == 0


@pytest.mark.parametrize(
    ("query", "status", "key"),
    [("status=maybe", 400, "status"), ("skill=not%20a%20slug", 400, "skill"), ("page=abc", 404, "detail")],
)
def test_proposal_list_refuses_bad_filters(api, proposal, query, status, key):
    response = api().get(f"/api/proposals/?{query}")
    assert response.status_code == status
    assert key in response.json()


@pytest.mark.parametrize(
    "url",
    [
        "/api/proposals/999999/",
        "/api/proposals/99999999999999999999999/",
        "/api/proposals/999999/comments/",
        "/api/skills/no-such-skill/comments/",
    ],
)
def test_unknown_objects_are_404(api, url):
    response = api().get(url)
    assert response.status_code == 404
    assert response.json()["detail"]


@pytest.mark.parametrize(
    ("method", "url", "body"),
    [
        ("post", "/api/proposals/999999/approve/", None),
        ("post", "/api/proposals/999999/withdraw/", None),
        ("put", "/api/skills/no-such-skill/watch/", None),
        ("patch", "/api/comments/999999/", {"body": "x"}),
        ("post", "/api/comments/999999/hide/", {"reason": "x"}),
        ("post", "/api/skills/no-such-skill/comments/", {"body": "x"}),
    ],
)
def test_writes_to_unknown_objects_are_404(api, reviewer, method, url, body):
    response = getattr(api(reviewer), method)(url, body, format="json")
    assert response.status_code == 404


# --- Comments -------------------------------------------------------------------------


def test_comment_create_and_list(api, member, skill):
    response = api(member).post(
        f"/api/skills/{skill.slug}/comments/", {"body": "**Bold** <script>x</script>"}, format="json"
    )
    assert response.status_code == 201
    data = response.json()
    assert data["author"] == "member"
    assert data["can_edit"] is True
    assert "<strong>Bold</strong>" in data["body_html"]
    assert "<script>" not in data["body_html"]
    listed = api().get(f"/api/skills/{skill.slug}/comments/").json()
    assert listed["count"] == 1
    assert listed["results"][0]["id"] == data["id"]
    assert listed["results"][0]["can_edit"] is False


@pytest.mark.parametrize("body", [{}, {"body": ""}, {"body": "x" * 5001}])
def test_comment_create_refuses_bad_bodies(api, member, skill, body):
    response = api(member).post(f"/api/skills/{skill.slug}/comments/", body, format="json")
    assert response.status_code == 400
    assert "body" in response.json()


def test_hidden_comments_are_listed_for_reviewers_only(api, member, reviewer, author, skill):
    comment = services.comment_create(author=author, skill=skill, body="Spam.")
    response = api(reviewer).post(f"/api/comments/{comment.pk}/hide/", {"reason": "Spam"}, format="json")
    assert response.status_code == 200
    assert response.json()["hidden"] is True
    assert response.json()["hidden_by"] == "reviewer"
    assert api(member).get(f"/api/skills/{skill.slug}/comments/").json()["count"] == 0
    assert api().get(f"/api/skills/{skill.slug}/comments/").json()["count"] == 0
    listed = api(reviewer).get(f"/api/skills/{skill.slug}/comments/").json()["results"]
    assert [(c["id"], c["hidden"], c["hidden_reason"], c["body"]) for c in listed] == [
        (comment.pk, True, "Spam", "Spam.")
    ]


def test_comment_edit_window_closes_after_fifteen_minutes(api, author, skill):
    comment = services.comment_create(author=author, skill=skill, body="First.")
    client = api(author)
    response = client.patch(f"/api/comments/{comment.pk}/", {"body": "Second."}, format="json")
    assert response.status_code == 200
    assert response.json()["edited"] is not None
    Comment.objects.filter(pk=comment.pk).update(created=timezone.now() - timezone.timedelta(minutes=15, seconds=1))
    response = client.patch(f"/api/comments/{comment.pk}/", {"body": "Third."}, format="json")
    assert response.status_code == 403
    assert "15 minutes" in response.json()["detail"]
    assert Comment.objects.get(pk=comment.pk).body == "Second."


def test_comment_delete_removes_it(api, author, skill):
    comment = services.comment_create(author=author, skill=skill, body="Gone.")
    assert api(author).delete(f"/api/comments/{comment.pk}/").status_code == 204
    assert not Comment.objects.filter(pk=comment.pk).exists()


def test_comments_on_a_proposal(api, member, proposal):
    response = api(member).post(f"/api/proposals/{proposal.pk}/comments/", {"body": "Agree."}, format="json")
    assert response.status_code == 201
    assert Comment.objects.get(pk=response.json()["id"]).proposal == proposal
    assert api().get(f"/api/proposals/{proposal.pk}/").json()["comment_count"] == 1


# --- Watches --------------------------------------------------------------------------


def test_watch_and_unwatch(api, member, author, skill):
    assert api(author).put(f"/api/skills/{skill.slug}/watch/").json() == {"watching": True, "watchers": 1}
    assert api(member).put(f"/api/skills/{skill.slug}/watch/").json() == {"watching": True, "watchers": 2}
    assert api(member).put(f"/api/skills/{skill.slug}/watch/").json() == {"watching": True, "watchers": 2}
    assert api(member).delete(f"/api/skills/{skill.slug}/watch/").json() == {"watching": False, "watchers": 1}
    assert list(Watch.objects.values_list("user__username", flat=True)) == ["author"]


# --- Authentication -----------------------------------------------------------------


def test_token_authentication(api, member, skill):
    token = account_services.token_create(user=member)
    client = api()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = client.post(f"/api/skills/{skill.slug}/comments/", {"body": "By script."}, format="json")
    assert response.status_code == 201
    assert response.json()["author"] == "member"


def test_a_revoked_or_wrong_token_is_401(api, member, skill):
    token = account_services.token_create(user=member)
    account_services.token_revoke(user=member)
    for key in [token.key, "nonsense"]:
        client = api()
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
        response = client.post(f"/api/skills/{skill.slug}/comments/", {"body": "x"}, format="json")
        assert response.status_code == 401
    assert not Token.objects.exists()


@pytest.mark.parametrize("key", ["abc\x00def", "f" * 41, "x" * 5000, "a'b\";--", "cl\xe9"])
def test_a_malformed_token_is_401_not_an_error(api, skill, key):
    client = api()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = client.post(f"/api/skills/{skill.slug}/comments/", {"body": "x"}, format="json")
    assert response.status_code == 401
    assert not Comment.objects.exists()


def test_a_token_of_an_inactive_member_is_401(api, member, skill):
    token = account_services.token_create(user=member)
    member.is_active = False
    member.save()
    client = api()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    response = client.post(f"/api/skills/{skill.slug}/comments/", {"body": "x"}, format="json")
    assert response.status_code == 401
    assert response.json()["detail"] == "User inactive or deleted."
    assert not Comment.objects.filter(body="x").exists()


def test_session_writes_need_the_csrf_token(member, skill):
    from rest_framework.test import APIClient

    client = APIClient(enforce_csrf_checks=True)
    client.force_login(member)
    response = client.post(f"/api/skills/{skill.slug}/comments/", {"body": "x"}, format="json")
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


# --- Query counts -----------------------------------------------------------------------


def _comments(skill, n):
    users = [UserFactory() for _ in range(3)]
    Comment.objects.bulk_create(Comment(skill=skill, author=users[i % 3], body=f"Comment {i}.") for i in range(n))


@pytest.mark.parametrize("n", [10, 100])
def test_skill_comments_query_count(api, member, skill, n, django_assert_num_queries):
    _comments(skill, n)
    client = api(member)
    client.get(f"/api/skills/{skill.slug}/comments/")  # the skill is then kept for the catalog revision
    # session, user, the revision counters (a server process has them from its listener), reviewer check,
    # count, page
    with django_assert_num_queries(6):
        response = client.get(f"/api/skills/{skill.slug}/comments/")
    assert response.json()["count"] == n


@pytest.mark.parametrize("n", [10, 100])
def test_proposal_comments_query_count(api, proposal, n, django_assert_num_queries):
    users = [UserFactory() for _ in range(3)]
    Comment.objects.bulk_create(Comment(proposal=proposal, author=users[i % 3], body=f"Comment {i}.") for i in range(n))
    # proposal, count, page (anonymous: no session, no reviewer check)
    with django_assert_num_queries(3):
        response = api().get(f"/api/proposals/{proposal.pk}/comments/")
    assert response.json()["count"] == n


@pytest.mark.parametrize("n", [10, 100])
def test_proposal_list_query_count(api, levels, n, django_assert_num_queries):
    catalog = make_catalog(skills=n, roles=1, levels=levels)
    authors = [UserFactory() for _ in range(3)]
    cells = Expectation.objects.filter(level=levels[0]).select_related("role", "level", "skill")
    for i, cell in enumerate(cells):
        services.proposal_create(author=authors[i % 3], skill=cell.skill, rationale="Why.", changes=[change_for(cell)])
    assert len(catalog["skills"]) == n
    # count, page (with skill, domain, people, counts), changes with their current cells
    with django_assert_num_queries(3):
        response = api().get("/api/proposals/")
    assert response.json()["count"] == n


@pytest.mark.parametrize("n", [10, 100])
def test_proposal_detail_query_count(api, member, levels, n, django_assert_num_queries):
    catalog = make_catalog(skills=1, roles=n // 5, levels=levels)
    skill = catalog["skills"][0]
    cells = Expectation.objects.filter(skill=skill).select_related("role", "level")
    proposal = services.proposal_create(
        author=member, skill=skill, rationale="Many cells.", changes=[change_for(c) for c in cells]
    )
    # proposal (with counts), changes (with current cells), the skill's cells (for the review checks)
    with django_assert_num_queries(3):
        response = api().get(f"/api/proposals/{proposal.pk}/")
    assert len(response.json()["changes"]) == n


@pytest.mark.parametrize("n", [10, 100])
def test_watch_query_count(api, member, skill, n, django_assert_num_queries):
    Watch.objects.bulk_create(Watch(user=UserFactory(), skill=skill) for _ in range(n))
    client = api(member)
    # session, user, skill; the service's savepoint, the one INSERT ... ON CONFLICT DO NOTHING, release; the summary
    with django_assert_num_queries(7):
        response = client.put(f"/api/skills/{skill.slug}/watch/")
    assert response.json() == {"watching": True, "watchers": n + 1}


@pytest.mark.parametrize("n", [10, 100])
def test_comment_create_query_count(api, member, skill, n, django_assert_num_queries):
    _comments(skill, n)
    client = api(member)
    client.get(f"/api/skills/{skill.slug}/comments/")  # the skill is then kept for the catalog revision
    # session, user, the revision counters (a server process has them from its listener), and the
    # comment: the member's write-rate lock, then one INSERT that also checks the rate limit (nothing
    # written for it). The lock is one more query than the INSERT alone (issue 21 finding 6): without
    # it, a burst of posts by one member counted the same committed rows and stored past the limit.
    with django_assert_num_queries(5):
        response = client.post(f"/api/skills/{skill.slug}/comments/", {"body": "One more."}, format="json")
    assert response.status_code == 201


def test_comment_create_with_a_token_query_count(api, member, skill, django_assert_num_queries):
    token = account_services.token_create(user=member)
    client = api()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    client.get(f"/api/skills/{skill.slug}/comments/")
    # the token with its user (one query), the revision counters, the member's write-rate lock (exact
    # under a burst: issue 21 finding 6), the insert with its rate limit
    with django_assert_num_queries(4):
        response = client.post(f"/api/skills/{skill.slug}/comments/", {"body": "By script."}, format="json")
    assert response.status_code == 201
    assert response.json()["author"] == member.username


def test_comments_follow_a_renamed_or_deleted_skill_at_once(api, member, skill):
    client = api(member)
    assert client.post(f"/api/skills/{skill.slug}/comments/", {"body": "First."}, format="json").status_code == 201
    old_slug = skill.slug
    skill.slug = "renamed-skill"
    skill.save()
    response = client.post(f"/api/skills/{old_slug}/comments/", {"body": "Old address."}, format="json")
    assert response.status_code == 404
    response = client.post("/api/skills/renamed-skill/comments/", {"body": "New address."}, format="json")
    assert response.status_code == 201
    assert [c["body"] for c in client.get("/api/skills/renamed-skill/comments/").json()["results"]] == [
        "First.",
        "New address.",
    ]
    skill.delete()
    response = client.post("/api/skills/renamed-skill/comments/", {"body": "Gone."}, format="json")
    assert response.status_code == 404
    assert not Comment.objects.filter(body="Gone.").exists()


@pytest.mark.parametrize("n", [10, 100])
@pytest.mark.parametrize(
    ("action", "who", "body", "queries"),
    [("reject", "reviewer", {"reason": "unclear"}, 10), ("withdraw", "author", None, 9)],
)
def test_decision_query_count(request, api, levels, n, action, who, body, queries, django_assert_num_queries):
    catalog = make_catalog(skills=1, roles=n // 5, levels=levels)
    skill = catalog["skills"][0]
    cells = Expectation.objects.filter(skill=skill).select_related("role", "level")
    proposal = services.proposal_create(
        author=request.getfixturevalue("author"), skill=skill, rationale="Many.", changes=[change_for(c) for c in cells]
    )
    client = api(request.getfixturevalue(who))
    # session, user, proposal, (reviewer check), savepoint, lock, update, release, the detail (proposal, changes)
    with django_assert_num_queries(queries):
        response = client.post(f"/api/proposals/{proposal.pk}/{action}/", body, format="json")
    assert response.status_code == 200
    assert len(response.json()["changes"]) == n
