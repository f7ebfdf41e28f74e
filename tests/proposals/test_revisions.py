"""A decision applies what the reviewer read: the revision every edit raises, sent by the page and the API.

The author may edit a proposal while a reviewer reads it; approving (or rejecting) with the revision read
then answers 409 with what changed since, and applies nothing.
"""

import re

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from proposals import revisions, services
from proposals.models import Proposal, ProposalRevision, ProposalStatus
from proposals.services import Conflict, ProposalEdited
from skills.models import Expectation, Proficiency
from tests.proposals.helpers import change_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def third(skill, catalog):
    """A cell of the skill that the proposal does not change."""
    return Expectation.objects.get(skill=skill, role=catalog["roles"][0], level=catalog["levels"][1])


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def shown_revision(html: str, action: str) -> str:
    """The hidden revision of the form posting to `action`, as a browser would send it."""
    form = html.split(f'action="{action}"', 1)[1].split("</form>", 1)[0]
    match = re.search(r'<input type="hidden" name="revision" value="(\d+)">', form)
    assert match, form
    return match.group(1)


def patch_body(cell, third) -> dict:
    """Other text for one cell, another cell instead of the second: what the reviewer never saw."""
    return {
        "rationale": "Rewritten after review began.",
        "changes": [
            {
                "role": cell.role.slug,
                "level": cell.level.slug,
                "description": "Swapped text nobody reviewed.",
                "required": cell.required,
                "proficiency": cell.proficiency,
            },
            {
                "role": third.role.slug,
                "level": third.level.slug,
                "description": "A cell added later.",
                "required": True,
                "proficiency": Proficiency.EXPERT,
            },
        ],
    }


# --- Every edit raises the revision ------------------------------------------------------------


def test_a_new_proposal_is_at_revision_one(proposal):
    assert Proposal.objects.get(pk=proposal.pk).revision == 1


def test_each_service_edit_raises_the_revision_and_keeps_the_text_it_replaces(proposal, author, cell, third):
    services.proposal_update_changes(proposal=proposal, user=author, changes=[change_for(cell)])
    services.proposal_update_changes(
        proposal=proposal, user=author, changes=[change_for(third)], rationale="Another reason."
    )
    proposal.refresh_from_db()
    assert proposal.revision == 3
    kept = list(ProposalRevision.objects.filter(proposal=proposal).order_by("number"))
    assert [r.number for r in kept] == [1, 2]
    assert kept[0].rationale == "The texts are out of date."
    assert len(kept[0].changes) == 2 and len(kept[1].changes) == 1
    assert proposal.rationale == "Another reason."


def test_a_refused_edit_raises_nothing(proposal, author, member, cell):
    with pytest.raises(PermissionDenied):
        services.proposal_update_changes(proposal=proposal, user=member, changes=[change_for(cell)])
    with pytest.raises(Exception):  # noqa: B017 - the rationale is refused, whichever error says so
        services.proposal_update_changes(proposal=proposal, user=author, changes=[change_for(cell)], rationale=" ")
    assert Proposal.objects.get(pk=proposal.pk).revision == 1
    assert not ProposalRevision.objects.exists()


def test_the_api_patch_raises_the_revision_and_shows_it(api, author, proposal, cell, third):
    response = api(author).patch(f"/api/proposals/{proposal.pk}/", patch_body(cell, third), format="json")
    assert response.status_code == 200
    assert response.json()["revision"] == 2
    assert api(author).get(f"/api/proposals/{proposal.pk}/").json()["revision"] == 2
    listed = api(author).get("/api/proposals/").json()["results"]
    assert [p["revision"] for p in listed if p["id"] == proposal.pk] == [2]


def test_the_pages_rebase_raises_the_revision(author, proposal, cell):
    cell.description = "Moved on."
    cell.save()
    assert client_for(author).post(f"/proposals/{proposal.pk}/rebase/", {"keep": "on"}).status_code == 302
    assert Proposal.objects.get(pk=proposal.pk).revision == 2


def test_the_admin_cannot_edit_a_proposals_text(client, staff, proposal):
    client.force_login(staff)
    url = f"/admin/proposals/proposal/{proposal.pk}/change/"
    page = client.get(url).content.decode()
    assert 'name="rationale"' not in page
    response = client.post(url, {"rationale": "Changed in the admin.", "_save": "Save"})
    assert response.status_code in (200, 302)
    proposal.refresh_from_db()
    assert (proposal.rationale, proposal.revision) == ("The texts are out of date.", 1)


def test_saving_in_the_admin_does_not_undo_a_decision_taken_meanwhile(rf, staff, reviewer, proposal):
    from django.contrib.admin.sites import site

    model_admin = site._registry[Proposal]
    stale = Proposal.objects.get(pk=proposal.pk)  # as the admin's form read it
    services.proposal_approve(proposal=proposal, reviewer=reviewer)
    form = model_admin.get_form(rf.get("/"), stale)(instance=stale, data={})
    assert form.is_valid(), form.errors
    model_admin.save_model(rf.post("/"), form.save(commit=False), form, change=True)
    assert Proposal.objects.get(pk=proposal.pk).status == ProposalStatus.APPROVED


