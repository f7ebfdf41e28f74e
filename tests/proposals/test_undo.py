"""Reviewing with care: the approval's note, undoing an approval within its window, and what a change replaces.

Services first, then the API, then the pages. The window is access.UNDO_WINDOW; a test that needs it closed
moves the approval's time back rather than waiting.
"""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from proposals import access, services
from proposals.models import TEXT_MAX_LENGTH, Proposal, ProposalChange, ProposalStatus
from proposals.services import ChangeInput, Conflict
from skills.models import Expectation, ExpectationEvent
from tests.factories import make_role
from tests.proposals.helpers import change_for


def cells_of(skill) -> dict:
    return {
        (c.role_id, c.level_id): (c.description, c.required, c.proficiency, c.version)
        for c in Expectation.objects.filter(skill=skill)
    }


def close_the_window(proposal) -> None:
    Proposal.objects.filter(pk=proposal.pk).update(
        decided_at=timezone.now() - access.UNDO_WINDOW - timezone.timedelta(seconds=1)
    )


@pytest.fixture
def new_cell_proposal(author, skill, levels):
    """An open proposal that creates a cell (a role the skill has no cell for yet)."""
    role = make_role(levels)
    change = ChangeInput(role=role, level=levels[1], description="Brand new.", required=True, proficiency="advanced")
    return services.proposal_create(author=author, skill=skill, rationale="Missing.", changes=[change])


# --- What a change replaces ---------------------------------------------------------------------


def test_a_change_keeps_the_text_it_replaces_and_a_rebase_takes_the_new_one(proposal, author, cell):
    change = proposal.changes.get(role=cell.role, level=cell.level)
    assert (change.base_description, change.base_required, change.base_proficiency) == (
        cell.description,
        cell.required,
        cell.proficiency,
    )
    Expectation.objects.filter(pk=cell.pk).update(description="Moved on.")
    services.proposal_update_changes(proposal=proposal, user=author, changes=[change_for(cell)])
    assert proposal.changes.get(role=cell.role, level=cell.level).base_description == "Moved on."


def test_a_new_cell_replaces_nothing(new_cell_proposal):
    change = new_cell_proposal.changes.get()
    assert (change.base_version, change.base_description, change.base_required, change.base_proficiency) == (
        0,
        None,
        None,
        None,
    )


# --- The approval's note ---------------------------------------------------------------------------


def test_the_approval_keeps_the_reviewers_note(proposal, reviewer):
    services.proposal_approve(proposal=proposal, reviewer=reviewer, note="  Checked with the team.  ")
    assert Proposal.objects.get(pk=proposal.pk).decision_note == "Checked with the team."


def test_an_approval_note_over_the_limit_is_refused_and_nothing_applied(proposal, reviewer, skill):
    before = cells_of(skill)
    with pytest.raises(ValidationError) as error:
        services.proposal_approve(proposal=proposal, reviewer=reviewer, note="x" * (TEXT_MAX_LENGTH + 1))
    assert "note" in error.value.message_dict
    assert cells_of(skill) == before
    assert Proposal.objects.get(pk=proposal.pk).status == ProposalStatus.OPEN


# --- Undo: services ---------------------------------------------------------------------------------


def test_undo_puts_every_cell_back_and_the_proposal_is_reverted(proposal, reviewer, skill):
    before = cells_of(skill)
    services.proposal_approve(proposal=proposal, reviewer=reviewer)
    assert cells_of(skill) != before
    services.proposal_undo(proposal=proposal, reviewer=reviewer, note="Approved the wrong one.")

    after = cells_of(skill)
    for key, (description, required, proficiency, version) in before.items():
        changed = proposal.changes.filter(role_id=key[0], level_id=key[1]).exists()
        # The texts are back; a cell that was changed and changed back has moved on twice.
        assert after[key] == (description, required, proficiency, version + 2 if changed else version)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.REVERTED
    assert (proposal.decided_by, proposal.reverted_by, proposal.revert_note) == (
        reviewer,
        reviewer,
        "Approved the wrong one.",
    )
    assert proposal.reverted_at >= proposal.decided_at


def test_undo_goes_through_the_audit_trail_naming_the_proposal(proposal, reviewer):
    services.proposal_approve(proposal=proposal, reviewer=reviewer)
    services.proposal_undo(proposal=proposal, reviewer=reviewer)
    undone = ExpectationEvent.objects.filter(pgh_context__metadata__source="undo")
    assert undone.count() == 2
    metadata = undone.first().pgh_context.metadata
    assert (metadata["proposal"], metadata["username"]) == (proposal.pk, "reviewer")


