"""Reads of the community part shared by the API, the template tags and the pages."""

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet
from django.db.models.functions import Lower

from proposals import access, review_checks
from proposals.models import Comment, Proposal, ProposalChange, ProposalStatus, Watch
from skills.models import Expectation, ExpectationEvent, Level, Role, RoleLevel, Skill

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


def decided_detail(*, proposal: Proposal) -> Proposal:
    """A proposal just decided, as proposal_detail() reads it, from the one the decision holds (its skill's group and
    domain, its people selected): only the count of its visible comments is read (one query). Its changes come
    apart (services.Approval), and a decided proposal has no warnings."""
    proposal.comment_count = Comment.objects.visible().filter(proposal_id=proposal.pk).count()
    return proposal


def proposal_warnings(*, proposal: Proposal) -> list[review_checks.ReviewWarning]:
    """The checks' warnings for an open proposal, against the catalog now: one query (the skill's cells), the
    changes come from the proposal's prefetch. A decided proposal has none (its catalog has moved on)."""
    if not proposal.is_open:
        return []
    cells = Expectation.objects.filter(skill_id=proposal.skill_id).with_axes()
    return review_checks.check_changes(cells=cells, changes=proposal.changes.all())


def base_events(*, proposal: Proposal, changes: list[ProposalChange]) -> dict[tuple[int, int], ExpectationEvent]:
    """For a decided proposal: each cell as it was at the change's base version, from the audit trail (one query)."""
    wanted = [change for change in changes if change.base_version]
    if not wanted:
        return {}
    where = Q()
    for change in wanted:
        where |= Q(role_id=change.role_id, level_id=change.level_id, version=change.base_version)
    events = (
        ExpectationEvent.objects.filter(where, skill_id=proposal.skill_id)
        .order_by("pgh_id")
        .only("role_id", "level_id", "version", "description", "required", "proficiency")
    )
    return {(event.role_id, event.level_id): event for event in events}


def moved_cell_events(*, proposal: Proposal, changes: list[ProposalChange]) -> dict[tuple[int, int], ExpectationEvent]:
    """For an open proposal's stale changes: the audit event that left each cell as it is now, with its context
    (who, through what, which proposal). One query, none when no change is stale or the cells are gone."""
    wanted = [c for c in changes if c.current_version and c.current_version != c.base_version]
    if not wanted:
        return {}
    where = Q()
    for change in wanted:
        where |= Q(role_id=change.role_id, level_id=change.level_id, version=change.current_version)
    events = (
        ExpectationEvent.objects.filter(where, skill_id=proposal.skill_id)
        .select_related("pgh_context")
        .order_by("pgh_id")
        .only("role_id", "level_id", "version", "pgh_context__metadata")
    )
    # The newest event at that version: a merge may have moved the cell since, without changing its content.
    return {(event.role_id, event.level_id): event for event in events}


def comments_for(*, user, skill: Skill | None = None, proposal: Proposal | None = None) -> QuerySet:
    comments = Comment.objects.for_skill(skill) if skill is not None else Comment.objects.for_proposal(proposal)
    return access.comments_visible_to(user, comments.with_people().in_order())


def comment_skill(*, comment: Comment) -> Skill:
    """The skill a skill comment is on, with its slug only: enough for the comment's address (one query)."""
    return Skill.objects.only("slug").get(pk=comment.skill_id)


def watch_summary(*, skill: Skill, user) -> dict:
    """Watcher count and whether this user watches, in one query."""
    return _watch_counts(Watch.objects.filter(skill=skill), user)


def watch_summary_by_slug(*, slug: str, user) -> dict:
    """watch_summary for the skill at `slug` (the kept skill page's watch box, proposals.templatetags.community)."""
    return _watch_counts(Watch.objects.filter(skill__slug=slug), user)


def _watch_counts(watches, user) -> dict:
    # An anonymous user's pk is None: "user_id IS NULL" matches no watch.
    counts = watches.aggregate(watchers=Count("pk"), mine=Count("pk", filter=Q(user_id=user.pk)))
    return {"watchers": counts["watchers"], "watching": bool(counts["mine"])}


