"""The API's answer to an approval is built from what the approval holds (services.Approval), not read again: it is
the proposal's detail exactly as a GET gives it right after, for any number of changes, new cells among them."""

import pytest

from proposals import services
from skills.models import Expectation
from tests.factories import make_catalog
from tests.proposals.helpers import change_for


@pytest.fixture
def busy_proposal(author, member, reviewer, skill, catalog):
    """Changes to cells at several levels and roles, one of them a new cell, with comments (one hidden)."""
    cells = list(Expectation.objects.filter(skill=skill).select_related("role", "level").order_by("-pk")[:4])
    new_role = catalog["roles"][0]
    Expectation.objects.filter(skill=skill, role=new_role, level=catalog["levels"][-1]).delete()
    changes = [change_for(cell, description=f"New text {n}: *Markdown* & <b>.") for n, cell in enumerate(cells)]
    changes.append(
        change_for(Expectation(role=new_role, level=catalog["levels"][-1], required=True, proficiency="expert"))
    )
    proposal = services.proposal_create(author=author, skill=skill, rationale="Many & <more>.", changes=changes)
    services.comment_create(author=member, proposal=proposal, body="Looks right.")
    hidden = services.comment_create(author=member, proposal=proposal, body="Off topic.")
    services.comment_hide(comment=hidden, reviewer=reviewer, reason="Off topic.")
    return proposal


def test_the_answer_is_the_detail_a_get_gives_after(api, reviewer, busy_proposal):
    client = api(reviewer)
    response = client.post(
        f"/api/proposals/{busy_proposal.pk}/approve/", {"revision": 1, "note": "Good & <fine>."}, format="json"
    )
    assert response.status_code == 200
    answer = response.json()
    assert answer == client.get(f"/api/proposals/{busy_proposal.pk}/").json()
    assert answer["status"] == "approved" and answer["comment_count"] == 1 and answer["decision_note"]
    assert len(answer["changes"]) == 5
    assert [c["current_version"] for c in answer["changes"]].count(1) == 1  # the new cell
    assert all(c["current"]["description"] == c["description"] for c in answer["changes"])


@pytest.mark.parametrize("n", [10, 100])
def test_approve_query_count(api, author, reviewer, levels, n, django_assert_num_queries):
    """The same queries at 10 and 100 changes, but for each cell's UPDATE (skills.services.cell_save_locked: the
    cells are locked and read with the proposal's, and an existing cell has its role's level)."""
    catalog = make_catalog(skills=1, roles=n // 5, levels=levels)
    skill = catalog["skills"][0]
    cells = Expectation.objects.filter(skill=skill).select_related("role", "level")
    proposal = services.proposal_create(
        author=author, skill=skill, rationale="Many.", changes=[change_for(c) for c in cells]
    )
    client = api(reviewer)
    # session, user, proposal, reviewer check, savepoint, skill lock, proposal lock, changes, cells lock, the
    # cells' writes, the proposal's update, release; the answer: the visible comments' count.
    with django_assert_num_queries(12 + n):
        response = client.post(f"/api/proposals/{proposal.pk}/approve/", format="json")
    assert response.status_code == 200
    assert len(response.json()["changes"]) == n