def test_undo_removes_a_cell_the_approval_created(new_cell_proposal, reviewer, skill):
    services.proposal_approve(proposal=new_cell_proposal, reviewer=reviewer)
    change = new_cell_proposal.changes.get()
    assert Expectation.objects.filter(skill=skill, role=change.role, level=change.level).exists()
    services.proposal_undo(proposal=new_cell_proposal, reviewer=reviewer)
    assert not Expectation.objects.filter(skill=skill, role=change.role, level=change.level).exists()
    assert ExpectationEvent.objects.filter(pgh_label="delete", pgh_context__metadata__source="undo").count() == 1


def test_after_the_window_the_undo_is_refused_with_a_clear_message(proposal, reviewer, skill):
    services.proposal_approve(proposal=proposal, reviewer=reviewer)
    applied = cells_of(skill)
    close_the_window(proposal)
    with pytest.raises(Conflict) as error:
        services.proposal_undo(proposal=proposal, reviewer=reviewer)
    assert error.value.message.startswith("An approval can be undone for 10 minutes; this one was approved at ")
    assert "suggest a new change" in error.value.message
    assert cells_of(skill) == applied
    assert Proposal.objects.get(pk=proposal.pk).status == ProposalStatus.APPROVED


def test_the_window_is_open_until_its_last_moment(proposal, reviewer):
    services.proposal_approve(proposal=proposal, reviewer=reviewer)
    Proposal.objects.filter(pk=proposal.pk).update(
        decided_at=timezone.now() - access.UNDO_WINDOW + timezone.timedelta(seconds=30)
    )
    services.proposal_undo(proposal=proposal, reviewer=reviewer)
    assert Proposal.objects.get(pk=proposal.pk).status == ProposalStatus.REVERTED


def test_a_cell_moved_since_the_approval_refuses_the_whole_undo(proposal, reviewer, skill, cell):
    services.proposal_approve(proposal=proposal, reviewer=reviewer)
    Expectation.objects.filter(pk=cell.pk).update(description="Edited in the admin after the approval.")
    moved = cells_of(skill)
    with pytest.raises(Conflict) as error:
        services.proposal_undo(proposal=proposal, reviewer=reviewer)
    [conflict] = error.value.conflicts
    assert (conflict.role, conflict.level, conflict.base_version, conflict.current_version) == (
        cell.role.slug,
        cell.level.slug,
        2,
        3,
    )
    assert cells_of(skill) == moved  # the other cell was not put back either
    assert Proposal.objects.get(pk=proposal.pk).status == ProposalStatus.APPROVED


def test_a_cell_deleted_since_the_approval_refuses_the_undo(proposal, reviewer, cell):
    services.proposal_approve(proposal=proposal, reviewer=reviewer)
    Expectation.objects.filter(pk=cell.pk).delete()
    with pytest.raises(Conflict) as error:
        services.proposal_undo(proposal=proposal, reviewer=reviewer)
    assert error.value.conflicts[0].current_version == 0


def test_an_undo_is_done_once(proposal, reviewer):
    services.proposal_approve(proposal=proposal, reviewer=reviewer)
    services.proposal_undo(proposal=proposal, reviewer=reviewer)
    with pytest.raises(Conflict) as error:
        services.proposal_undo(proposal=proposal, reviewer=reviewer)
    assert error.value.message == "This approval was already undone."


@pytest.mark.parametrize("how", ["open", "rejected", "withdrawn"])
def test_only_an_approved_proposal_can_be_undone(proposal, reviewer, author, how):
    if how == "rejected":
        services.proposal_reject(proposal=proposal, reviewer=reviewer, reason="unclear")
    elif how == "withdrawn":
        services.proposal_withdraw(proposal=proposal, user=author)
    with pytest.raises(Conflict) as error:
        services.proposal_undo(proposal=proposal, reviewer=reviewer)
    assert error.value.message == f"Only an approved proposal can be undone (this one is {how})."


@pytest.mark.parametrize("who", ["member", "author"])
def test_only_a_reviewer_other_than_the_author_undoes(proposal, reviewer, who, request):
    services.proposal_approve(proposal=proposal, reviewer=reviewer)
    with pytest.raises(PermissionDenied):
        services.proposal_undo(proposal=proposal, reviewer=request.getfixturevalue(who))
    assert Proposal.objects.get(pk=proposal.pk).status == ProposalStatus.APPROVED


def test_a_superuser_outside_the_reviewers_group_approves_and_undoes(proposal, staff):
    assert not staff.groups.exists()
    services.proposal_approve(proposal=proposal, reviewer=staff)
    services.proposal_undo(proposal=proposal, reviewer=staff)
    assert Proposal.objects.get(pk=proposal.pk).status == ProposalStatus.REVERTED


def test_an_inactive_superuser_does_not_review(proposal, staff):
    staff.is_active = False
    assert not access.is_reviewer(staff)


