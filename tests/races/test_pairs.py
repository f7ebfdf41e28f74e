"""Races between two writes on one object: threads sending HTTP requests, all at once, to a real server.

The server is gunicorn on the test database, (the `server` fixture of tests/races/conftest.py): each request has its own
thread and database connection, and every write commits, so the two writes really race. Each test
repeats its race (20 times where a try is cheap) and checks that no answer is a 5xx and that the end
state is one that some ordering of the two writes could have produced. Pages are driven as a browser
would, with a session cookie and a CSRF token; the API with a token.

Every pair of writes issue 21 names, and where it is tested:

- approve/approve: here, test_approve_approve (pages and API, mixed); also
  tests/races/test_contention.py::test_a_burst_of_approvals_leaves_each_cell_at_one_version_per_applied_change
  and tests/proposals/test_concurrency.py::test_two_reviewers_approving_at_once_exactly_one_wins (services).
- approve/withdraw: here, test_approve_withdraw.
- undo/approve (undoing an approval while another proposal on the same cell is approved): here,
  test_undo_approve; undo/undo: here, test_undo_undo.
- approve/edit: tests/races/test_contention.py::
  test_an_approval_racing_the_authors_edit_applies_only_the_revision_read.
- approve/merge: tests/races/test_merge_races.py::test_approving_while_the_admin_merges_the_same_skill.
- merge/import: tests/races/test_merge_races.py::test_importing_while_the_admin_merges.
- merge/comment, merge/proposal (and merge/watch): tests/races/test_merge_races.py::
  test_member_writes_while_the_admin_merges_the_skill.
- token create/create (and create/revoke): tests/accounts/test_token_races.py.
- edit/hide/delete of a comment: tests/races/test_contention.py::
  test_edit_hide_and_delete_of_one_comment_take_turns.
- watch/unwatch (and watch/watch): here, test_watch_unwatch, test_watch_watch, test_watch_unwatch_crowd.
- tick/untick (and tick/tick): here, test_tick_untick, test_tick_tick, test_tick_untick_crowd.
- each rate limit under a burst of 60: tests/races/test_rate_bursts.py (comments and proposals, pages and API).
"""

import secrets
from urllib.parse import urlsplit

import pytest
import requests
from django.conf import settings
from django.test import Client
from django.urls import reverse

from growth import services as growth_services
from growth.models import Tick
from proposals import services
from proposals.models import Proposal, ProposalStatus, Watch
from skills.models import Expectation
from tests.factories import UserFactory, make_catalog
from tests.growth.helpers import plan_world
from tests.races.helpers import burst, reviewer_users, token_header

pytestmark = pytest.mark.django_db(transaction=True)

TRIES = 20
CONFIRM = {"confirm": "true"}  # the approval's confirmation step, as its button sends it


@pytest.fixture
def base(server):
    """The running server's base URL (gunicorn, started once for the module by the contention tests' fixture)."""
    return server


class Visitor:
    """A signed-in browser: the session cookie of a real login and a CSRF cookie with its token."""

    def __init__(self, base: str, user):
        client = Client()
        client.force_login(user)
        self.base = base
        self.csrf = secrets.token_hex(16)  # 32 characters: an unmasked secret, which Django accepts as the token
        self.cookies = {
            settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value,
            settings.CSRF_COOKIE_NAME: self.csrf,
        }

    def post(self, path: str, data: dict | None = None):
        return lambda: requests.post(
            self.base + path,
            data={"csrfmiddlewaretoken": self.csrf} | (data or {}),
            cookies=self.cookies,
            headers={"Referer": self.base + path},
            allow_redirects=False,
            timeout=60,
        )


def api(base: str, method: str, path: str, user):
    headers = token_header(user)
    return lambda: requests.request(method, base + path, headers=headers, json=None, timeout=60)


def statuses(responses) -> list[int]:
    codes = [response.status_code for response in responses]
    assert all(code < 500 for code in codes), [(r.status_code, r.text[:300]) for r in responses]
    return codes


def redirected_to_itself(response, path: str) -> bool:
    return response.status_code == 302 and urlsplit(response.headers["Location"]).path == path


# --- Decisions on one proposal -------------------------------------------------------


@pytest.fixture
def decision_world(levels):
    """One skill, one cell that every proposal changes, two reviewers, one author."""
    catalog = make_catalog(skills=1, roles=1, levels=levels)
    skill = catalog["skills"][0]
    cell = Expectation.objects.filter(skill=skill).order_by("pk").first()
    return skill, cell, reviewer_users(2), UserFactory(username="author")