def community_shared(*, skill_id: int) -> dict:
    """The part of the skill page's Community block that every visitor sees alike (three queries):
    the latest proposals and visible comments, and the number of watchers. It depends on the catalog
    and community revisions only, so the pages keep it (skills.freshness) for members too."""
    proposals = list(Proposal.objects.filter(skill_id=skill_id).with_summary().newest_first()[:BLOCK_PROPOSALS])
    comments = Comment.objects.filter(skill_id=skill_id).visible().with_people()
    latest = comments.order_by("-created", "-pk")[:BLOCK_COMMENTS]
    return {
        "proposals": proposals,
        "comments": list(reversed(latest)),
        "watchers": Watch.objects.filter(skill_id=skill_id).count(),
    }


def community_block(*, skill_id: int, user, shared: dict | None = None) -> dict:
    """What the skill page's Community block shows: the shared part (given, or read) and whether
    this user watches the skill (one query, none for anonymous visitors)."""
    shared = community_shared(skill_id=skill_id) if shared is None else shared
    watching = user.is_authenticated and Watch.objects.filter(skill_id=skill_id, user_id=user.pk).exists()
    return {**shared, "watching": watching}


# --- Pages -----------------------------------------------------------------------

PAGE_SIZE = 20
COMMENT_PAGE_SIZE = 50
CELL_PROPOSALS = 10


@dataclass(frozen=True)
class CellSlot:
    """One cell of the suggest form: a level of a role that appears in the skill, with its cell if it exists."""

    role: Role
    level: Level
    cell: Expectation | None

    @property
    def prefix(self) -> str:
        # Ids, not slugs: slugs may contain the separator.
        return f"c{self.role.pk}_{self.level.pk}"


def suggest_slots(*, skill: Skill) -> list[CellSlot]:
    """Every level of every role the skill has cells for, in role then level order (two queries)."""
    cells = {(cell.role_id, cell.level_id): cell for cell in Expectation.objects.for_skill(skill)}
    role_levels = (
        RoleLevel.objects.filter(role_id__in={role_id for role_id, _level_id in cells})
        .select_related("role", "level")
        .order_by("role__name", "level__position")
    )
    return [CellSlot(rl.role, rl.level, cells.get((rl.role_id, rl.level_id))) for rl in role_levels]


def proposal_page_list(*, status: str = "", skill: str = "", domain: str = "") -> QuerySet:
    """The /proposals/ page: summaries, and the changes with their roles and levels (one query for a page)."""
    changes = Prefetch("changes", queryset=ProposalChange.objects.with_axes())
    proposals = Proposal.objects.with_summary().prefetch_related(changes).newest_first()
    if status:
        proposals = proposals.filter(status=status)
    if skill:
        proposals = proposals.filter(skill__slug=skill)
    if domain:
        proposals = proposals.filter(skill__group__domain__slug=domain)
    return proposals


def review_queue(*, reviewer, skill: str = "", domain: str = "") -> QuerySet:
    """Open proposals this reviewer may decide, oldest first: the ones waiting longest come first."""
    proposals = proposal_page_list(status=ProposalStatus.OPEN, skill=skill, domain=domain)
    return proposals.exclude(author_id=reviewer.pk).order_by("created", "pk")


def filter_skills() -> QuerySet:
    """Skills for the filter form, grouped by domain (one query)."""
    return (
        Skill.objects.select_related("group__domain")
        .only("name", "slug", "group__domain__name", "group__domain__slug", "group__domain__position")
        .order_by("group__domain__position", "group__domain__name", Lower("name"))
    )


def cell_proposals(*, cell: Expectation) -> list[Proposal]:
    """Proposals that touch one cell, newest first (one query)."""
    return list(Proposal.objects.for_cell(cell).with_summary().newest_first()[:CELL_PROPOSALS])
