"""The shipped catalog: the seed skill word for word, and a believable starter catalog."""

import json
import re
from collections import defaultdict
from pathlib import Path

import pytest

from skills.models import PROFICIENCY_ORDER, Expectation, Role, Skill

ROOT = Path(__file__).resolve().parents[2]
# A copy of the source page the product grew from (shared/seed/000_159e21c3e376ccb4.txt).
SEED = ROOT / "fixtures" / "seed-source.txt"
CATALOG = json.loads((ROOT / "fixtures" / "catalog.json").read_text(encoding="utf-8"))
SEED_SLUG = "ml-experiment-tracking"


def seed_skill() -> dict:
    return next(s for s in CATALOG["skills"] if s["slug"] == SEED_SLUG)


def test_seed_skill_as_the_source_page_has_it():
    skill = seed_skill()
    assert skill["name"] == "ML Experiment Tracking"
    assert skill["summary"] == "This skill defines expectations across roles and levels."
    assert skill["updated"] == "2026-02-22"
    assert skill["group"] == "mlops"
    domain = next(d for d in CATALOG["domains"] if any(g["slug"] == "mlops" for g in d["groups"]))
    assert domain["name"] == "Machine Learning & AI"
    assert next(g for g in domain["groups"] if g["slug"] == "mlops")["name"] == "MLOps"
    cells = skill["cells"]
    assert {(c["role"], c["level"]) for c in cells} == {
        (role, level)
        for role in ("data-scientist", "llm-engineer")
        for level in ("junior", "middle", "senior", "lead", "principal")
    }
    assert not any(c["required"] for c in cells)


def test_seed_descriptions_are_word_for_word_from_the_source_document():
    source = SEED.read_text(encoding="utf-8")
    # The source lists, per level, the Data Scientist row then the LLM Engineer row.
    rows = re.findall(r"^(Data Scientist|LLM Engineer) (.+)$", source, flags=re.M)
    assert len(rows) == 10
    levels = ["junior", "middle", "senior", "lead", "principal"]
    expected = {}
    for index, (role, text) in enumerate(rows):
        slug = "data-scientist" if role == "Data Scientist" else "llm-engineer"
        expected[(slug, levels[index // 2])] = text.strip()
    actual = {(c["role"], c["level"]): c["description"] for c in seed_skill()["cells"]}
    assert actual == expected


def test_starter_catalog_size():
    families = {r["family"] for r in CATALOG["roles"]}
    cells = [c for s in CATALOG["skills"] for c in s["cells"]]
    assert len(CATALOG["skills"]) >= 20
    assert len(CATALOG["domains"]) >= 6
    assert len(CATALOG["roles"]) >= 12
    assert len(families) >= 4
    assert len(cells) >= 400


def test_every_description_is_written_for_its_cell():
    seen = {}
    for skill in CATALOG["skills"]:
        for cell in skill["cells"]:
            key = cell["description"].strip().lower()
            assert key not in seen, f"{skill['slug']}/{cell['role']}/{cell['level']} repeats {seen[key]}"
            seen[key] = f"{skill['slug']}/{cell['role']}/{cell['level']}"


def test_proficiency_never_falls_and_required_stays_required_as_the_level_rises():
    position = {lv["slug"]: lv["position"] for lv in CATALOG["levels"]}
    for skill in CATALOG["skills"]:
        by_role = defaultdict(list)
        for cell in skill["cells"]:
            by_role[cell["role"]].append(cell)
        for role, cells in by_role.items():
            cells.sort(key=lambda c: position[c["level"]])
            ranks = [PROFICIENCY_ORDER[c["proficiency"]] for c in cells]
            assert ranks == sorted(ranks), f"{skill['slug']}/{role}: proficiency falls"
            required = [c["required"] for c in cells]
            assert required == sorted(required), f"{skill['slug']}/{role}: required then optional"


def test_flags_and_proficiency_vary():
    cells = [c for s in CATALOG["skills"] for c in s["cells"]]
    assert {c["proficiency"] for c in cells} == set(PROFICIENCY_ORDER)
    required = sum(c["required"] for c in cells)
    assert 0.2 * len(cells) < required < 0.8 * len(cells)


def test_roles_have_stack_and_focus_for_each_of_their_levels_and_some_start_above_junior():
    for role in CATALOG["roles"]:
        assert role["levels"], role["slug"]
        for level in role["levels"]:
            assert level["stack"].strip() and level["focus"].strip(), f"{role['slug']}/{level['level']}"
    lead = next(r for r in CATALOG["roles"] if r["slug"] == "technical-lead")
    assert lead["levels"][0]["level"] == "senior"
    role_levels = {r["slug"]: {lv["level"] for lv in r["levels"]} for r in CATALOG["roles"]}
    for skill in CATALOG["skills"]:
        for cell in skill["cells"]:
            assert cell["level"] in role_levels[cell["role"]], f"{skill['slug']}/{cell['role']}/{cell['level']}"


@pytest.mark.django_db
def test_seed_counts_as_the_source_page_shows_them(seeded_catalog):
    skill = Skill.objects.with_counts().get(slug=SEED_SLUG)
    assert (skill.role_count, skill.level_count, skill.required_count) == (2, 5, 0)
    assert skill.cell_count - skill.required_count == 10
    assert Role.objects.filter(slug="technical-lead").exists()
    assert Expectation.objects.filter(role__slug="technical-lead", level__slug="junior").count() == 0