def propose(author, skill, cell, number: int) -> Proposal:
    cell.refresh_from_db()
    change = services.ChangeInput(
        role=cell.role,
        level=cell.level,
        description=f"Text number {number}.",
        required=cell.required,
        proficiency=cell.proficiency,
    )
    return services.proposal_create(author=author, skill=skill, rationale=f"#{number}", changes=[change])


def test_approve_approve(base, decision_world):
    """Two reviewers approve one proposal at once, from the page or the API: one applies it, the other gets 409."""
    skill, cell, (first, second), author = decision_world
    start = cell.version
    ways = [("api", "api"), ("page", "page"), ("page", "api"), ("api", "page")]
    for number in range(TRIES):
        proposal = propose(author, skill, cell, number)
        page_path = reverse("proposals:approve", args=[proposal.pk])
        api_path = reverse("community-api:proposal-approve", args=[proposal.pk])
        calls = [
            Visitor(base, reviewer).post(page_path, CONFIRM) if way == "page" else api(base, "POST", api_path, reviewer)
            for way, reviewer in zip(ways[number % 4], (first, second), strict=True)
        ]
        responses = burst(calls)
        codes = statuses(responses)
        won = [
            index
            for index, (way, response) in enumerate(zip(ways[number % 4], responses, strict=True))
            if (way == "api" and response.status_code == 200)
            or (way == "page" and redirected_to_itself(response, proposal.get_absolute_url()))
        ]
        assert len(won) == 1 and codes.count(409) == 1, codes
        proposal.refresh_from_db()
        assert proposal.status == ProposalStatus.APPROVED
        assert proposal.decided_by == (first, second)[won[0]]
        cell.refresh_from_db()
        assert (cell.version, cell.description) == (start + number + 1, f"Text number {number}.")


def test_approve_withdraw(base, decision_world):
    """The reviewer approves while the author withdraws: one wins, the other gets 409, no 5xx."""
    skill, cell, (reviewer, _other), author = decision_world
    outcomes = set()
    for number in range(TRIES):
        before = (cell.version, cell.description)
        proposal = propose(author, skill, cell, number)
        approve_page, withdraw_page = (
            reverse(f"proposals:{action}", args=[proposal.pk]) for action in ("approve", "withdraw")
        )
        approve_api, withdraw_api = (
            reverse(f"community-api:proposal-{action}", args=[proposal.pk]) for action in ("approve", "withdraw")
        )
        by_page = number % 2 == 0
        if by_page:
            calls = [Visitor(base, reviewer).post(approve_page, CONFIRM), Visitor(base, author).post(withdraw_page)]
        else:
            calls = [api(base, "POST", approve_api, reviewer), api(base, "POST", withdraw_api, author)]
        approval, withdrawal = burst(calls)
        codes = statuses([approval, withdrawal])
        proposal.refresh_from_db()
        cell.refresh_from_db()
        succeeded = 302 if by_page else 200
        if proposal.status == ProposalStatus.APPROVED:  # the approval went first
            assert codes == [succeeded, 409]
            assert proposal.decided_by == reviewer
            assert (cell.version, cell.description) == (before[0] + 1, f"Text number {number}.")
        else:  # the withdrawal went first
            assert proposal.status == ProposalStatus.WITHDRAWN
            assert codes == [409, succeeded]
            assert proposal.decided_by == author
            assert (cell.version, cell.description) == before
        outcomes.add(proposal.status)
    assert outcomes <= {ProposalStatus.APPROVED, ProposalStatus.WITHDRAWN}