# --- The service decides on the revision read, under the lock -------------------------------------


def test_approve_with_the_revision_read_applies(proposal, reviewer, cell):
    services.proposal_approve(proposal=proposal, reviewer=reviewer, revision=1)
    cell.refresh_from_db()
    assert cell.description == f"Better text for {cell.role} at {cell.level}."


def test_approve_of_an_edited_proposal_with_the_old_revision_applies_nothing(proposal, author, reviewer, cell, third):
    services.proposal_update_changes(
        proposal=proposal,
        user=author,
        changes=[change_for(cell, description="Swapped text."), change_for(third, proficiency=Proficiency.EXPERT)],
        rationale="Rewritten.",
    )
    with pytest.raises(ProposalEdited) as raised:
        services.proposal_approve(proposal=proposal, reviewer=reviewer, revision=1)
    assert isinstance(raised.value, Conflict)
    assert "the author edited this proposal after you opened it" in raised.value.message.lower()
    edits = raised.value.edits
    assert (edits.seen_revision, edits.revision, edits.known) == (1, 2, True)
    assert (edits.rationale_seen, edits.rationale_now) == ("The texts are out of date.", "Rewritten.")
    by_cell = {(e.role.slug, e.level.slug): e for e in edits.cells}
    assert (
        by_cell[(cell.role.slug, cell.level.slug)].seen.description == f"Better text for {cell.role} at {cell.level}."
    )
    assert by_cell[(cell.role.slug, cell.level.slug)].now.description == "Swapped text."
    assert by_cell[(third.role.slug, third.level.slug)].seen is None
    assert len(by_cell) == 3  # the cell removed from the proposal is there too, with now=None
    assert [e.now for e in edits.cells if e.now is None] != []
    assert Proposal.objects.get(pk=proposal.pk).status == ProposalStatus.OPEN
    assert not Expectation.objects.filter(
        description__in=["Swapped text.", f"Better text for {cell.role} at {cell.level}."]
    ).exists()
    # Read again: the current revision applies.
    services.proposal_approve(proposal=proposal, reviewer=reviewer, revision=2)
    cell.refresh_from_db()
    assert cell.description == "Swapped text."


def test_a_revision_that_never_was_is_a_conflict_without_a_diff(proposal, reviewer):
    with pytest.raises(ProposalEdited) as raised:
        services.proposal_approve(proposal=proposal, reviewer=reviewer, revision=7)
    assert (raised.value.edits.known, raised.value.edits.cells) == (False, [])
    assert Proposal.objects.get(pk=proposal.pk).status == ProposalStatus.OPEN


def test_reject_checks_the_revision_only_when_given(proposal, author, reviewer, cell):
    services.proposal_update_changes(proposal=proposal, user=author, changes=[change_for(cell, description="New.")])
    with pytest.raises(ProposalEdited):
        services.proposal_reject(proposal=proposal, reviewer=reviewer, reason="unclear", revision=1)
    assert Proposal.objects.get(pk=proposal.pk).status == ProposalStatus.OPEN
    services.proposal_reject(proposal=proposal, reviewer=reviewer, reason="unclear")
    assert Proposal.objects.get(pk=proposal.pk).status == ProposalStatus.REJECTED


def test_edits_since_the_current_revision_are_none(proposal):
    edits = revisions.edits_since(Proposal.objects.get(pk=proposal.pk), 1)
    assert (edits.known, edits.cells) == (False, [])


# --- The page: the approve form carries the revision it showed --------------------------------


def test_the_review_forms_carry_the_revision_shown(reviewer, author, proposal, cell):
    url = f"/proposals/{proposal.pk}/"
    page = client_for(reviewer).get(url).content.decode()
    assert shown_revision(page, f"{url}approve/") == "1"
    assert shown_revision(page, f"{url}reject/") == "1"
    services.proposal_update_changes(proposal=proposal, user=author, changes=[change_for(cell, description="New.")])
    page = client_for(reviewer).get(url).content.decode()
    assert shown_revision(page, f"{url}approve/") == "2"


def test_approving_on_the_page_after_the_author_edited_is_a_409_that_shows_the_new_text(
    api, reviewer, author, proposal, cell, third
):
    url = f"/proposals/{proposal.pk}/"
    reviewer_client = client_for(reviewer)
    revision = shown_revision(reviewer_client.get(url).content.decode(), f"{url}approve/")
    assert (
        api(author).patch(f"/api/proposals/{proposal.pk}/", patch_body(cell, third), format="json").status_code == 200
    )

    response = reviewer_client.post(f"{url}approve/", {"revision": revision})
    page = response.content.decode()
    assert response.status_code == 409
    assert "The author edited this proposal after you opened it" in page
    assert 'id="revision-edits"' in page
    assert "Swapped text nobody reviewed." in page  # the new text, in the diff and in the proposal
    assert "A cell added later." in page
    assert shown_revision(page, f"{url}approve/") == "2"  # the form now carries what the page shows
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.OPEN
    assert not Expectation.objects.filter(description="Swapped text nobody reviewed.").exists()
    third.refresh_from_db()
    assert third.description != "A cell added later."

    # Read again, approved: the text applied is the one now shown.
    assert reviewer_client.post(f"{url}approve/", {"revision": "2", "confirm": "true"}).status_code == 302
    cell.refresh_from_db()
    assert cell.description == "Swapped text nobody reviewed."


