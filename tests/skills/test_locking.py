"""Every write takes its locks in the order of skills/locking.py: skill rows first, then the proposal, then cells."""

import re

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext

from proposals import services as proposal_services
from skills import catalog_io, services
from skills.merge import skill_merge
from skills.models import Expectation
from tests.factories import UserFactory, make_catalog

pytestmark = pytest.mark.django_db

LOCK = re.compile(r'FROM "(\w+)".* FOR (UPDATE|NO KEY UPDATE)(?: OF ([\w", ]+))?$', re.S)


def locks(write) -> list[tuple[str, str, str | None]]:
    """The (table, mode, OF clause) of each row-locking query `write` sends, in order."""
    with CaptureQueriesContext(connection) as queries:
        write()
    return [m.groups() for q in queries.captured_queries if (m := LOCK.search(q["sql"]))]


@pytest.fixture
def catalog(levels):
    return make_catalog(skills=2, roles=1, levels=levels)


def test_an_approval_locks_the_skill_then_the_proposal_alone_then_the_cells(catalog, author):
    skill = catalog["skills"][0]
    cell = Expectation.objects.filter(skill=skill).select_related("role", "level").first()
    change = proposal_services.ChangeInput(
        role=cell.role, level=cell.level, description="New.", required=True, proficiency=cell.proficiency
    )
    proposal = proposal_services.proposal_create(author=author, skill=skill, rationale="Why.", changes=[change])
    reviewer = UserFactory()
    reviewer.groups.add(Group.objects.get_or_create(name="Reviewers")[0])
    taken = locks(lambda: proposal_services.proposal_approve(proposal=proposal, reviewer=reviewer))
    tables = [table for table, _mode, _of in taken]
    assert tables[:3] == ["skills_skill", "proposals_proposal", "skills_expectation"], taken
    assert taken[0][1] == "NO KEY UPDATE"
    # The proposal's row alone: not its skill's, not its author's (select_related joins them).
    assert taken[1][1:] == ("NO KEY UPDATE", '"proposals_proposal"')
    assert set(tables[3:]) <= {"skills_skill", "skills_expectation"}


def test_a_cell_write_locks_its_skill_before_the_cell(catalog):
    cell = Expectation.objects.filter(skill=catalog["skills"][0]).select_related("skill", "role", "level").first()
    change = services.CellChange(
        role=cell.role, level=cell.level, description="Changed.", required=cell.required, proficiency=cell.proficiency
    )
    taken = locks(lambda: services.cell_save(skill=cell.skill, change=change))
    assert [t[0] for t in taken] == ["skills_skill", "skills_expectation"]
    taken = locks(lambda: services.cell_save(skill=cell.skill, change=change, cell=cell))
    assert [t[0] for t in taken] == ["skills_skill", "skills_expectation"]


def test_an_import_locks_its_skills_before_anything_else(catalog):
    data = catalog_io.export_catalog()
    data["skills"][-1]["cells"][0]["description"] = "Imported."
    taken = locks(lambda: catalog_io.import_catalog(data))
    assert taken and taken[0][0] == "skills_skill", taken


def test_a_merge_locks_both_skills_before_their_cells(catalog, staff):
    source, target = catalog["skills"]
    decisions = {(c.role_id, c.level_id): "keep_target" for c in Expectation.objects.filter(skill=source)}
    taken = locks(lambda: skill_merge(source=source, target=target, decisions=decisions, user=staff))
    assert [t[:2] for t in taken[:2]] == [("skills_skill", "UPDATE"), ("skills_expectation", "UPDATE")], taken