def test_undo_approve(base, decision_world):
    """One reviewer undoes an approval while another approves a proposal written on the text it left.

    Both write the one cell: whichever locks the skill first wins, the other gets 409 (the undo finds the
    cell moved since the approval; the approval finds its base gone), and the cell holds the winner's text.
    """
    skill, cell, (undoer, approver), author = decision_world
    outcomes = set()
    for number in range(TRIES):
        cell.refresh_from_db()
        before = cell.description
        first = propose(author, skill, cell, number)
        services.proposal_approve(proposal=first, reviewer=approver)
        follow_up = propose(author, skill, cell, 1000 + number)
        by_page = number % 2 == 0
        if by_page:
            calls = [
                Visitor(base, undoer).post(reverse("proposals:undo", args=[first.pk])),
                Visitor(base, approver).post(reverse("proposals:approve", args=[follow_up.pk]), CONFIRM),
            ]
        else:
            calls = [
                api(base, "POST", reverse("community-api:proposal-undo", args=[first.pk]), undoer),
                api(base, "POST", reverse("community-api:proposal-approve", args=[follow_up.pk]), approver),
            ]
        codes = statuses(burst(calls))
        first.refresh_from_db()
        follow_up.refresh_from_db()
        cell.refresh_from_db()
        succeeded = 302 if by_page else 200
        if first.status == ProposalStatus.REVERTED:  # the undo went first
            assert codes == [succeeded, 409], codes
            assert follow_up.status == ProposalStatus.OPEN
            assert cell.description == before
        else:  # the approval went first
            assert codes == [409, succeeded], codes
            assert (first.status, follow_up.status) == (ProposalStatus.APPROVED, ProposalStatus.APPROVED)
            assert cell.description == f"Text number {1000 + number}."
        outcomes.add(first.status)
    assert outcomes <= {ProposalStatus.REVERTED, ProposalStatus.APPROVED}


def test_undo_undo(base, decision_world):
    """Two reviewers undo one approval at once, from the page or the API: one puts the text back, the other gets 409."""
    skill, cell, (first, second), author = decision_world
    ways = [("api", "api"), ("page", "page"), ("page", "api"), ("api", "page")]
    for number in range(TRIES):
        cell.refresh_from_db()
        before = (cell.description, cell.version)
        proposal = propose(author, skill, cell, number)
        services.proposal_approve(proposal=proposal, reviewer=first)
        page_path = reverse("proposals:undo", args=[proposal.pk])
        api_path = reverse("community-api:proposal-undo", args=[proposal.pk])
        calls = [
            Visitor(base, reviewer).post(page_path) if way == "page" else api(base, "POST", api_path, reviewer)
            for way, reviewer in zip(ways[number % 4], (first, second), strict=True)
        ]
        responses = burst(calls)
        codes = statuses(responses)
        won = [
            index
            for index, (way, response) in enumerate(zip(ways[number % 4], responses, strict=True))
            if (way == "api" and response.status_code == 200)
            or (way == "page" and redirected_to_itself(response, proposal.get_absolute_url()))
        ]
        assert len(won) == 1 and codes.count(409) == 1, codes
        proposal.refresh_from_db()
        assert (proposal.status, proposal.reverted_by) == (ProposalStatus.REVERTED, (first, second)[won[0]])
        cell.refresh_from_db()
        assert (cell.description, cell.version) == (before[0], before[1] + 2)


# --- Watching a skill ----------------------------------------------------------------


@pytest.fixture
def watched(levels, member):
    skill = make_catalog(skills=1, roles=1, levels=levels)["skills"][0]
    return skill, member


def watch_calls(base, skill, member, kinds):
    """Each kind is (how, what): ("api"|"page", "watch"|"unwatch")."""
    api_path = reverse("community-api:skill-watch", args=[skill.slug])
    page_path = reverse("proposals:watch", args=[skill.slug])
    calls = []
    for how, what in kinds:
        if how == "api":
            calls.append(api(base, "PUT" if what == "watch" else "DELETE", api_path, member))
        else:
            calls.append(Visitor(base, member).post(page_path, {"action": what}))
    return calls


def check_watch_answers(responses, kinds, skill):
    statuses(responses)
    for (how, _what), response in zip(kinds, responses, strict=True):
        if how == "api":
            assert response.status_code == 200, response.text
        else:
            assert response.status_code == 302
            assert urlsplit(response.headers["Location"]).path == skill.get_absolute_url()


def test_watch_unwatch(base, watched):
    """Watch and unwatch at once, by page and API: the member ends watching or not, never twice, no 5xx."""
    skill, member = watched
    pairs = [
        [("api", "watch"), ("api", "unwatch")],
        [("page", "watch"), ("page", "unwatch")],
        [("page", "watch"), ("api", "unwatch")],
        [("api", "watch"), ("page", "unwatch")],
    ]
    ends = set()
    for number in range(TRIES):
        if number % 2:  # from both starting points: watching, and not
            services.watch_set(user=member, skill=skill)
        else:
            Watch.objects.filter(user=member, skill=skill).delete()
        kinds = pairs[number % 4]
        check_watch_answers(burst(watch_calls(base, skill, member, kinds)), kinds, skill)
        count = Watch.objects.filter(user=member, skill=skill).count()
        assert count in (0, 1)
        ends.add(count)
    assert ends <= {0, 1}