def test_rejecting_on_the_page_after_an_edit_keeps_the_reason_typed(reviewer, author, proposal, cell):
    url = f"/proposals/{proposal.pk}/"
    services.proposal_update_changes(proposal=proposal, user=author, changes=[change_for(cell, description="New.")])
    response = client_for(reviewer).post(f"{url}reject/", {"revision": "1", "reason": "other", "note": "Too vague."})
    assert response.status_code == 409
    page = response.content.decode()
    assert "The author edited this proposal after you opened it" in page
    assert "Too vague." in page
    assert Proposal.objects.get(pk=proposal.pk).status == ProposalStatus.OPEN


@pytest.mark.parametrize("revision", ["x", "0", "-1", "99999999999"])
def test_a_malformed_revision_on_the_page_is_a_400(reviewer, proposal, revision):
    response = client_for(reviewer).post(f"/proposals/{proposal.pk}/approve/", {"revision": revision})
    assert response.status_code == 400
    assert Proposal.objects.get(pk=proposal.pk).status == ProposalStatus.OPEN


# --- The API ----------------------------------------------------------------------------------


def test_approving_through_the_api_with_an_old_revision_is_a_409_with_what_changed(
    api, reviewer, author, proposal, cell, third
):
    seen = api(reviewer).get(f"/api/proposals/{proposal.pk}/").json()["revision"]
    assert (
        api(author).patch(f"/api/proposals/{proposal.pk}/", patch_body(cell, third), format="json").status_code == 200
    )

    response = api(reviewer).post(f"/api/proposals/{proposal.pk}/approve/", {"revision": seen}, format="json")
    assert response.status_code == 409
    body = response.json()
    assert "the author edited this proposal after you opened it" in body["detail"].lower()
    assert (body["revision"], body["seen_revision"], body["conflicts"]) == (2, 1, [])
    assert body["rationale"] == {"seen": "The texts are out of date.", "now": "Rewritten after review began."}
    edits = {(e["role"], e["level"]): e for e in body["edits"]}
    assert edits[(cell.role.slug, cell.level.slug)]["now"]["description"] == "Swapped text nobody reviewed."
    assert edits[(cell.role.slug, cell.level.slug)]["seen"]["description"].startswith("Better text for")
    assert edits[(third.role.slug, third.level.slug)]["seen"] is None
    assert {(c["role"], c["level"]) for c in body["changes"]} == {
        (cell.role.slug, cell.level.slug),
        (third.role.slug, third.level.slug),
    }
    assert Proposal.objects.get(pk=proposal.pk).status == ProposalStatus.OPEN
    assert not Expectation.objects.filter(description="Swapped text nobody reviewed.").exists()

    response = api(reviewer).post(f"/api/proposals/{proposal.pk}/approve/", {"revision": 2}, format="json")
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["revision"]) == ("approved", 2)


def test_approving_through_the_api_without_a_revision_keeps_todays_contract(api, reviewer, proposal):
    assert api(reviewer).post(f"/api/proposals/{proposal.pk}/approve/").status_code == 200


@pytest.mark.parametrize("body", [{"revision": "1"}, {"revision": 0}, {"revision": True}, {"revision": 1.5}, [1]])
def test_a_malformed_revision_in_the_api_is_a_400(api, reviewer, proposal, body):
    response = api(reviewer).post(f"/api/proposals/{proposal.pk}/approve/", body, format="json")
    assert response.status_code == 400
    assert Proposal.objects.get(pk=proposal.pk).status == ProposalStatus.OPEN


def test_rejecting_through_the_api_with_an_old_revision_is_a_409(api, reviewer, author, proposal, cell, third):
    api(author).patch(f"/api/proposals/{proposal.pk}/", patch_body(cell, third), format="json")
    body = {"reason": "unclear", "revision": 1}
    response = api(reviewer).post(f"/api/proposals/{proposal.pk}/reject/", body, format="json")
    assert response.status_code == 409
    assert response.json()["revision"] == 2
    assert Proposal.objects.get(pk=proposal.pk).status == ProposalStatus.OPEN


def test_the_schema_documents_the_revision(client):
    schema = client.get("/api/schema/?format=json").json()
    approve = schema["paths"]["/api/proposals/{id}/approve/"]["post"]
    assert "revision" in approve["description"]
    assert "revision" in schema["components"]["schemas"]["ProposalDetailOut"]["properties"]
    assert "revision" in schema["components"]["schemas"]["ProposalApproveInRequest"]["properties"]
    assert not approve["requestBody"].get("required"), "the body stays optional (DESIGN: approve with no body)"