def test_undo_without_the_replaced_text_on_record_is_refused(proposal, reviewer, skill):
    services.proposal_approve(proposal=proposal, reviewer=reviewer)
    ProposalChange.objects.filter(proposal=proposal).update(base_description=None)
    applied = cells_of(skill)
    with pytest.raises(Conflict) as error:
        services.proposal_undo(proposal=proposal, reviewer=reviewer)
    assert error.value.message == "The text this approval replaced is not on record; nothing was undone."
    assert cells_of(skill) == applied


def test_a_proposal_written_on_the_approved_text_is_stale_after_the_undo(proposal, author, member, reviewer, cell):
    services.proposal_approve(proposal=proposal, reviewer=reviewer)
    cell.refresh_from_db()
    follow_up = services.proposal_create(
        author=member, skill=cell.skill, rationale="On top.", changes=[change_for(cell, description="On top.")]
    )
    services.proposal_undo(proposal=proposal, reviewer=reviewer)
    with pytest.raises(Conflict):
        services.proposal_approve(proposal=follow_up, reviewer=reviewer)


# --- Undo: API ----------------------------------------------------------------------------------------


def test_the_api_approves_with_a_note_and_undoes(api, proposal, reviewer, skill):
    before = cells_of(skill)
    response = api(reviewer).post(
        f"/api/proposals/{proposal.pk}/approve/", {"revision": 1, "note": "Looks right."}, format="json"
    )
    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["decision_note"]) == ("approved", "Looks right.")

    response = api(reviewer).post(f"/api/proposals/{proposal.pk}/undo/", {"note": "Too early."}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["reverted_by"], body["revert_note"]) == ("reverted", "reviewer", "Too early.")
    assert body["reverted_at"]
    assert {(k, v[:3]) for k, v in cells_of(skill).items()} == {(k, v[:3]) for k, v in before.items()}


def test_the_api_undo_takes_an_empty_body(api, proposal, reviewer):
    services.proposal_approve(proposal=proposal, reviewer=reviewer)
    assert api(reviewer).post(f"/api/proposals/{proposal.pk}/undo/").status_code == 200


def test_the_api_undo_after_the_window_is_a_409_that_says_why(api, proposal, reviewer):
    services.proposal_approve(proposal=proposal, reviewer=reviewer)
    close_the_window(proposal)
    response = api(reviewer).post(f"/api/proposals/{proposal.pk}/undo/", {}, format="json")
    assert response.status_code == 409
    assert response.json()["detail"].startswith("An approval can be undone for 10 minutes")


def test_the_api_undo_names_the_cells_that_moved(api, proposal, reviewer, cell):
    services.proposal_approve(proposal=proposal, reviewer=reviewer)
    Expectation.objects.filter(pk=cell.pk).update(description="Moved on.")
    response = api(reviewer).post(f"/api/proposals/{proposal.pk}/undo/", {}, format="json")
    assert response.status_code == 409
    assert response.json()["conflicts"] == [
        {"role": cell.role.slug, "level": cell.level.slug, "base_version": 2, "current_version": 3}
    ]


@pytest.mark.parametrize(
    "body", [{"note": 5}, {"note": "x" * (TEXT_MAX_LENGTH + 1)}, {"note": None}, ["note"]], ids=repr
)
def test_the_api_refuses_a_malformed_note(api, proposal, reviewer, body):
    services.proposal_approve(proposal=proposal, reviewer=reviewer)
    assert api(reviewer).post(f"/api/proposals/{proposal.pk}/undo/", body, format="json").status_code == 400
    assert api(reviewer).post(f"/api/proposals/{proposal.pk}/approve/", body, format="json").status_code in (400, 409)
    assert Proposal.objects.get(pk=proposal.pk).status == ProposalStatus.APPROVED


def test_the_schema_documents_the_undo_and_the_note(client):
    schema = client.get("/api/schema/?format=json").json()
    undo = schema["paths"]["/api/proposals/{id}/undo/"]["post"]
    assert set(undo["responses"]) >= {"200", "400", "401", "403", "404", "409"}
    assert "10 minutes" in undo["description"]
    approve_body = undo_body = None
    for name, component in schema["components"]["schemas"].items():
        if name.startswith("ProposalApproveIn"):
            approve_body = component
        if name.startswith("ProposalUndoIn"):
            undo_body = component
    assert "note" in approve_body["properties"] and "note" in undo_body["properties"]
    assert "reverted" in schema["components"]["schemas"]["StatusEnum"]["enum"]


# --- Undo: pages --------------------------------------------------------------------------------------


def page_of(client, proposal) -> str:
    return client.get(f"/proposals/{proposal.pk}/").content.decode()