def test_watch_watch(base, watched):
    """Two watches at once (page or API, e.g. two tabs): one watch row, both answered as successes."""
    skill, member = watched
    pairs = [[("api", "watch")] * 2, [("page", "watch")] * 2, [("page", "watch"), ("api", "watch")]]
    for number in range(TRIES):
        Watch.objects.filter(user=member, skill=skill).delete()
        kinds = pairs[number % 3]
        check_watch_answers(burst(watch_calls(base, skill, member, kinds)), kinds, skill)
        assert Watch.objects.filter(user=member, skill=skill).count() == 1


def test_watch_unwatch_crowd(base, watched):
    """Several tabs watching while one unwatches: a watch that meets another one can find it gone."""
    skill, member = watched
    kinds = [("api", "watch")] * 3 + [("page", "watch")] * 2 + [("api", "unwatch"), ("page", "unwatch")]
    for _try in range(TRIES):
        Watch.objects.filter(user=member, skill=skill).delete()
        check_watch_answers(burst(watch_calls(base, skill, member, kinds)), kinds, skill)
        assert Watch.objects.filter(user=member, skill=skill).count() in (0, 1)


# --- Ticks of the growth plan ------------------------------------------------------


@pytest.fixture
def plan_item(member, levels):
    world = plan_world(levels)
    """The member, a Middle Data Scientist, and an item of their plan (Kappa at Senior)."""
    growth_services.plan_settings_save(user=member, role=world.role, level=world.middle)
    return member, world.cells["kappa@senior"]


def tick_calls(base, member, cell, kinds):
    """Each kind is (how, what): ("api"|"page", "done"|"undo")."""
    api_path = reverse("growth-api:tick", args=[cell.skill.slug, cell.level.slug])
    page_path = reverse("growth:tick", args=[cell.skill.slug, cell.level.slug])
    calls = []
    for how, what in kinds:
        if how == "api":
            calls.append(api(base, "POST" if what == "done" else "DELETE", api_path, member))
        else:
            calls.append(Visitor(base, member).post(page_path, {"action": what}))
    return calls


def check_tick_answers(responses, kinds):
    statuses(responses)
    for (how, what), response in zip(kinds, responses, strict=True):
        if how == "api":
            assert response.status_code == (200 if what == "done" else 204), response.text
        else:
            assert response.status_code == 302
            assert urlsplit(response.headers["Location"]).path == reverse("growth:plan")


def test_tick_untick(base, plan_item):
    """Tick and untick one item at once, by page and API: ticked once (at the cell's version) or not at all."""
    member, cell = plan_item
    pairs = [
        [("api", "done"), ("api", "undo")],
        [("page", "done"), ("page", "undo")],
        [("page", "done"), ("api", "undo")],
        [("api", "done"), ("page", "undo")],
    ]
    for number in range(TRIES):
        if number % 2:
            growth_services.tick_set(user=member, cell=cell)
        else:
            growth_services.tick_clear(user=member, cell=cell)
        kinds = pairs[number % 4]
        check_tick_answers(burst(tick_calls(base, member, cell, kinds)), kinds)
        ticks = list(Tick.objects.filter(user=member, expectation=cell))
        assert len(ticks) in (0, 1)
        assert all((tick.version, tick.description) == (cell.version, cell.description) for tick in ticks)


def test_tick_tick(base, plan_item):
    """Two ticks of one item at once (page or API): one tick, both answered as successes."""
    member, cell = plan_item
    pairs = [[("api", "done")] * 2, [("page", "done")] * 2, [("page", "done"), ("api", "done")]]
    for number in range(TRIES):
        growth_services.tick_clear(user=member, cell=cell)
        kinds = pairs[number % 3]
        check_tick_answers(burst(tick_calls(base, member, cell, kinds)), kinds)
        assert Tick.objects.filter(user=member, expectation=cell).count() == 1


def test_tick_untick_crowd(base, plan_item):
    """Several tabs ticking while others untick: the item ends ticked once or not at all."""
    member, cell = plan_item
    kinds = [("api", "done")] * 3 + [("page", "done")] * 2 + [("api", "undo"), ("page", "undo")]
    for _try in range(TRIES):
        growth_services.tick_clear(user=member, cell=cell)
        check_tick_answers(burst(tick_calls(base, member, cell, kinds)), kinds)
        assert Tick.objects.filter(user=member, expectation=cell).count() in (0, 1)
