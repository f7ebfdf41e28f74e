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
    assert len(CATALOG["skills"]) >= 30
    assert len(CATALOG["domains"]) >= 8
    assert len(CATALOG["roles"]) >= 14
    assert len(families) >= 4
    assert len(cells) >= 700


def skills_by_role() -> dict[str, set[str]]:
    found = defaultdict(set)
    for skill in CATALOG["skills"]:
        for cell in skill["cells"]:
            found[cell["role"]].add(skill["slug"])
    return found


def test_every_role_has_at_least_twelve_skills():
    found = skills_by_role()
    short = {r["slug"]: len(found[r["slug"]]) for r in CATALOG["roles"] if len(found[r["slug"]]) < 12}
    assert not short, f"roles with fewer than 12 skills: {short}"


def test_managers_and_tech_leads_are_measured_on_leadership():
    domain = next(d for d in CATALOG["domains"] if d["slug"] == "engineering-leadership")
    groups = {g["slug"] for g in domain["groups"]}
    leadership = {s["slug"] for s in CATALOG["skills"] if s["group"] in groups}
    assert {"people-development", "hiring-interviewing", "delivery-management", "incident-leadership"} <= leadership
    assert "technical-strategy" in leadership
    found = skills_by_role()
    for role in ("engineering-manager", "technical-lead"):
        assert leadership <= found[role], f"{role} lacks {leadership - found[role]}"
    # A manager is measured on leading people first; testing techniques are not their job.
    assert len(found["engineering-manager"] & leadership) >= len(found["engineering-manager"]) / 3


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


def test_proficiency_rises_from_junior_to_middle():
    # Each middle description goes beyond its junior one (independently rather than with guidance),
    # so the same proficiency on both would say the text does not rise when it does.
    flat = []
    for skill in CATALOG["skills"]:
        cells = {(c["role"], c["level"]): c for c in skill["cells"]}
        for (role, level), junior in cells.items():
            middle = cells.get((role, "middle"))
            if level != "junior" or middle is None:
                continue
            if PROFICIENCY_ORDER[middle["proficiency"]] <= PROFICIENCY_ORDER[junior["proficiency"]]:
                flat.append(f"{skill['slug']}/{role}")
    assert not flat, f"same proficiency at Junior and Middle: {flat}"


def test_every_skill_has_a_summary_of_its_own():
    seed = seed_skill()["summary"]
    for skill in CATALOG["skills"]:
        if skill["slug"] == SEED_SLUG:
            continue
        summary = skill["summary"]
        assert summary != seed and len(summary) >= 120, f"{skill['slug']}: summary is a placeholder"
        assert "expectations across roles and levels" not in summary, skill["slug"]


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
