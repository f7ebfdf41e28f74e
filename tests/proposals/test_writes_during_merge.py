"""Member writes on a skill that an admin merges into another meanwhile (issue 21 finding 11).

Each test reads the skill, commits the merge, then writes with the skill as it was read: the write
lands on the target (comments, watches) or is refused with the target's name (proposals), never a
foreign-key error. The tests commit (transaction=True): the foreign keys are checked at commit.
"""

import pytest

from proposals import services, throttling
from proposals.models import Comment, Proposal, ProposalStatus, Watch
from skills.merge import skill_merge
from skills.models import Expectation, Skill
from tests.factories import make_catalog
from tests.proposals.helpers import change_for

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def pair(levels):
    """Two skills of one role; every cell clashes (kept as the target's)."""
    source, target = make_catalog(skills=2, roles=1, levels=levels)["skills"]
    return source, target


def merge(source: Skill, target: Skill, staff) -> None:
    fresh = Skill.objects.get(pk=source.pk)  # the caller keeps the stale instance
    cells = Expectation.objects.filter(skill=source)
    decisions = {(cell.role_id, cell.level_id): "keep_target" for cell in cells}
    skill_merge(source=fresh, target=Skill.objects.get(pk=target.pk), decisions=decisions, user=staff)


@pytest.mark.parametrize("rate", [None, "comments"])
def test_a_comment_on_a_skill_merged_meanwhile_lands_on_the_target(pair, member, staff, rate):
    source, target = pair
    merge(source, target, staff)
    comment = services.comment_create(
        author=member, body="Posted while it merged.", skill=source, rate=rate and throttling.rate(rate)
    )
    assert Comment.objects.get(pk=comment.pk).skill_id == target.pk


def test_a_proposal_on_a_skill_merged_meanwhile_is_refused_with_the_targets_name(pair, author, staff):
    source, target = pair
    cell = Expectation.objects.select_related("role", "level").filter(skill=source).first()
    merge(source, target, staff)
    with pytest.raises(services.Conflict) as refused:
        services.proposal_create(
            author=author, skill=source, rationale="Why.", changes=[change_for(cell)], rate=throttling.rate("proposals")
        )
    assert target.name in refused.value.message
    assert not Proposal.objects.exists()


def test_watching_a_skill_merged_meanwhile_watches_the_target(pair, member, staff):
    source, target = pair
    merge(source, target, staff)
    services.watch_set(user=member, skill=source)
    assert list(Watch.objects.filter(user=member).values_list("skill_id", flat=True)) == [target.pk]


def test_unwatching_a_skill_merged_meanwhile_stops_watching_the_target(pair, member, staff):
    source, target = pair
    services.watch_set(user=member, skill=source)
    merge(source, target, staff)  # the watch follows the skill
    services.watch_clear(user=member, skill=source)
    assert not Watch.objects.filter(user=member).exists()


def test_an_approval_read_before_the_merge_applies_on_the_target(pair, author, reviewer, staff):
    source, target = pair
    cell = Expectation.objects.select_related("role", "level").filter(skill=source).first()
    target_cell = Expectation.objects.get(skill=target, role=cell.role, level=cell.level)
    proposal = services.proposal_create(author=author, skill=source, rationale="Why.", changes=[change_for(cell)])
    stale = Proposal.objects.get(pk=proposal.pk)
    fresh = Skill.objects.get(pk=source.pk)
    decisions = {(c.role_id, c.level_id): "take_source" for c in Expectation.objects.filter(skill=source)}
    skill_merge(source=fresh, target=Skill.objects.get(pk=target.pk), decisions=decisions, user=staff)
    approved = services.proposal_approve(proposal=stale, reviewer=reviewer)
    assert approved.status == ProposalStatus.APPROVED and approved.skill_id == target.pk
    target_cell.refresh_from_db()
    assert target_cell.description == change_for(cell).description


def test_a_proposal_sent_to_a_merged_skills_old_address_is_a_409_naming_the_target(pair, author, staff):
    from rest_framework.test import APIClient

    source, target = pair
    cell = Expectation.objects.filter(skill=source).select_related("role", "level").first()
    merge(source, target, staff)
    client = APIClient()
    client.force_authenticate(author)
    change = {
        "role": cell.role.slug,
        "level": cell.level.slug,
        "description": "Late.",
        "required": cell.required,
        "proficiency": cell.proficiency,
        "base_version": cell.version,
    }
    body = {"skill": source.slug, "rationale": "Sent after the merge.", "changes": [change]}
    response = client.post("/api/proposals/", body, format="json")
    assert response.status_code == 409
    assert target.name in response.json()["detail"]
    assert not Proposal.objects.filter(rationale="Sent after the merge.").exists()
