"""The community's part in merging one skill into another (skills/merge.py calls it; see ProposalsConfig.ready).

Watchers, the skill's comments and its proposals (with their changes and comments) follow the skill.
Proposals.skill, Comment.skill and Watch.skill cascade on delete, so they must move before the source goes.

Open proposals' changes are written against a cell version (base_version); approving checks it. After the merge:
- a change to a cell that moved keeps a valid base: the cell kept its identity and version;
- a change to a clashing cell whose target text was kept was written against text that is gone: its base is set
  to 0, so the proposal shows as stale against the target's cell and approving answers 409 until it is rewritten
  (left as it was, its base could equal the target cell's version by chance and overwrite a text nobody reviewed);
- a change to a clashing cell that took the source's text was written against exactly that text: its base moves to
  the target cell's new version, so it stays approvable (if it was already stale, it stays stale, with base 0).
Proposals are per skill, so the changes of one proposal cannot clash with each other after the move.
Decided proposals are history: they move with the skill, their changes untouched.
"""

from django.db.models import Case, IntegerField, Q, Value, When
from django.utils.translation import gettext as _

from proposals.models import Comment, Proposal, ProposalChange, ProposalStatus, Watch
from skills.merge import Decision, MergeResult, Participant
from skills.models import Skill


def preview(source: Skill, target: Skill) -> list[tuple[str, int]]:
    watchers = Watch.objects.filter(skill=source).exclude(user__watches__skill=target).count()
    return [
        (_("Watchers who will watch the target (those watching both are counted once)"), watchers),
        (_("Comments on the skill"), Comment.objects.filter(skill=source).count()),
        (_("Proposals (with their changes and comments)"), Proposal.objects.filter(skill=source).count()),
    ]


def apply(source: Skill, target: Skill, result: MergeResult) -> dict[str, int]:
    # A user watching both keeps the watch on the target (one row, one email).
    Watch.objects.filter(skill=source, user__watches__skill=target).delete()
    watches = Watch.objects.filter(skill=source).update(skill=target)
    comments = Comment.objects.filter(skill=source).update(skill=target)
    _rebase_open_changes(source, result)
    proposals = Proposal.objects.filter(skill=source).update(skill=target)
    return {"watches": watches, "comments": comments, "proposals": proposals}


def _rebase_open_changes(source: Skill, result: MergeResult) -> None:
    """One UPDATE for every open change that touches a clashing cell (see the module's docstring)."""
    whens = []
    for clash in result.resolved:
        axes = Q(role_id=clash.role_id, level_id=clash.level_id)
        if clash.decision == Decision.TAKE_SOURCE:
            whens.append(When(axes & Q(base_version=clash.source_version), then=Value(clash.target_version)))
        whens.append(When(axes, then=Value(0)))
    if not whens:
        return
    ProposalChange.objects.filter(proposal__skill=source, proposal__status=ProposalStatus.OPEN).filter(
        Q.create([Q(role_id=c.role_id, level_id=c.level_id) for c in result.resolved], connector=Q.OR)
    ).update(base_version=Case(*whens, output_field=IntegerField()))


participant = Participant(name="proposals", preview=preview, apply=apply)
