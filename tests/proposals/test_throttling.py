"""Rate limits on comment and proposal creation, counted from the member's own recent rows."""

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from proposals.models import Comment, Proposal
from proposals.throttling import WriteRateThrottle
from tests.factories import UserFactory
from tests.proposals.test_api import proposal_body


@pytest.fixture
def rates(monkeypatch):
    # DRF copies the configured rates onto the throttle class at import time.
    monkeypatch.setattr(WriteRateThrottle, "THROTTLE_RATES", {"comments": "3/min", "proposals": "2/hour"})


def test_comments_over_the_rate_get_429(api, member, skill, rates):
    client = api(member)
    statuses = [
        client.post(f"/api/skills/{skill.slug}/comments/", {"body": f"#{i}"}, format="json").status_code
        for i in range(4)
    ]
    assert statuses == [201, 201, 201, 429]
    response = client.post(f"/api/skills/{skill.slug}/comments/", {"body": "Again."}, format="json")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "throttled" in response.json()["detail"]
    assert Comment.objects.count() == 3


def test_the_comment_limit_is_per_user_and_covers_proposal_comments(api, member, author, skill, proposal, rates):
    for i in range(3):
        api(member).post(f"/api/proposals/{proposal.pk}/comments/", {"body": f"#{i}"}, format="json")
    assert api(member).post(f"/api/skills/{skill.slug}/comments/", {"body": "x"}, format="json").status_code == 429
    assert api(author).post(f"/api/skills/{skill.slug}/comments/", {"body": "x"}, format="json").status_code == 201


def test_reading_is_never_throttled(api, member, skill, rates):
    client = api(member)
    assert {client.get(f"/api/skills/{skill.slug}/comments/").status_code for _ in range(6)} == {200}


def test_proposals_over_the_rate_get_429(api, member, cell, rates):
    client = api(member)
    statuses = []
    for i in range(3):
        body = proposal_body(cell, changes=[proposal_body(cell)["changes"][0] | {"description": f"Text {i}."}])
        statuses.append(client.post("/api/proposals/", body, format="json").status_code)
    assert statuses == [201, 201, 429]
    assert Proposal.objects.count() == 2


def test_refused_input_is_not_counted(api, member, skill, rates):
    client = api(member)
    for _ in range(3):
        assert client.post(f"/api/skills/{skill.slug}/comments/", {"body": "  "}, format="json").status_code == 400
    statuses = [
        client.post(f"/api/skills/{skill.slug}/comments/", {"body": f"#{i}"}, format="json").status_code
        for i in range(4)
    ]
    assert statuses == [201, 201, 201, 429]


def _age(comments, seconds: int) -> None:
    Comment.objects.filter(pk__in=[c.pk for c in comments]).update(
        created=timezone.now() - datetime.timedelta(seconds=seconds)
    )


def test_the_wait_lasts_until_the_oldest_counted_comment_leaves_the_period(api, member, skill, rates):
    client = api(member)
    for i in range(3):
        client.post(f"/api/skills/{skill.slug}/comments/", {"body": f"#{i}"}, format="json")
    _age(Comment.objects.all(), 50)  # posted 50 s ago: free again in about 10 s
    response = client.post(f"/api/skills/{skill.slug}/comments/", {"body": "Again."}, format="json")
    assert response.status_code == 429
    assert 9 <= int(response["Retry-After"]) <= 11
    _age(Comment.objects.all(), 61)  # out of the minute: no longer counted
    assert client.post(f"/api/skills/{skill.slug}/comments/", {"body": "Now."}, format="json").status_code == 201


def test_the_counts_are_the_rows_written_not_a_cache_entry(api, member, skill, rates):
    client = api(member)
    for i in range(3):
        client.post(f"/api/skills/{skill.slug}/comments/", {"body": f"#{i}"}, format="json")
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM django_cache WHERE cache_key LIKE %s", ["%throttle%"])
        assert cursor.fetchone()[0] == 0
    # Another member's comments are theirs: they count for them only.
    assert api(member).post(f"/api/skills/{skill.slug}/comments/", {"body": "x"}, format="json").status_code == 429
    Comment.objects.filter(author=member).update(author=UserFactory())
    assert client.post(f"/api/skills/{skill.slug}/comments/", {"body": "Mine."}, format="json").status_code == 201
