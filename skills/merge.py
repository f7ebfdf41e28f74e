"""Merging a duplicate skill into another ("ML Experiment Tracking" into "Experiment Tracking").

The source skill's cells move to the target (an UPDATE of skill_id: each cell
keeps its identity, version and history, and the audit trail records the move
as an update). Where both skills have a cell for the same role and level (a
clash), the caller decides per cell: keep the target's text, or take the
source's. Everything that hangs on the source from other apps (watchers,
comments, proposals) is moved by the participants that those apps register
here: `skills` never imports them. The source's address then answers 301 to
the target (SkillRedirect), and the source is deleted.

Locks follow the order of skills/locking.py: both skills' rows (FOR UPDATE, by primary key), then
their cells (by primary key), then the rows the participants move. A member's comment, proposal or
watch racing the merge waits for the source's row and then finds it gone: proposals.services answers
with the target (skills.locking.merged_into).
"""

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, OuterRef, Subquery
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from skillmatrix.lock_conflicts import retry_on_lock_conflict
from skills.audit import audit_context
from skills.models import Expectation, ExpectationEvent, Skill, SkillRedirect


class Decision(StrEnum):
    KEEP_TARGET = "keep_target"
    TAKE_SOURCE = "take_source"


DECISION_LABELS = {
    Decision.KEEP_TARGET: gettext_lazy("Keep the target's text"),
    Decision.TAKE_SOURCE: gettext_lazy("Take the source's text"),
}

Axes = tuple[int, int]  # (role_id, level_id)


@dataclass(frozen=True)
class Clash:
    source: Expectation
    target: Expectation

    @property
    def axes(self) -> Axes:
        return (self.source.role_id, self.source.level_id)

    @property
    def key(self) -> str:
        """The name of the form field that carries the decision for this clash."""
        return f"clash-{self.source.role_id}-{self.source.level_id}"


@dataclass(frozen=True)
class MergePlan:
    """What merging source into target would do, read before anything is written."""

    source: Skill
    target: Skill
    moves: list[Expectation]
    clashes: list[Clash]

    @property
    def fingerprint(self) -> str:
        """Changes whenever a cell of either skill is added, removed or edited: a preview stays valid while it holds."""
        cells = [*self.moves, *(c.source for c in self.clashes), *(c.target for c in self.clashes)]
        rows = sorted((cell.pk, cell.skill_id, cell.role_id, cell.level_id, cell.version) for cell in cells)
        text = f"{self.source.pk}:{self.target.pk}:{rows}"
        return hashlib.sha256(text.encode()).hexdigest()[:32]


@dataclass(frozen=True)
class ResolvedClash:
    """A clash as resolved: what the target cell's version is after the merge."""

    role_id: int
    level_id: int
    decision: Decision
    source_version: int
    target_version: int


@dataclass
class MergeResult:
    source_slug: str
    source_name: str
    target: Skill
    moved: int = 0
    resolved: list[ResolvedClash] = field(default_factory=list)
    followers: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Participant:
    """Another app's part in a merge.

    preview(source, target) -> [(label, count)]: what would follow the merge (shown before confirming).
    apply(source, target, result) -> {label: count}: move it; runs inside the merge's transaction, after the
    cells moved and the clashes were resolved, and before the source's clashing cells and the source are deleted
    (so rows hanging on either with on_delete=CASCADE must be moved here).
    """

    name: str
    preview: Callable[[Skill, Skill], list[tuple[str, int]]]
    apply: Callable[[Skill, Skill, MergeResult], dict[str, int]]


participants: list[Participant] = []


def register(participant: Participant) -> None:
    """Called from an AppConfig.ready(); registering the same name twice replaces it (reloads, tests)."""
    participants[:] = [p for p in participants if p.name != participant.name]
    participants.append(participant)


# ------------------------------------------------------------------ reading
# Texts within a tenth of each other's length say about as much: then the more recent edit decides.
SIMILAR_LENGTH = 0.1

SUGGESTION_RULE = gettext_lazy(
    "Each clash comes pre-selected: the text that says more (the longer one); where both are about the same "
    "length (within a tenth), the one edited more recently; where both read the same, the target's. "
    "Read each before you merge: the choice stays yours."
)


