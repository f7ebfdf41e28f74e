"""What tests of the community share: a proposal's changes, as services, forms and the API take them."""

from proposals import selectors
from proposals.forms import cell_digest
from proposals.services import ChangeInput
from skills.models import Expectation


def change_for(cell: Expectation, **overrides) -> ChangeInput:
    values = {
        "role": cell.role,
        "level": cell.level,
        "description": f"Better text for {cell.role} at {cell.level}.",
        "required": cell.required,
        "proficiency": cell.proficiency,
    }
    return ChangeInput(**(values | overrides))


def suggest_data(skill, *, rationale="Clearer wording.", **cells) -> dict:
    """The suggest form as the page renders it (every cell unchanged), with `cells` overriding some values.

    cells: {"<role slug>__<level slug>": {"description": ..., "required": ..., "proficiency": ..., "version": ...}}
    """
    data = {"rationale": rationale}
    for slot in selectors.suggest_slots(skill=skill):
        cell = slot.cell
        shown = (cell.description, cell.required, cell.proficiency) if cell else ("", False, "")
        values = {"description": shown[0], "required": shown[1], "proficiency": shown[2]}
        values.update(cells.get(f"{slot.role.slug}__{slot.level.slug}", {}))
        prefix = slot.prefix
        data[f"{prefix}-description"] = values["description"]
        if values["required"]:
            data[f"{prefix}-required"] = "on"
        data[f"{prefix}-proficiency"] = values["proficiency"]
        data[f"{prefix}-version"] = values.get("version", cell.version if cell else 0)
        data[f"{prefix}-original"] = cell_digest(*shown)
    return data


def key(cell) -> str:
    return f"{cell.role.slug}__{cell.level.slug}"


def proposal_body(cell, **overrides):
    """The request body exactly as DESIGN section 4 shows it."""
    change = {
        "role": cell.role.slug,
        "level": cell.level.slug,
        "description": "A clearer description.",
        "required": False,
        "proficiency": "working",
        "base_version": cell.version,
    }
    return {"skill": cell.skill.slug, "rationale": "Clearer.", "changes": [change]} | overrides
