"""The order in which writes lock rows, and the helpers that take the locks.

Every write that holds more than one lock takes them in this order, and never goes back to an
earlier step while it holds a later one; two writes then cannot wait for each other:

1. The member's write-rate lock (an advisory lock per member and kind of write, taken by
   comment and proposal creation: proposals/throttling.py), before any row lock.
2. Skill rows, by primary key, all those the write will touch, in one statement (lock_skills):
   - FOR UPDATE by a merge (skills/merge.py), which deletes the source and moves what hangs on it;
   - FOR NO KEY UPDATE by every write of cells (skills.services.cell_save and cell_delete, the
     approval of a proposal and its undo, the import, the admin), because the cells' triggers UPDATE the skill's
     "Last updated": a writer that locked a cell first and then reached the skill through its
     trigger would wait for the skill while holding the cell another writer waits for. The same
     lock keeps a proposal's skill in place while the proposal is edited, approved or undone
     (proposals.services._lock), so a merge cannot move it half-way.
   FOR NO KEY UPDATE still lets new rows refer to the skill (comments, watches, proposals take
   FOR KEY SHARE through their foreign key); only a merge or a deletion waits for it.
3. The proposal row, alone (FOR NO KEY UPDATE OF the proposal: not its skill, not its author).
4. Cell rows, by primary key.
5. Anything else (proposal changes, comments, watches, audit rows), which nobody locks first.

A deadlock or serialization failure that still happens (with a write this order does not know)
is retried by skillmatrix.lock_conflicts.retry_on_lock_conflict where the service owns its
transaction, and answered 409 everywhere else, never 500.
"""

from collections.abc import Iterable

from skills.models import Skill, SkillRedirect


def lock_skills(ids: Iterable[int | None], *, for_delete: bool = False) -> set[int]:
    """Lock these skills' rows, by primary key, in one statement (step 2); the ids of those that exist.

    FOR NO KEY UPDATE, or FOR UPDATE when the caller will delete a skill (a merge).
    """
    wanted = sorted({pk for pk in ids if pk is not None})
    if not wanted:
        return set()
    skills = Skill.objects.select_for_update(no_key=not for_delete).filter(pk__in=wanted).order_by("pk")
    return set(skills.values_list("pk", flat=True))


def lock_skills_by_slug(slugs: Iterable[str]) -> set[int]:
    """FOR NO KEY UPDATE on the skills with these slugs (those that exist), by primary key (step 2)."""
    skills = Skill.objects.select_for_update(no_key=True).filter(slug__in=sorted(set(slugs))).order_by("pk")
    return set(skills.values_list("pk", flat=True))


def merged_into(skill: Skill) -> Skill | None:
    """The skill that `skill` was merged into, once `skill` is gone (None while it exists, or if it was deleted)."""
    if Skill.objects.filter(pk=skill.pk).exists():
        return None
    redirect = SkillRedirect.objects.live(skill.slug).first()
    return redirect.skill if redirect is not None else None
