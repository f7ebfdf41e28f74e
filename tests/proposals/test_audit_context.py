"""Which requests carry an audit context: writes that can reach the catalog, not reads, not comments."""

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from growth.models import PlanProfile, Tick
from growth.services import plan_settings_save
from proposals.models import Comment, Watch
from skills.models import Expectation, ExpectationEvent, Skill
from tests.growth.helpers import plan_world

CONTEXT_SQL = "pghistory.context_id"


def context_statements(queries: CaptureQueriesContext) -> list[str]:
    return [query["sql"] for query in queries.captured_queries if CONTEXT_SQL in query["sql"]]


def token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def test_comments_are_not_in_the_audit_trail_and_the_catalog_is():
    # Views marked not_audited write comments (or ticks) only; if comments were ever tracked, they would need a context.
    tracked = {model.pgh_tracked_model for model in apps.get_models() if hasattr(model, "pgh_tracked_model")}
    assert Skill in tracked and Expectation in tracked
    assert Comment not in tracked and Watch not in tracked
    assert Tick not in tracked and PlanProfile not in tracked  # the growth plan's tick views: not_audited too


def test_a_page_runs_its_queries_without_a_context(client, skill):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(skill.get_absolute_url()).status_code == 200
    assert queries.captured_queries
    assert context_statements(queries) == []


@pytest.mark.parametrize("how", ["api", "page"])
def test_a_comment_is_posted_without_a_context(client, member, skill, how):
    with CaptureQueriesContext(connection) as queries:
        if how == "api":
            response = token_client(member).post(
                f"/api/skills/{skill.slug}/comments/", {"body": "Posted."}, format="json"
            )
            assert response.status_code == 201
        else:
            client.force_login(member)
            response = client.post(f"/skills/{skill.slug}/comments/", {"body": "Posted."})
            assert response.status_code == 302
    assert Comment.objects.get().body == "Posted."
    assert context_statements(queries) == []


def test_an_approval_through_the_api_is_audited_with_its_address_and_the_token_user(reviewer, proposal, cell):
    path = f"/api/proposals/{proposal.pk}/approve/"
    with CaptureQueriesContext(connection) as queries:
        assert token_client(reviewer).post(path).status_code == 200
    assert context_statements(queries)
    event = ExpectationEvent.objects.filter(pgh_obj_id=cell.pk, pgh_label="update").get()
    assert event.pgh_context.metadata["url"] == path
    assert event.pgh_context.metadata["user"] == reviewer.pk


def test_a_tick_is_written_without_a_context(client, member, levels):
    world = plan_world(levels)
    plan_settings_save(user=member, role=world.role, level=world.middle)
    client.force_login(member)
    with CaptureQueriesContext(connection) as queries:
        assert client.post("/me/plan/ticks/zeta/senior/", {"action": "done"}).status_code == 302
        response = token_client(member).delete("/api/me/plan/ticks/zeta/senior/")
        assert response.status_code == 204
    assert context_statements(queries) == []
