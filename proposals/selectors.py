"""Reads of the community part shared by the API, the template tag and (later) the pages."""

from django.db.models import Count, Q, QuerySet

from proposals import access
from proposals.models import Comment, Proposal, Watch
from skills.models import Skill

BLOCK_PROPOSALS = 10
BLOCK_COMMENTS = 50


def proposal_list(*, status: str = "", skill: str = "", domain: str = "") -> QuerySet:
    proposals = Proposal.objects.with_summary().with_changes().newest_first()
    if status:
        proposals = proposals.filter(status=status)
    if skill:
        proposals = proposals.filter(skill__slug=skill)
    if domain:
        proposals = proposals.filter(skill__group__domain__slug=domain)
    return proposals


def proposal_detail() -> QuerySet:
    return Proposal.objects.with_summary().with_changes()


def comments_for(*, user, skill: Skill | None = None, proposal: Proposal | None = None) -> QuerySet:
    comments = Comment.objects.for_skill(skill) if skill is not None else Comment.objects.for_proposal(proposal)
    return access.comments_visible_to(user, comments.with_people().in_order())


def watch_summary(*, skill: Skill, user) -> dict:
    """Watcher count and whether this user watches, in one query."""
    # An anonymous user's pk is None: "user_id IS NULL" matches no watch.
    mine = Q(user_id=user.pk)
    counts = Watch.objects.filter(skill=skill).aggregate(watchers=Count("pk"), mine=Count("pk", filter=mine))
    return {"watchers": counts["watchers"], "watching": bool(counts["mine"])}


def community_block(*, skill: Skill, user) -> dict:
    """What the skill page's Community block shows; the same few queries however much there is."""
    proposals = list(Proposal.objects.for_skill(skill).with_summary().newest_first()[:BLOCK_PROPOSALS])
    latest = Comment.objects.for_skill(skill).visible().with_people().order_by("-created", "-pk")[:BLOCK_COMMENTS]
    return {
        **watch_summary(skill=skill, user=user),
        "proposals": proposals,
        "comments": list(reversed(latest)),
    }
