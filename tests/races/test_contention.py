"""Nothing lost under contention: bursts of HTTP requests against a running production server, all at once.

The server is gunicorn, as in production (two workers of 16 threads), on the
test database: each request has its own thread and database connection, so
the writes really race. Its write rate limits are raised through the
environment, as an operator would. The bursts are bounded (at most 50
requests) and stay on 127.0.0.1.
"""

from collections import Counter

import pytest
import requests

from proposals import services
from proposals.models import Comment, Proposal, ProposalChange, ProposalStatus
from skills.models import Expectation, ExpectationEvent
from tests.factories import UserFactory, make_catalog
from tests.races.helpers import burst, reviewer_users, token_header

pytestmark = pytest.mark.django_db(transaction=True)


# The module's server (tests/races/conftest.py) takes the write rates up, as an operator would.
SERVER_ENV = {"RATE_LIMIT_COMMENTS": "1000/min", "RATE_LIMIT_PROPOSALS": "1000/min"}


def test_fifty_concurrent_comments_all_persist_exactly_once(server, levels, member, author):
    skill = make_catalog(skills=1, roles=1, levels=levels)["skills"][0]
    url = f"{server}/api/skills/{skill.slug}/comments/"
    writers = [token_header(member), token_header(author)]

    def post(number: int):
        return lambda: requests.post(url, json={"body": f"Comment {number}"}, headers=writers[number % 2], timeout=60)

    responses = burst([post(number) for number in range(50)])

    assert [response.status_code for response in responses] == [201] * 50
    assert sorted(response.json()["body"] for response in responses) == sorted(f"Comment {n}" for n in range(50))
    stored = list(Comment.objects.filter(skill=skill).values_list("pk", "body"))
    assert len(stored) == 50
    assert Counter(body for _, body in stored) == Counter(f"Comment {n}" for n in range(50))
    assert {response.json()["id"] for response in responses} == {pk for pk, _ in stored}


def test_a_burst_of_approvals_leaves_each_cell_at_one_version_per_applied_change(server, levels):
    catalog = make_catalog(skills=1, roles=2, levels=levels)
    skill = catalog["skills"][0]
    cells = list(Expectation.objects.filter(skill=skill).select_related("role", "level").order_by("pk"))[:4]
    start = {cell.pk: cell.version for cell in cells}
    authors = [UserFactory(username=f"author{n}") for n in range(5)]
    reviewers = reviewer_users(3)
    headers = [token_header(user) for user in reviewers]

    # Twenty proposals on four cells: one or two cells each, all written against the current versions.
    proposals = []
    for number in range(20):
        targets = [cells[number % 4]] + ([cells[(number + 1) % 4]] if number % 3 == 0 else [])
        changes = [
            services.ChangeInput(
                role=cell.role,
                level=cell.level,
                description=f"Text {number} for {cell.role.slug} {cell.level.slug}.",
                required=cell.required,
                proficiency=cell.proficiency,
            )
            for cell in targets
        ]
        author = authors[number % 5]
        proposals.append(services.proposal_create(author=author, skill=skill, rationale=f"#{number}", changes=changes))

    def approve(proposal, reviewer_number):
        url = f"{server}/api/proposals/{proposal.pk}/approve/"
        return lambda: requests.post(url, headers=headers[reviewer_number], timeout=60)

    statuses = []
    for _round in range(3):
        # Every open proposal approved by two reviewers at once, all in one burst.
        still_open = list(Proposal.objects.filter(pk__in=[p.pk for p in proposals], status=ProposalStatus.OPEN))
        calls = [approve(proposal, n % 3) for proposal in still_open for n in (0, 1)]
        statuses += [response.status_code for response in burst(calls)]
        # The authors rebase what lost, so that the next round can apply more changes to the same cells.
        for proposal in Proposal.objects.filter(pk__in=[p.pk for p in still_open], status=ProposalStatus.OPEN):
            rebased = [
                services.ChangeInput(
                    role=change.role,
                    level=change.level,
                    description=change.description,
                    required=change.required,
                    proficiency=change.proficiency,
                )
                for change in proposal.changes.select_related("role", "level")
            ]
            services.proposal_update_changes(proposal=proposal, user=proposal.author, changes=rebased)

    assert set(statuses) <= {200, 409}
    approved = Proposal.objects.filter(pk__in=[p.pk for p in proposals], status=ProposalStatus.APPROVED)
    assert statuses.count(200) == approved.count() >= 4  # each approval answered 200 exactly once
    applied = Counter(
        ProposalChange.objects.filter(proposal__in=approved).values_list("role_id", "level_id").iterator()
    )
    for cell in cells:
        cell.refresh_from_db()
        assert cell.version - start[cell.pk] == applied[(cell.role_id, cell.level_id)], cell
        # The database's audit trail agrees: one update event per applied change.
        updates = ExpectationEvent.objects.filter(pgh_obj_id=cell.pk, pgh_label="update").count()
        assert updates == applied[(cell.role_id, cell.level_id)]
    assert sum(applied.values()) > len(cells)  # some cells took several changes, one after the other


