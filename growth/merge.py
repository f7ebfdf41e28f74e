"""The growth plans' part in merging one skill into another (skills/merge.py calls it; see GrowthConfig.ready).

A tick hangs on its cell. A cell that moves to the target keeps its identity, and its ticks with it. A clashing
cell of the source is deleted by the merge, and its ticks would go with it (on_delete=CASCADE): they move to the
target's cell at the same role and level, unless the member ticked that one too (that tick stays). When the target
took the source's text, a tick of the source's last version stands for the target's new version (the same content);
otherwise the tick keeps what was ticked, and the plan shows what changed since.
"""

from django.utils.translation import gettext as _

from growth.models import Tick
from skills.merge import Decision, MergeResult, Participant
from skills.models import Expectation, Skill


def preview(source: Skill, target: Skill) -> list[tuple[str, int]]:
    ticks = Tick.objects.filter(expectation__skill=source).count()
    return [(_("Growth plan ticks on the skill's expectations"), ticks)]


def apply(source: Skill, target: Skill, result: MergeResult) -> dict[str, int]:
    # The cells without a clash have moved already: what is left on the source are its clashing cells.
    ticks = list(Tick.objects.filter(expectation__skill=source).select_related("expectation"))
    if not ticks:
        return {"growth_ticks": 0}
    target_cells = {(cell.role_id, cell.level_id): cell.pk for cell in Expectation.objects.filter(skill=target)}
    ticked = set(Tick.objects.filter(expectation__skill=target).values_list("user_id", "expectation_id"))
    resolved = {(clash.role_id, clash.level_id): clash for clash in result.resolved}
    moved = []
    for tick in ticks:
        axes = (tick.expectation.role_id, tick.expectation.level_id)
        target_cell = target_cells.get(axes)
        if target_cell is None or (tick.user_id, target_cell) in ticked:
            continue
        clash = resolved.get(axes)
        if clash and clash.decision == Decision.TAKE_SOURCE and tick.version == clash.source_version:
            tick.version = clash.target_version
        tick.expectation_id = target_cell
        moved.append(tick)
    Tick.objects.bulk_update(moved, ["expectation", "version"])
    return {"growth_ticks": len(moved)}


participant = Participant(name="growth", preview=preview, apply=apply)
