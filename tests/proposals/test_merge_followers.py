"""What follows a skill merged into another: watchers (deduplicated), comments, proposals and their changes."""

import pytest

from proposals import services
from proposals.models import Comment, Proposal, ProposalChange, ProposalStatus, Watch
from proposals.services import ChangeInput, Conflict
from skills.merge import Decision, merge_followers, skill_merge
from skills.models import Expectation, Proficiency
from tests.factories import ExpectationFactory, SkillFactory, SkillGroupFactory, UserFactory, make_role

KEEP, TAKE = Decision.KEEP_TARGET.value, Decision.TAKE_SOURCE.value


@pytest.fixture
def pair(levels):
    """Source and target; the first role's Junior cell clashes, the first role's Middle cell moves."""
    group = SkillGroupFactory()
    source = SkillFactory(group=group, name="ML Tracking", slug="ml-tracking")
    target = SkillFactory(group=group, name="Tracking", slug="tracking")
    first, second = make_role(levels), make_role(levels)
    junior, middle = levels[:2]

    def cell(skill, role, level, text):
        return ExpectationFactory(skill=skill, role=role, level=level, description=text)

    return {
        "source": source,
        "target": target,
        "first": first,
        "second": second,
        "junior": junior,
        "middle": middle,
        "clash_source": cell(source, first, junior, "Source junior."),
        "moving": cell(source, first, middle, "Source middle."),
        "clash_target": cell(target, first, junior, "Target junior."),
        "target_only": cell(target, second, junior, "Target, second role."),
    }


def clash_decision(pair, value):
    return {(pair["first"].pk, pair["junior"].pk): value}


def rewrite(cell: Expectation, text: str) -> ChangeInput:
    return ChangeInput(
        role=cell.role,
        level=cell.level,
        description=text,
        required=cell.required,
        proficiency=cell.proficiency,
        base_version=cell.version,
    )


def test_watchers_follow_and_a_user_watching_both_keeps_one_watch(pair, member, author, staff):
    both, only_source, only_target = member, author, UserFactory()
    for user, skill in [(both, "source"), (both, "target"), (only_source, "source"), (only_target, "target")]:
        services.watch_set(user=user, skill=pair[skill])
    assert (
        dict(merge_followers(source=pair["source"], target=pair["target"]))[
            "Watchers who will watch the target (those watching both are counted once)"
        ]
        == 1
    )

    result = skill_merge(source=pair["source"], target=pair["target"], decisions=clash_decision(pair, KEEP), user=staff)

    assert sorted(Watch.objects.values_list("user__username", "skill__slug")) == sorted(
        [(both.username, "tracking"), (only_source.username, "tracking"), (only_target.username, "tracking")]
    )
    assert result.followers["watches"] == 1


def test_skill_comments_follow_and_proposal_comments_stay_with_their_proposal(pair, author, reviewer, staff):
    on_skill = services.comment_create(author=author, skill=pair["source"], body="On the skill.")
    proposal = services.proposal_create(
        author=author, skill=pair["source"], rationale="Clearer.", changes=[rewrite(pair["moving"], "Better middle.")]
    )
    on_proposal = services.comment_create(author=reviewer, proposal=proposal, body="On the proposal.")

    skill_merge(source=pair["source"], target=pair["target"], decisions=clash_decision(pair, KEEP), user=staff)

    on_skill.refresh_from_db()
    on_proposal.refresh_from_db()
    assert on_skill.skill_id == pair["target"].pk
    assert (on_proposal.proposal_id, on_proposal.skill_id) == (proposal.pk, None)
    assert Comment.objects.count() == 2


def test_proposals_follow_open_and_decided(pair, author, reviewer, staff):
    decided = services.proposal_create(
        author=author, skill=pair["source"], rationale="Old.", changes=[rewrite(pair["moving"], "Decided text.")]
    )
    services.proposal_reject(proposal=decided, reviewer=reviewer, reason="unclear")
    opened = services.proposal_create(
        author=author, skill=pair["source"], rationale="New.", changes=[rewrite(pair["moving"], "Open text.")]
    )
    preview = dict(merge_followers(source=pair["source"], target=pair["target"]))
    assert preview["Proposals (with their changes and comments)"] == 2

    skill_merge(source=pair["source"], target=pair["target"], decisions=clash_decision(pair, KEEP), user=staff)

    assert set(Proposal.objects.values_list("pk", "skill_id")) == {
        (decided.pk, pair["target"].pk),
        (opened.pk, pair["target"].pk),
    }
    assert ProposalChange.objects.count() == 2


def test_an_open_change_to_a_moved_cell_stays_approvable_on_the_target(pair, author, reviewer, staff):
    proposal = services.proposal_create(
        author=author, skill=pair["source"], rationale="Clearer.", changes=[rewrite(pair["moving"], "Better middle.")]
    )
    skill_merge(source=pair["source"], target=pair["target"], decisions=clash_decision(pair, KEEP), user=staff)

    services.proposal_approve(proposal=Proposal.objects.get(pk=proposal.pk), reviewer=reviewer)
    moved = Expectation.objects.get(pk=pair["moving"].pk)
    assert (moved.skill_id, moved.description, moved.version) == (pair["target"].pk, "Better middle.", 2)