class Why(StrEnum):
    SAME = "same"
    LONGER = "longer"
    RECENT = "recent"
    DEFAULT = "default"


WHY_LABELS = {
    Why.SAME: gettext_lazy("same text"),
    Why.LONGER: gettext_lazy("longer text"),
    Why.RECENT: gettext_lazy("edited more recently"),
    Why.DEFAULT: gettext_lazy("the target's, by default"),
}


@dataclass(frozen=True)
class Suggestion:
    decision: Decision
    why: Why

    @property
    def label(self) -> str:
        return str(WHY_LABELS[self.why])


def suggest(clash: Clash, edited: Mapping[int, object]) -> Suggestion:
    """The sensible choice for one clash (SUGGESTION_RULE); `edited` maps a cell's id to its last edit."""
    source, target = (" ".join(cell.description.split()) for cell in (clash.source, clash.target))
    if source == target:
        return Suggestion(Decision.KEEP_TARGET, Why.SAME)
    longer = max(len(source), len(target))
    if abs(len(source) - len(target)) > SIMILAR_LENGTH * longer:
        return Suggestion(Decision.TAKE_SOURCE if len(source) > len(target) else Decision.KEEP_TARGET, Why.LONGER)
    source_edit, target_edit = edited.get(clash.source.pk), edited.get(clash.target.pk)
    if source_edit and target_edit and source_edit != target_edit:
        return Suggestion(Decision.TAKE_SOURCE if source_edit > target_edit else Decision.KEEP_TARGET, Why.RECENT)
    return Suggestion(Decision.KEEP_TARGET, Why.DEFAULT)


def suggestions(plan: "MergePlan") -> dict[Axes, Suggestion]:
    """The suggestion per clash: one query for the cells' last edits in the audit trail."""
    if not plan.clashes:
        return {}
    ids = [cell.pk for clash in plan.clashes for cell in (clash.source, clash.target)]
    edited = dict(
        ExpectationEvent.objects.filter(pgh_obj_id__in=ids, pgh_label__in=["insert", "update"])
        .values("pgh_obj_id")
        .annotate(last=Max("pgh_created_at"))
        .values_list("pgh_obj_id", "last")
        .order_by()
    )
    return {clash.axes: suggest(clash, edited) for clash in plan.clashes}


def merge_plan(*, source: Skill, target: Skill) -> MergePlan:
    """The cells that would move and the clashes (two queries, whatever the sizes)."""
    target_cells = {
        (cell.role_id, cell.level_id): cell for cell in Expectation.objects.filter(skill=target).with_axes()
    }
    moves, clashes = [], []
    for cell in Expectation.objects.for_skill(source):
        other = target_cells.get((cell.role_id, cell.level_id))
        if other is None:
            moves.append(cell)
        else:
            clashes.append(Clash(source=cell, target=other))
    return MergePlan(source=source, target=target, moves=moves, clashes=clashes)


def merge_followers(*, source: Skill, target: Skill) -> list[tuple[str, int]]:
    """What the registered participants would move along (watchers, comments, proposals…)."""
    return [line for participant in participants for line in participant.preview(source, target)]


# ------------------------------------------------------------------ writing
def _validate(plan: MergePlan, decisions: Mapping[Axes, str]) -> dict[Axes, Decision]:
    resolved, missing = {}, []
    for clash in plan.clashes:
        value = decisions.get(clash.axes)
        if value not in DECISION_LABELS:
            missing.append(f"{clash.source.role} · {clash.source.level}")
        else:
            resolved[clash.axes] = Decision(value)
    if missing:
        message = _("Decide for every clashing expectation: %(expectations)s.") % {"expectations": ", ".join(missing)}
        raise ValidationError(message, code="missing_decision")
    return resolved


