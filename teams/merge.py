"""The teams' part in merging one skill into another (skills/merge.py calls it; see TeamsConfig.ready).

Assessment.skill cascades on delete: the source's assessments move to the target before the source goes,
every dated row of them, so that nothing of anyone's history is lost. Assessments have no uniqueness to
clash on (each change is a new row): where a member was assessed in both skills, both histories now
belong to the target and the latest row, whichever skill it was made on, is the current one.

A row made against a cell that moved keeps it (the cell kept its identity and version). A row made
against a clashing cell of the source (which the merge deletes) now points at the target's cell at the
same role and level. When the target took the source's text, a row of the source's last version stands
for the target's new version (the same words); otherwise it keeps the version and text it was made
against, and shows as "made against an older text" with the diff to the target's text.

Runs in the merge's transaction, after it locked both skills and their cells (skills/locking.py steps 2
and 4); the assessment rows are step 5.
"""

from django.db.models import Case, F, IntegerField, OuterRef, Subquery, Value, When
from django.utils.translation import gettext as _

from skills.merge import Decision, MergeResult, Participant
from skills.models import Expectation, Skill
from teams.models import Assessment


def preview(source: Skill, target: Skill) -> list[tuple[str, int]]:
    return [(_("Self and lead assessments of the skill (every dated row)"), source.assessments.count())]


def apply(source: Skill, target: Skill, result: MergeResult) -> dict[str, int]:
    # The cells without a clash have moved already: what is left on the source are its clashing cells. A row
    # carries its cell's role and level, so one statement points every such row at the target's cell there.
    if result.resolved:
        taken = [clash for clash in result.resolved if clash.decision == Decision.TAKE_SOURCE]
        same_words = [
            When(role_id=c.role_id, level_id=c.level_id, version=c.source_version, then=Value(c.target_version))
            for c in taken
        ]
        target_cell = Expectation.objects.filter(
            skill=target, role_id=OuterRef("role_id"), level_id=OuterRef("level_id")
        )
        Assessment.objects.filter(expectation__skill=source).update(
            expectation_id=Subquery(target_cell.values("pk")[:1]),
            version=Case(*same_words, default=F("version"), output_field=IntegerField()) if taken else F("version"),
        )
    moved = Assessment.objects.filter(skill=source).update(skill=target)
    return {"assessments": moved}


participant = Participant(name="teams", preview=preview, apply=apply)