def test_an_approval_racing_the_authors_edit_applies_only_the_revision_read(server, levels, author):
    """Twenty times: the author replaces the changes while a reviewer approves the revision they read."""
    skill = make_catalog(skills=1, roles=2, levels=levels)["skills"][0]
    cells = list(Expectation.objects.filter(skill=skill).select_related("role", "level").order_by("pk"))[:2]
    (reviewer,) = reviewer_users(1)
    approver, editor = token_header(reviewer), token_header(author)
    outcomes = Counter()
    for attempt in range(20):
        cell, other = cells[attempt % 2], cells[(attempt + 1) % 2]
        read = f"Reviewed text {attempt}."
        proposal = services.proposal_create(
            author=author,
            skill=skill,
            rationale="Read by the reviewer.",
            changes=[
                services.ChangeInput(cell.role, cell.level, read, cell.required, cell.proficiency),
            ],
        )
        unseen = {
            "rationale": "Rewritten meanwhile.",
            "changes": [
                {
                    "role": other.role.slug,
                    "level": other.level.slug,
                    "description": f"Unseen text {attempt}.",
                    "required": other.required,
                    "proficiency": other.proficiency,
                }
            ],
        }
        url = f"{server}/api/proposals/{proposal.pk}/"
        approve, edit = burst(
            [
                lambda url=url: requests.post(f"{url}approve/", json={"revision": 1}, headers=approver, timeout=60),
                lambda url=url, unseen=unseen: requests.patch(url, json=unseen, headers=editor, timeout=60),
            ]
        )
        proposal.refresh_from_db()
        applied = set(Expectation.objects.filter(skill=skill).values_list("description", flat=True))
        if approve.status_code == 200:
            # The approval came first: the edit found a closed proposal.
            assert edit.status_code == 409, edit.text
            assert (proposal.status, proposal.revision, proposal.rationale) == ("approved", 1, "Read by the reviewer.")
            assert read in applied
            outcomes["approved"] += 1
        else:
            # The edit came first: the approval names the revision it read, and applies nothing.
            assert (approve.status_code, edit.status_code) == (409, 200), (approve.text, edit.text)
            assert approve.json()["revision"] == 2 and approve.json()["seen_revision"] == 1
            assert (proposal.status, proposal.revision) == ("open", 2)
            assert read not in applied
            services.proposal_withdraw(proposal=proposal, user=author)
            outcomes["edited"] += 1
        assert f"Unseen text {attempt}." not in applied
    assert sum(outcomes.values()) == 20


def comment_calls(server, comment, *, author, reviewer) -> dict:
    url = f"{server}/api/comments/{comment.pk}/"
    return {
        "edit": lambda: requests.patch(url, json={"body": "Edited."}, headers=author, timeout=60),
        "hide": lambda: requests.post(f"{url}hide/", json={"reason": "Off topic."}, headers=reviewer, timeout=60),
        "delete": lambda: requests.delete(url, headers=author, timeout=60),
    }


@pytest.mark.parametrize(("first", "second"), [("edit", "hide"), ("edit", "delete"), ("hide", "delete")])
def test_edit_hide_and_delete_of_one_comment_take_turns(server, levels, author, first, second):
    """Twenty times each pair: the end state is one that some order of the two writes produces."""
    skill = make_catalog(skills=1, roles=1, levels=levels)["skills"][0]
    (reviewer,) = reviewer_users(1)
    headers = {"author": token_header(author), "reviewer": token_header(reviewer)}
    allowed = {"edit": {200, 403, 404}, "hide": {200, 404}, "delete": {204}}
    for _attempt in range(20):
        comment = services.comment_create(author=author, skill=skill, body="Original.")
        calls = comment_calls(server, comment, **headers)
        one, two = burst([calls[first], calls[second]])
        statuses = {first: one.status_code, second: two.status_code}
        for action, code in statuses.items():
            assert code in allowed[action], (action, code, one.text, two.text)
        stored = Comment.objects.filter(pk=comment.pk).first()
        if "delete" in statuses:
            assert stored is None  # nothing, edited or hidden, outlives the delete
            continue
        assert stored.hidden and stored.hidden_reason == "Off topic."
        if statuses["edit"] == 200:
            # Edited, then hidden: never an edit after the hide.
            assert (stored.body, stored.edited < stored.hidden_at) == ("Edited.", True)
        else:
            assert statuses["edit"] == 403 and "hidden comment" in one.json()["detail"]
            assert (stored.body, stored.edited) == ("Original.", None)
