"""What a reviewer read and what a proposal says now.

Every edit of a proposal raises its revision (proposals.services); before it does, the text
as it read is kept as a ProposalRevision. A decision names the revision it read: when that is
not the current one, edits_since tells the reviewer what changed in between, cell by cell.
"""

from dataclasses import dataclass

from proposals.models import Proposal, ProposalChange, ProposalRevision
from skills.models import Level, Proficiency, Role


@dataclass(frozen=True)
class CellText:
    description: str
    required: bool
    proficiency: str

    @property
    def proficiency_label(self) -> str:
        return Proficiency(self.proficiency).label if self.proficiency in Proficiency.values else self.proficiency


@dataclass(frozen=True)
class CellEdit:
    """A cell whose proposed content differs between the revision read and now (None: not proposed then, or now)."""

    role: Role
    level: Level
    seen: CellText | None
    now: CellText | None


@dataclass(frozen=True)
class RevisionEdits:
    seen_revision: int
    revision: int
    known: bool  # the revision read is on record, so the differences below are complete
    rationale_seen: str | None  # None: unknown or unchanged
    rationale_now: str
    cells: list[CellEdit]
    changes: list[ProposalChange]  # the proposal's changes now

    def as_json(self) -> dict:
        return {
            "revision": self.revision,
            "seen_revision": self.seen_revision,
            "rationale": None
            if self.rationale_seen is None
            else {"seen": self.rationale_seen, "now": self.rationale_now},
            "edits": [
                {"role": edit.role.slug, "level": edit.level.slug, "seen": _json(edit.seen), "now": _json(edit.now)}
                for edit in self.cells
            ],
            "changes": [
                {"role": change.role.slug, "level": change.level.slug, **_json(_text(change))}
                for change in self.changes
            ],
        }


def _json(text: CellText | None) -> dict | None:
    if text is None:
        return None
    return {"description": text.description, "required": text.required, "proficiency": text.proficiency}


def _text(change: ProposalChange) -> CellText:
    return CellText(change.description, change.required, change.proficiency)


def record(proposal: Proposal) -> ProposalRevision:
    """Keep the proposal as it reads now, before an edit replaces it. Call with its row locked."""
    changes = [
        {
            "role": c.role_id,
            "level": c.level_id,
            "description": c.description,
            "required": c.required,
            "proficiency": c.proficiency,
        }
        for c in proposal.changes.order_by("pk")
    ]
    return ProposalRevision.objects.create(
        proposal=proposal, number=proposal.revision, rationale=proposal.rationale, changes=changes
    )


def edits_since(proposal: Proposal, seen_revision: int) -> RevisionEdits:
    """What changed between the revision a reviewer read and the proposal as it is now."""
    changes = list(proposal.changes.with_axes())
    past = (
        ProposalRevision.objects.filter(proposal=proposal, number=seen_revision).first()
        if seen_revision < proposal.revision
        else None
    )
    if past is None:
        return RevisionEdits(seen_revision, proposal.revision, False, None, proposal.rationale, [], changes)

    now = {(c.role_id, c.level_id): c for c in changes}
    seen = {(c["role"], c["level"]): CellText(c["description"], c["required"], c["proficiency"]) for c in past.changes}
    roles = Role.objects.in_bulk({role for role, _level in seen.keys() - now.keys()})
    levels = Level.objects.in_bulk({level for _role, level in seen.keys() - now.keys()})
    cells = []
    for key in sorted(seen.keys() | now.keys(), key=lambda k: _order(k, now, roles, levels)):
        before = seen.get(key)
        change = now.get(key)
        after = _text(change) if change else None
        if before != after:
            role, level = (change.role, change.level) if change else (roles[key[0]], levels[key[1]])
            cells.append(CellEdit(role, level, before, after))
    rationale_seen = past.rationale if past.rationale != proposal.rationale else None
    return RevisionEdits(seen_revision, proposal.revision, True, rationale_seen, proposal.rationale, cells, changes)


def _order(key, now, roles, levels) -> tuple:
    change = now.get(key)
    role, level = (change.role, change.level) if change else (roles[key[0]], levels[key[1]])
    return (level.position, role.name)
