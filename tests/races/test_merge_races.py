"""Writes racing an admin merge of the same skill, against a running server (issue 21 findings 5 and 11).

Every try sends the admin's merge and the members' writes at the same moment. Whatever the order the
database settles on, no answer is a 5xx, and the end state is one that some order of the writes, one
after the other, would have left.
"""

import threading

import pytest
import requests
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError

from proposals import services
from proposals.models import Comment, Proposal, ProposalStatus, Watch
from skillmatrix.exceptions import Conflict
from skills import catalog_io
from skills.merge import merge_plan, skill_merge
from skills.models import Expectation, Skill, SkillRedirect
from tests.factories import UserFactory, make_catalog
from tests.proposals.helpers import change_for
from tests.races.helpers import burst, no_server_errors, page_post, page_session, token_header

pytestmark = pytest.mark.django_db(transaction=True)

SERVER_ENV = {"RATE_LIMIT_COMMENTS": "1000/min", "RATE_LIMIT_PROPOSALS": "1000/min"}
TRIES = 6


def merge_form(source: Skill, target: Skill, decision: str) -> dict:
    """The admin's merge form as posted from its preview: the target, the plan's fingerprint, a decision per clash."""
    plan = merge_plan(source=source, target=target)
    return {"target": target.pk, "fingerprint": plan.fingerprint} | {clash.key: decision for clash in plan.clashes}


def merge_url(server: str, source: Skill) -> str:
    return f"{server}/admin/skills/skill/{source.pk}/merge/"


@pytest.fixture
def reviewer_token(db):
    user = UserFactory(username="racing-reviewer")
    user.groups.add(Group.objects.get_or_create(name="Reviewers")[0])
    return token_header(user)


def test_approving_while_the_admin_merges_the_same_skill(server, levels, author, staff, reviewer_token):
    admin = page_session(staff)
    outcomes = set()

    def one_try(attempt: int) -> None:
        source, target = make_catalog(skills=2, roles=1, levels=levels)["skills"]
        cell = Expectation.objects.select_related("role", "level").filter(skill=source).order_by("pk").first()
        change = change_for(cell, description=f"Approved during merge {attempt}.")
        proposal = services.proposal_create(author=author, skill=source, rationale="Why.", changes=[change])
        form = merge_form(source, target, "take_source")

        merged, approved = burst(
            [
                lambda: page_post(admin, merge_url(server, source), form),
                lambda: requests.post(f"{server}/api/proposals/{proposal.pk}/approve/", headers=reviewer_token),
            ]
        )

        no_server_errors([merged, approved])
        assert approved.status_code == 200, approved.text  # either order leaves the change approvable
        proposal.refresh_from_db()
        assert proposal.status == ProposalStatus.APPROVED
        if merged.status_code == 302:
            # Merged first, approved on the target (the clash took the source's text, the base followed it);
            # or approved first, then merged with a fingerprint that no longer matched: not possible, refused.
            assert not Skill.objects.filter(pk=source.pk).exists()
            assert proposal.skill_id == target.pk
            outcomes.add("merge, then approve")
        else:
            # Approved first: the preview's fingerprint no longer matches, and the merge writes nothing.
            assert merged.status_code == 200 and "changed since the preview" in merged.text
            assert Skill.objects.filter(pk=source.pk).exists() and proposal.skill_id == source.pk
            outcomes.add("approve, then merge refused")
        # The change was applied once, to the cell that holds it now.
        now = Expectation.objects.get(skill_id=proposal.skill_id, role=cell.role, level=cell.level)
        assert now.description == change.description

    for attempt in range(TRIES):
        one_try(attempt)
    assert outcomes  # the orders each try settled on, for the record


