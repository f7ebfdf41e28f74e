"""ProposalOut and ProposalDetailOut build their dicts by hand (speed); they must say exactly what their declared
fields say (ModelSerializer.to_representation), for proposals in every state, one page of a list, and an approval's
answer (changes from the context)."""

import pytest
from rest_framework import serializers
from rest_framework.test import APIRequestFactory

from proposals import selectors, services
from proposals.serializers import ProposalDetailOut, ProposalOut
from skills.models import Expectation
from tests.proposals.helpers import change_for


def declared(serializer_class, proposal, **context) -> dict:
    """What DRF makes of the declared fields: ModelSerializer's to_representation, which the class overrides."""
    request = APIRequestFactory().get("/")
    serializer = serializer_class(context={"request": request, **context})
    return serializers.ModelSerializer.to_representation(serializer, proposal)


def built(serializer_class, proposal, **context) -> dict:
    request = APIRequestFactory().get("/")
    return serializer_class(proposal, context={"request": request, **context}).data


@pytest.fixture
def proposals(author, reviewer, staff, skill, catalog, proposal):
    """Open (with a stale change and a new cell), approved with a note, rejected, undone, withdrawn."""
    cells = list(Expectation.objects.filter(skill=skill).select_related("role", "level").order_by("pk"))
    Expectation.objects.filter(pk=cells[3].pk).delete()
    new_cell = Expectation(role=cells[3].role, level=cells[3].level, required=True, proficiency="expert")
    services.proposal_create(
        author=author, skill=skill, rationale="Stale & <new>.", changes=[change_for(cells[4]), change_for(new_cell)]
    )
    Expectation.objects.filter(pk=cells[4].pk).update(description="Moved on.")
    approved = services.proposal_create(author=author, skill=skill, rationale="A.", changes=[change_for(cells[5])])
    services.proposal_approve(proposal=approved, reviewer=reviewer, note="Good *and* right.")
    rejected = services.proposal_create(author=author, skill=skill, rationale="R.", changes=[change_for(cells[6])])
    services.proposal_reject(proposal=rejected, reviewer=reviewer, reason="other", note="Why not.")
    undone = services.proposal_create(author=author, skill=skill, rationale="U.", changes=[change_for(cells[7])])
    services.proposal_approve(proposal=undone, reviewer=reviewer)
    services.proposal_undo(proposal=undone, reviewer=staff, note="Too soon.")
    withdrawn = services.proposal_create(author=author, skill=skill, rationale="W.", changes=[change_for(cells[8])])
    services.proposal_withdraw(proposal=withdrawn, user=author)
    services.comment_create(author=reviewer, proposal=proposal, body="A comment.")
    return list(selectors.proposal_detail().order_by("pk"))


def test_each_proposal_says_what_the_declared_fields_say(proposals):
    assert {p.status for p in proposals} == {"open", "approved", "rejected", "reverted", "withdrawn"}
    assert any(p.is_open and any(c.current_version != c.base_version for c in p.changes.all()) for p in proposals)
    assert any(c["current"] is None for p in proposals for c in built(ProposalDetailOut, p)["changes"])  # a new cell
    for proposal in proposals:
        for serializer_class in (ProposalOut, ProposalDetailOut):
            assert built(serializer_class, proposal) == declared(serializer_class, proposal)
        assert list(built(ProposalDetailOut, proposal)) == list(ProposalDetailOut().fields)
        assert list(built(ProposalOut, proposal)) == list(ProposalOut().fields)


def test_a_page_of_proposals_says_what_the_declared_fields_say(proposals):
    request = APIRequestFactory().get("/")
    listed = ProposalOut(selectors.proposal_list(), many=True, context={"request": request}).data
    assert listed == [declared(ProposalOut, proposal) for proposal in selectors.proposal_list()]
    assert len(listed) == len(proposals)


def test_an_approvals_answer_says_what_the_declared_fields_say(api, reviewer, proposal):
    approval = services.proposal_approval(proposal=proposal, reviewer=reviewer)
    decided = selectors.decided_detail(proposal=approval.proposal)
    answer = built(ProposalDetailOut, decided, changes=approval.changes)
    assert answer == declared(ProposalDetailOut, decided, changes=approval.changes)
    assert [c["current_version"] for c in answer["changes"]] == [2, 2]