def test_an_open_change_to_a_clashing_cell_whose_target_text_was_kept_goes_stale(pair, author, reviewer, staff):
    # The source cell and the target cell are both at version 1: left alone, the base would match by chance.
    proposal = services.proposal_create(
        author=author,
        skill=pair["source"],
        rationale="Clearer.",
        changes=[rewrite(pair["clash_source"], "Rewritten junior.")],
    )
    skill_merge(source=pair["source"], target=pair["target"], decisions=clash_decision(pair, KEEP), user=staff)

    assert ProposalChange.objects.get(proposal=proposal).base_version == 0
    with pytest.raises(Conflict):
        services.proposal_approve(proposal=Proposal.objects.get(pk=proposal.pk), reviewer=reviewer)
    assert Expectation.objects.get(pk=pair["clash_target"].pk).description == "Target junior."


def test_an_open_change_to_a_clashing_cell_that_took_the_source_text_is_rebased(pair, author, reviewer, staff):
    proposal = services.proposal_create(
        author=author,
        skill=pair["source"],
        rationale="Clearer.",
        changes=[rewrite(pair["clash_source"], "Rewritten junior.")],
    )
    skill_merge(source=pair["source"], target=pair["target"], decisions=clash_decision(pair, TAKE), user=staff)

    taken = Expectation.objects.get(pk=pair["clash_target"].pk)
    assert (taken.description, taken.version) == ("Source junior.", 2)
    assert ProposalChange.objects.get(proposal=proposal).base_version == 2
    services.proposal_approve(proposal=Proposal.objects.get(pk=proposal.pk), reviewer=reviewer)
    taken.refresh_from_db()
    assert (taken.description, taken.version) == ("Rewritten junior.", 3)


def test_a_change_that_was_already_stale_stays_stale_when_the_source_text_is_taken(pair, author, staff):
    proposal = services.proposal_create(
        author=author,
        skill=pair["source"],
        rationale="Clearer.",
        changes=[rewrite(pair["clash_source"], "Rewritten junior.")],
    )
    Expectation.objects.filter(pk=pair["clash_source"].pk).update(proficiency=Proficiency.EXPERT)  # version 2
    skill_merge(source=pair["source"], target=pair["target"], decisions=clash_decision(pair, TAKE), user=staff)
    assert ProposalChange.objects.get(proposal=proposal).base_version == 0


def test_decided_proposals_keep_their_changes_as_written(pair, author, reviewer, staff):
    decided = services.proposal_create(
        author=author,
        skill=pair["source"],
        rationale="Old.",
        changes=[rewrite(pair["clash_source"], "Rejected junior.")],
    )
    services.proposal_reject(proposal=decided, reviewer=reviewer, reason="unclear")
    skill_merge(source=pair["source"], target=pair["target"], decisions=clash_decision(pair, KEEP), user=staff)
    assert ProposalChange.objects.get(proposal=decided).base_version == 1
    assert Proposal.objects.get(pk=decided.pk).status == ProposalStatus.REJECTED


def test_a_new_cell_proposed_where_the_target_has_one_shows_stale(pair, author, reviewer, staff, client):
    new_cell = ChangeInput(
        role=pair["second"],
        level=pair["junior"],
        description="A new cell on the source.",
        required=False,
        proficiency=Proficiency.WORKING,
        base_version=0,
    )
    proposal = services.proposal_create(author=author, skill=pair["source"], rationale="Missing.", changes=[new_cell])
    skill_merge(source=pair["source"], target=pair["target"], decisions=clash_decision(pair, KEEP), user=staff)

    html = client.get(f"/proposals/{proposal.pk}/").content.decode()
    assert "written against version 0, now version 1" in html
    with pytest.raises(Conflict):
        services.proposal_approve(proposal=Proposal.objects.get(pk=proposal.pk), reviewer=reviewer)


def test_the_proposal_page_and_the_skill_page_of_the_target_show_what_followed(pair, author, staff, client):
    proposal = services.proposal_create(
        author=author, skill=pair["source"], rationale="Clearer.", changes=[rewrite(pair["moving"], "Better middle.")]
    )
    services.comment_create(author=author, skill=pair["source"], body="A comment that followed.")
    skill_merge(source=pair["source"], target=pair["target"], decisions=clash_decision(pair, KEEP), user=staff)

    proposal_page = client.get(f"/proposals/{proposal.pk}/").content.decode()
    assert "/skills/tracking/" in proposal_page and "/skills/ml-tracking/" not in proposal_page
    response = client.get("/api/skills/tracking/comments/")
    assert [comment["body"] for comment in response.json()["results"]] == ["A comment that followed."]