def test_member_writes_while_the_admin_merges_the_skill(server, levels, member, author, staff):
    admin = page_session(staff)
    page = page_session(member)
    writer = token_header(member)
    proposer = token_header(author)

    def one_try(attempt: int) -> None:
        source, target = make_catalog(skills=2, roles=1, levels=levels)["skills"]
        cell = Expectation.objects.select_related("role", "level").filter(skill=source).order_by("pk").first()
        form = merge_form(source, target, "keep_target")
        api = f"{server}/api/skills/{source.slug}"
        proposal = {
            "skill": source.slug,
            "rationale": f"Try {attempt}.",
            "changes": [
                {
                    "role": cell.role.slug,
                    "level": cell.level.slug,
                    "description": f"Proposed during merge {attempt}.",
                    "required": cell.required,
                    "proficiency": cell.proficiency,
                    "base_version": cell.version,
                }
            ],
        }
        calls = {
            "merge": lambda: page_post(admin, merge_url(server, source), form),
            "api comment": lambda: requests.post(f"{api}/comments/", json={"body": "API."}, headers=writer),
            "page comment": lambda: page_post(page, f"{server}/skills/{source.slug}/comments/", {"body": "Page."}),
            "proposal": lambda: requests.post(f"{server}/api/proposals/", json=proposal, headers=proposer),
            "api watch": lambda: requests.put(f"{api}/watch/", headers=proposer),
            "page watch": lambda: page_post(page, f"{server}/skills/{source.slug}/watch/", {"action": "watch"}),
        }
        answers = dict(zip(calls, burst(list(calls.values())), strict=True))

        no_server_errors(answers.values())
        statuses = {name: response.status_code for name, response in answers.items()}
        assert statuses["merge"] == 302, answers["merge"].text
        assert statuses["api comment"] in (201, 404) and statuses["page comment"] in (302, 404), statuses
        assert statuses["proposal"] in (201, 404, 409) and statuses["api watch"] in (200, 404), statuses
        assert statuses["page watch"] in (302, 404), statuses
        # The source is gone; whatever was written is on the target.
        assert not Skill.objects.filter(pk=source.pk).exists()
        assert SkillRedirect.objects.get(old_slug=source.slug).skill_id == target.pk
        comments = Comment.objects.filter(body__in=["API.", "Page."], skill=target)
        written = (statuses["api comment"] == 201) + (statuses["page comment"] == 302)
        assert comments.count() == written
        Comment.objects.filter(pk__in=comments).delete()
        assert Proposal.objects.filter(rationale=f"Try {attempt}.", skill=target).count() == (
            statuses["proposal"] == 201
        )
        assert Watch.objects.filter(user=author, skill=target).exists() == (statuses["api watch"] == 200)
        assert Watch.objects.filter(user=member, skill=target).exists() == (statuses["page watch"] == 302)

    for attempt in range(TRIES):
        one_try(attempt)


def race(calls) -> list:
    """Run the calls at the same moment in threads, each with its own connection; each one's result or error."""
    from django.db import connection

    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=30)
            results[index] = call()
        except Exception as error:  # the test inspects what each thread raised
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    return results


def test_importing_while_the_admin_merges(levels, staff):
    def one_try(attempt: int) -> None:
        source, target = make_catalog(skills=2, roles=1, levels=levels)["skills"]
        data = catalog_io.export_catalog()
        texts = {}
        for record in data["skills"]:
            if record["slug"] in (source.slug, target.slug):
                for number, cell in enumerate(record["cells"]):
                    cell["description"] = texts[(record["slug"], cell["role"], cell["level"])] = (
                        f"Imported {attempt}.{number} for {record['slug']}."
                    )
        decisions = {(c.role_id, c.level_id): "keep_target" for c in Expectation.objects.filter(skill=source)}

        merged, imported = race(
            [
                lambda: skill_merge(source=source, target=target, decisions=decisions, user=staff),
                lambda: catalog_io.import_catalog(data, source_name="race.json"),
            ]
        )

        for result in (merged, imported):
            assert not isinstance(result, Exception) or isinstance(result, (ValidationError, Conflict)), result
        assert not isinstance(imported, Exception), imported
        target_cells = {
            (target.slug, c.role.slug, c.level.slug): c.description
            for c in Expectation.objects.filter(skill=target).select_related("role", "level")
        }
        assert target_cells == {key: text for key, text in texts.items() if key[0] == target.slug}
        again = Skill.objects.filter(slug=source.slug).first()
        if again is None:
            # Imported first, then merged: the source's imported cells clashed and the target's text was kept.
            assert not Skill.objects.filter(pk=source.pk).exists()
        else:
            # Merged first, then imported: the file names the source, which comes back as a new skill.
            assert again.pk != source.pk
            again_cells = {
                (source.slug, c.role.slug, c.level.slug): c.description
                for c in Expectation.objects.filter(skill=again).select_related("role", "level")
            }
            assert again_cells == {key: text for key, text in texts.items() if key[0] == source.slug}

    for attempt in range(3):
        one_try(attempt)