@retry_on_lock_conflict
@transaction.atomic
def skill_merge(
    *,
    source: Skill,
    target: Skill,
    decisions: Mapping[Axes, str],
    user: AbstractBaseUser | None,
    fingerprint: str | None = None,
) -> MergeResult:
    """Merge source into target, or raise ValidationError and write nothing.

    decisions: for each clash, keyed by (role_id, level_id), Decision.KEEP_TARGET or Decision.TAKE_SOURCE.
    fingerprint: the plan's fingerprint as previewed; if the cells changed since, nothing is written.
    """
    if source.pk == target.pk:
        raise ValidationError(_("A skill cannot be merged into itself."), code="same_skill")
    # Both skills locked first, by primary key (skills/locking.py): FOR UPDATE, the source is deleted.
    pair = Skill.objects.select_for_update().filter(pk__in=[source.pk, target.pk]).order_by("pk")
    locked = {skill.pk: skill for skill in pair}
    if target.pk not in locked:
        raise ValidationError(_("The target skill no longer exists."), code="target_gone")
    if source.pk not in locked:
        raise ValidationError(_("The skill to merge no longer exists."), code="source_gone")
    source, target = locked[source.pk], locked[target.pk]
    list(Expectation.objects.select_for_update().filter(skill__in=[source, target]).order_by("pk").values("pk"))

    plan = merge_plan(source=source, target=target)
    if fingerprint is not None and fingerprint != plan.fingerprint:
        raise ValidationError(
            _("The expectations of these skills changed since the preview; review the merge again."), code="stale_plan"
        )
    choices = _validate(plan, decisions)
    result = MergeResult(source_slug=source.slug, source_name=source.name, target=target)

    merge = {"from": source.slug, "from_name": source.name, "into": target.slug, "into_name": target.name}
    # Cells move and take content in a few statements, not through skills.services.cell_save: a merge
    # rewrites whole skills at once, under the locks above. No cell changes role or level, so
    # cell_validate has nothing to add; the database keeps the rest (a level the role has, one cell per
    # role and level, versions bumped on content changes, the audit rows).
    with audit_context(source="admin", user=user, merge=merge):
        result.moved = Expectation.objects.filter(pk__in=[cell.pk for cell in plan.moves]).update(skill=target)
        result.resolved = _resolve_clashes(plan, choices)
        # The database writes both skills' "Last updated" as their cells move (expectation_touch_skills_on_move).
        for participant in participants:
            result.followers.update(participant.apply(source, target, result))
        # After the participants: rows hanging on the source's clashing cells (growth ticks) move first.
        if plan.clashes:
            Expectation.objects.filter(pk__in=[clash.source.pk for clash in plan.clashes]).delete()
        _redirect(source=source, target=target)
        source.delete()
    return result


def _resolve_clashes(plan: MergePlan, choices: dict[Axes, Decision]) -> list[ResolvedClash]:
    taken = [clash for clash in plan.clashes if choices[clash.axes] == Decision.TAKE_SOURCE]
    taken_ids = [clash.target.pk for clash in taken]
    if taken:
        # One statement: each target cell takes the content of the source cell at the same role and level
        # (the database bumps the versions of the cells whose content changes).
        same_cell = Expectation.objects.filter(
            skill=plan.source, role_id=OuterRef("role_id"), level_id=OuterRef("level_id")
        )
        Expectation.objects.filter(pk__in=taken_ids).update(
            description=Subquery(same_cell.values("description")[:1]),
            required=Subquery(same_cell.values("required")[:1]),
            proficiency=Subquery(same_cell.values("proficiency")[:1]),
            # The text's translations go with it: the target's own translated the text it gives up.
            translations=Subquery(same_cell.values("translations")[:1]),
        )
    versions = dict(Expectation.objects.filter(pk__in=taken_ids).values_list("pk", "version"))
    return [
        ResolvedClash(
            role_id=clash.source.role_id,
            level_id=clash.source.level_id,
            decision=choices[clash.axes],
            source_version=clash.source.version,
            target_version=versions.get(clash.target.pk, clash.target.version),
        )
        for clash in plan.clashes
    ]


def _redirect(*, source: Skill, target: Skill) -> None:
    """Old addresses lead to the target: the source's own, and those of skills merged into the source before."""
    SkillRedirect.objects.filter(skill=source).update(skill=target)
    SkillRedirect.objects.update_or_create(old_slug=source.slug, defaults={"skill": target})
    # A redirect from the target's own slug would never be followed (a live skill wins); drop it.
    SkillRedirect.objects.filter(old_slug=target.slug).delete()