@pytest.mark.parametrize(
    ("who", "sees_undo"), [("anonymous", False), ("member", False), ("author", False), ("reviewer", True)]
)
def test_the_undo_form_is_shown_to_reviewers_while_the_window_is_open(
    client, proposal, reviewer, request, who, sees_undo
):
    services.proposal_approve(proposal=proposal, reviewer=reviewer)
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    page = page_of(client, proposal)
    assert (f'action="/proposals/{proposal.pk}/undo/"' in page) is sees_undo
    if sees_undo:
        assert "(10 minutes after the approval) a reviewer can undo it" in page
        close_the_window(proposal)
        assert f'action="/proposals/{proposal.pk}/undo/"' not in page_of(client, proposal)


def test_undoing_on_the_page(client, proposal, reviewer, cell):
    text_before = cell.description
    services.proposal_approve(proposal=proposal, reviewer=reviewer, note="Fine.")
    client.force_login(reviewer)
    response = client.post(f"/proposals/{proposal.pk}/undo/", {"note": "Wrong **skill**."})
    assert response.status_code == 302
    cell.refresh_from_db()
    assert cell.description == text_before
    page = page_of(client, proposal)
    assert "Approval undone. The expectations are back to the text they had before it." in page
    assert "then undone by reviewer on" in page
    assert "Wrong <strong>skill</strong>." in page
    assert '<span class="status status-reverted">Reverted</span>' in page
    assert f'action="/proposals/{proposal.pk}/undo/"' not in page


def test_undoing_on_the_page_after_the_window_explains_why_not(client, proposal, reviewer):
    services.proposal_approve(proposal=proposal, reviewer=reviewer)
    close_the_window(proposal)
    client.force_login(reviewer)
    response = client.post(f"/proposals/{proposal.pk}/undo/")
    assert response.status_code == 409
    assert "An approval can be undone for 10 minutes" in response.content.decode()
    assert Proposal.objects.get(pk=proposal.pk).status == ProposalStatus.APPROVED


def test_undoing_on_the_page_names_the_cells_that_moved(client, proposal, reviewer, cell):
    services.proposal_approve(proposal=proposal, reviewer=reviewer)
    Expectation.objects.filter(pk=cell.pk).update(description="Moved on.")
    client.force_login(reviewer)
    response = client.post(f"/proposals/{proposal.pk}/undo/")
    assert response.status_code == 409
    assert (
        f"Nothing was undone: these expectations changed since the approval: {cell.role.name} · {cell.level.name}"
        in response.content.decode()
    )


def test_an_undo_note_over_the_limit_sits_next_to_its_field(client, proposal, reviewer):
    services.proposal_approve(proposal=proposal, reviewer=reviewer)
    client.force_login(reviewer)
    response = client.post(f"/proposals/{proposal.pk}/undo/", {"note": "x" * (TEXT_MAX_LENGTH + 1)})
    assert response.status_code == 400
    assert 'id="id_undo_note_error"' in response.content.decode()
    assert Proposal.objects.get(pk=proposal.pk).status == ProposalStatus.APPROVED


def test_an_approval_note_over_the_limit_stays_on_the_confirmation(client, proposal, reviewer):
    client.force_login(reviewer)
    data = {"revision": "1", "note": "x" * (TEXT_MAX_LENGTH + 1), "confirm": "true"}
    response = client.post(f"/proposals/{proposal.pk}/approve/", data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Approve these changes to" in page and 'id="id_approve_note_error"' in page
    assert Proposal.objects.get(pk=proposal.pk).status == ProposalStatus.OPEN


def test_the_skill_history_names_the_undo(client, proposal, reviewer, skill):
    services.proposal_approve(proposal=proposal, reviewer=reviewer)
    services.proposal_undo(proposal=proposal, reviewer=reviewer)
    page = client.get(f"/skills/{skill.slug}/history/").content.decode()
    assert "through Undone approval" in page
    assert f'href="/proposals/{proposal.pk}/"' in page


def test_a_superuser_has_the_queue_and_reviews_on_the_page(client, proposal, staff):
    client.force_login(staff)
    assert client.get("/proposals/?queue=1").status_code == 200
    assert f'action="/proposals/{proposal.pk}/approve/"' in page_of(client, proposal)
    assert client.post(f"/proposals/{proposal.pk}/approve/", {"confirm": "true"}).status_code == 302
    assert client.post(f"/proposals/{proposal.pk}/undo/").status_code == 302
    assert Proposal.objects.get(pk=proposal.pk).status == ProposalStatus.REVERTED


def test_the_list_filters_reverted_proposals(client, proposal, reviewer):
    services.proposal_approve(proposal=proposal, reviewer=reviewer)
    services.proposal_undo(proposal=proposal, reviewer=reviewer)
    page = client.get("/proposals/?status=reverted").content.decode()
    assert f'href="/proposals/{proposal.pk}/"' in page
    assert f'href="/proposals/{proposal.pk}/"' not in client.get("/proposals/?status=approved").content.decode()
