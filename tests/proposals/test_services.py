"""Community services: proposals from creation to decision, comments, watches, tokens."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404

from proposals import services
from proposals.models import Comment, Proposal, ProposalStatus, RejectReason, Watch
from proposals.services import ChangeInput, Conflict
from skills.models import Expectation, ExpectationEvent, RoleLevel, Skill
from tests.factories import make_role
from tests.proposals.helpers import change_for


def today():
    with connection.cursor() as cursor:
        cursor.execute("SELECT CURRENT_DATE")
        return cursor.fetchone()[0]


# --- proposal_create ---------------------------------------------------------------


def test_create_records_each_change_against_the_current_version(proposal, cell):
    Expectation.objects.filter(pk=cell.pk).update(description="Moved on.")  # version 2
    assert proposal.status == ProposalStatus.OPEN
    changes = {(c.role_id, c.level_id): c for c in proposal.changes.all()}
    assert len(changes) == 2
    assert changes[(cell.role_id, cell.level_id)].base_version == 1


def test_create_takes_base_version_from_the_cell_now(author, skill, cell):
    Expectation.objects.filter(pk=cell.pk).update(description="Second version.")
    proposal = services.proposal_create(author=author, skill=skill, rationale="Why.", changes=[change_for(cell)])
    assert proposal.changes.get().base_version == 2


def test_create_for_a_new_cell_has_base_version_zero(author, skill, levels):
    role = make_role(levels)
    change = ChangeInput(role=role, level=levels[0], description="New.", required=False, proficiency="working")
    proposal = services.proposal_create(author=author, skill=skill, rationale="Missing.", changes=[change])
    assert proposal.changes.get().base_version == 0


def test_create_with_a_stale_base_version_is_a_conflict(author, skill, cell):
    Expectation.objects.filter(pk=cell.pk).update(description="Second version.")
    with pytest.raises(Conflict) as error:
        services.proposal_create(
            author=author, skill=skill, rationale="Why.", changes=[change_for(cell, base_version=1)]
        )
    assert [(c.base_version, c.current_version) for c in error.value.conflicts] == [(1, 2)]
    assert not Proposal.objects.exists()


@pytest.mark.parametrize(
    ("rationale", "changes_kind", "field"),
    [
        ("", "one", "rationale"),
        ("   ", "one", "rationale"),
        ("Why.", "none", "changes"),
        ("Why.", "identical", "changes"),
        ("Why.", "twice", "changes"),
        ("Why.", "empty_text", "changes"),
        ("Why.", "bad_proficiency", "changes"),
        ("Why.", "missing_level", "changes"),
    ],
)
def test_create_refuses_invalid_input(author, skill, cell, levels, rationale, changes_kind, field):
    # The role gives up its top level (its cells there first: the database keeps no cell without its role level).
    Expectation.objects.filter(role=cell.role, level=levels[4]).delete()
    RoleLevel.objects.filter(role=cell.role, level=levels[4]).delete()
    no_level = Expectation(role=cell.role, level=levels[4], skill=skill, description="x", proficiency="working")
    changes = {
        "one": [change_for(cell)],
        "none": [],
        "identical": [change_for(cell, description=cell.description)],
        "twice": [change_for(cell), change_for(cell, description="Other.")],
        "empty_text": [change_for(cell, description="  ")],
        "bad_proficiency": [change_for(cell, proficiency="guru")],
        "missing_level": [change_for(no_level)],
    }[changes_kind]
    with pytest.raises(ValidationError) as error:
        services.proposal_create(author=author, skill=skill, rationale=rationale, changes=changes)
    assert field in error.value.message_dict
    assert not Proposal.objects.exists()


def test_anonymous_cannot_propose(skill, cell):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        services.proposal_create(author=AnonymousUser(), skill=skill, rationale="Why.", changes=[change_for(cell)])


# --- proposal_approve --------------------------------------------------------------


def test_approve_applies_every_change_and_bumps_versions(proposal, reviewer, cell):
    services.proposal_approve(proposal=proposal, reviewer=reviewer)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.APPROVED
    assert proposal.decided_by == reviewer
    assert proposal.decided_at is not None
    for change in proposal.changes.all():
        target = Expectation.objects.get(skill=proposal.skill, role=change.role, level=change.level)
        assert target.description == change.description
        assert target.proficiency == change.proficiency
        assert target.version == 2


def test_approve_bumps_the_skills_last_updated(proposal, reviewer, skill):
    Skill.objects.filter(pk=skill.pk).update(updated=datetime.date(2026, 2, 22))
    services.proposal_approve(proposal=proposal, reviewer=reviewer)
    skill.refresh_from_db()
    assert skill.updated == today()


def test_approve_creates_a_new_cell(author, reviewer, skill, levels):
    role = make_role(levels)
    change = ChangeInput(role=role, level=levels[1], description="Brand new.", required=True, proficiency="advanced")
    proposal = services.proposal_create(author=author, skill=skill, rationale="Missing.", changes=[change])
    services.proposal_approve(proposal=proposal, reviewer=reviewer)
    created = Expectation.objects.get(skill=skill, role=role, level=levels[1])
    assert (created.description, created.required, created.version) == ("Brand new.", True, 1)


def test_approve_links_audit_rows_to_the_proposal(proposal, reviewer):
    services.proposal_approve(proposal=proposal, reviewer=reviewer)
    events = ExpectationEvent.objects.filter(pgh_label="update", pgh_context__metadata__proposal=proposal.pk)
    assert events.count() == 2
    metadata = events.first().pgh_context.metadata
    assert metadata["source"] == "proposal"
    assert metadata["user"] == reviewer.pk
    assert metadata["username"] == "reviewer"


def test_approve_applies_nothing_when_one_cell_moved(proposal, reviewer, cell):
    Expectation.objects.filter(pk=cell.pk).update(description="Someone else's edit.")
    other = proposal.changes.exclude(role=cell.role, level=cell.level).get()
    before = Expectation.objects.get(skill=proposal.skill, role=other.role, level=other.level)
    with pytest.raises(Conflict) as error:
        services.proposal_approve(proposal=proposal, reviewer=reviewer)
    assert [(c.role, c.level, c.base_version, c.current_version) for c in error.value.conflicts] == [
        (cell.role.slug, cell.level.slug, 1, 2)
    ]
    untouched = Expectation.objects.get(pk=before.pk)
    assert (untouched.description, untouched.version) == (before.description, 1)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.OPEN


def test_approve_is_a_conflict_when_a_new_cell_now_exists(author, reviewer, skill, levels):
    role = make_role(levels)
    change = ChangeInput(role=role, level=levels[0], description="Mine.", required=False, proficiency="working")
    proposal = services.proposal_create(author=author, skill=skill, rationale="Missing.", changes=[change])
    Expectation.objects.create(skill=skill, role=role, level=levels[0], description="Theirs.", proficiency="working")
    with pytest.raises(Conflict) as error:
        services.proposal_approve(proposal=proposal, reviewer=reviewer)
    assert error.value.conflicts[0].base_version == 0
    assert error.value.conflicts[0].current_version == 1
    assert Expectation.objects.get(skill=skill, role=role, level=levels[0]).description == "Theirs."


def test_approve_is_a_conflict_when_a_cell_was_deleted(proposal, reviewer, cell):
    cell.delete()
    with pytest.raises(Conflict) as error:
        services.proposal_approve(proposal=proposal, reviewer=reviewer)
    assert error.value.conflicts[0].current_version == 0


@pytest.mark.parametrize("who", ["member", "author"])
def test_only_a_reviewer_other_than_the_author_approves(proposal, who, request):
    user = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        services.proposal_approve(proposal=proposal, reviewer=user)
    assert Proposal.objects.get(pk=proposal.pk).status == ProposalStatus.OPEN


def test_a_reviewer_cannot_approve_their_own_proposal(reviewer, skill, cell):
    own = services.proposal_create(author=reviewer, skill=skill, rationale="Mine.", changes=[change_for(cell)])
    with pytest.raises(PermissionDenied):
        services.proposal_approve(proposal=own, reviewer=reviewer)


@pytest.mark.parametrize("status", [ProposalStatus.APPROVED, ProposalStatus.REJECTED, ProposalStatus.WITHDRAWN])
def test_only_an_open_proposal_can_be_decided(proposal, reviewer, author, status):
    if status == ProposalStatus.APPROVED:
        services.proposal_approve(proposal=proposal, reviewer=reviewer)
    elif status == ProposalStatus.REJECTED:
        services.proposal_reject(proposal=proposal, reviewer=reviewer, reason="unclear")
    else:
        services.proposal_withdraw(proposal=proposal, user=author)
    with pytest.raises(Conflict):
        services.proposal_approve(proposal=proposal, reviewer=reviewer)
    with pytest.raises(Conflict):
        services.proposal_reject(proposal=proposal, reviewer=reviewer, reason="unclear")
    assert Proposal.objects.get(pk=proposal.pk).status == status


# --- reject, withdraw, rebase ------------------------------------------------------


def test_reject_records_reason_and_note_and_changes_nothing(proposal, reviewer, cell):
    services.proposal_reject(proposal=proposal, reviewer=reviewer, reason=RejectReason.DUPLICATE, note="See #1.")
    proposal.refresh_from_db()
    assert (proposal.status, proposal.reason, proposal.decision_note) == ("rejected", "duplicate", "See #1.")
    assert Expectation.objects.get(pk=cell.pk).version == 1


@pytest.mark.parametrize(("reason", "note", "field"), [("rude", "", "reason"), ("other", " ", "note")])
def test_reject_needs_a_valid_reason(proposal, reviewer, reason, note, field):
    with pytest.raises(ValidationError) as error:
        services.proposal_reject(proposal=proposal, reviewer=reviewer, reason=reason, note=note)
    assert field in error.value.message_dict


def test_reject_is_for_reviewers(proposal, member):
    with pytest.raises(PermissionDenied):
        services.proposal_reject(proposal=proposal, reviewer=member, reason="unclear")


def test_withdraw_is_for_the_author_of_an_open_proposal(proposal, author, member):
    with pytest.raises(PermissionDenied):
        services.proposal_withdraw(proposal=proposal, user=member)
    services.proposal_withdraw(proposal=proposal, user=author)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.WITHDRAWN
    with pytest.raises(Conflict):
        services.proposal_withdraw(proposal=proposal, user=author)


def test_the_author_rebases_a_stale_proposal_which_then_applies(proposal, author, reviewer, cell):
    Expectation.objects.filter(pk=cell.pk).update(description="Someone else's edit.")
    with pytest.raises(Conflict):
        services.proposal_approve(proposal=proposal, reviewer=reviewer)
    changes = [
        ChangeInput(c.role, c.level, c.description, c.required, c.proficiency)
        for c in proposal.changes.select_related("role", "level")
    ]
    services.proposal_update_changes(proposal=proposal, user=author, changes=changes, rationale="Rebased.")
    assert proposal.changes.get(role=cell.role, level=cell.level).base_version == 2
    services.proposal_approve(proposal=proposal, reviewer=reviewer)
    assert Expectation.objects.get(pk=cell.pk).version == 3
    assert Proposal.objects.get(pk=proposal.pk).rationale == "Rebased."


def test_only_the_author_edits_an_open_proposal(proposal, member, author, cell):
    with pytest.raises(PermissionDenied):
        services.proposal_update_changes(proposal=proposal, user=member, changes=[change_for(cell)])
    services.proposal_withdraw(proposal=proposal, user=author)
    with pytest.raises(Conflict):
        services.proposal_update_changes(proposal=proposal, user=author, changes=[change_for(cell)])


# --- comments ----------------------------------------------------------------------


def test_comment_on_a_skill_and_on_a_proposal(member, skill, proposal):
    on_skill = services.comment_create(author=member, skill=skill, body="  Useful.  ")
    on_proposal = services.comment_create(author=member, proposal=proposal, body="Agreed.")
    assert (on_skill.body, on_skill.skill, on_skill.proposal) == ("Useful.", skill, None)
    assert (on_proposal.skill, on_proposal.proposal) == (None, proposal)


@pytest.mark.parametrize("body", ["", "   ", "x" * 5001])
def test_comment_body_must_be_text_of_limited_length(member, skill, body):
    with pytest.raises(ValidationError):
        services.comment_create(author=member, skill=skill, body=body)


def test_comment_edit_by_the_author_within_fifteen_minutes(member, author, skill):
    comment = services.comment_create(author=author, skill=skill, body="First.")
    with pytest.raises(PermissionDenied):
        services.comment_edit(comment=comment, user=member, body="Hijack.")
    services.comment_edit(comment=comment, user=author, body="Second.")
    comment.refresh_from_db()
    assert comment.body == "Second."
    assert comment.edited is not None
    Comment.objects.filter(pk=comment.pk).update(created=comment.created - datetime.timedelta(minutes=16))
    comment.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.comment_edit(comment=comment, user=author, body="Third.")
    assert Comment.objects.get(pk=comment.pk).body == "Second."


def test_comment_delete_by_the_author_only(member, author, skill):
    comment = services.comment_create(author=author, skill=skill, body="Gone soon.")
    with pytest.raises(PermissionDenied):
        services.comment_delete(comment=comment, user=member)
    services.comment_delete(comment=comment, user=author)
    assert not Comment.objects.filter(pk=comment.pk).exists()


def test_comment_hide_by_a_reviewer_with_a_reason(member, reviewer, author, skill):
    comment = services.comment_create(author=author, skill=skill, body="Spam.")
    with pytest.raises(PermissionDenied):
        services.comment_hide(comment=comment, reviewer=member, reason="Spam")
    with pytest.raises(ValidationError):
        services.comment_hide(comment=comment, reviewer=reviewer, reason=" ")
    services.comment_hide(comment=comment, reviewer=reviewer, reason="Spam")
    comment.refresh_from_db()
    assert (comment.hidden, comment.hidden_by, comment.hidden_reason) == (True, reviewer, "Spam")
    with pytest.raises(PermissionDenied):
        services.comment_edit(comment=comment, user=author, body="Not spam, honest.")


def test_an_edit_from_a_copy_read_before_the_hide_is_refused(author, reviewer, skill):
    comment = services.comment_create(author=author, skill=skill, body="Spam.")
    read_by_the_author = Comment.objects.get(pk=comment.pk)
    services.comment_hide(comment=Comment.objects.get(pk=comment.pk), reviewer=reviewer, reason="Spam")
    with pytest.raises(PermissionDenied, match=r"A hidden comment cannot be edited\."):
        services.comment_edit(comment=read_by_the_author, user=author, body="Edited after the hide.")
    stored = Comment.objects.get(pk=comment.pk)
    assert (stored.body, stored.edited, stored.hidden) == ("Spam.", None, True)


@pytest.mark.parametrize("action", ["edit", "hide", "delete"])
def test_a_comment_deleted_meanwhile_is_a_404_to_every_write(author, reviewer, skill, action):
    comment = services.comment_create(author=author, skill=skill, body="Soon gone.")
    stale = Comment.objects.get(pk=comment.pk)
    services.comment_delete(comment=comment, user=author)
    call = {
        "edit": lambda: services.comment_edit(comment=stale, user=author, body="Edited after the delete."),
        "hide": lambda: services.comment_hide(comment=stale, reviewer=reviewer, reason="Spam"),
        "delete": lambda: services.comment_delete(comment=stale, user=author),
    }[action]
    with pytest.raises(Http404):
        call()
    assert not Comment.objects.filter(pk=comment.pk).exists()


def test_a_hide_from_a_copy_read_before_an_edit_keeps_the_edit_and_hides_it(author, reviewer, skill):
    comment = services.comment_create(author=author, skill=skill, body="First.")
    read_by_the_reviewer = Comment.objects.get(pk=comment.pk)
    services.comment_edit(comment=comment, user=author, body="Second.")
    hidden = services.comment_hide(comment=read_by_the_reviewer, reviewer=reviewer, reason="Spam")
    stored = Comment.objects.get(pk=comment.pk)
    assert (stored.body, stored.hidden) == ("Second.", True)
    assert stored.edited < stored.hidden_at
    assert hidden.body == "Second."


# --- watches ---------------------------------------------------------------------


def test_watch_set_and_clear_are_idempotent(member, skill):
    services.watch_set(user=member, skill=skill)
    services.watch_set(user=member, skill=skill)
    assert Watch.objects.filter(user=member, skill=skill).count() == 1
    services.watch_clear(user=member, skill=skill)
    services.watch_clear(user=member, skill=skill)
    assert not Watch.objects.exists()
