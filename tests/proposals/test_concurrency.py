"""Decisions that race: real threads, each with its own database connection, committing for real."""

import threading

import pytest
from django.contrib.auth.models import Group
from django.db import connection

from proposals import services
from proposals.models import Proposal, ProposalStatus
from proposals.services import Conflict
from skills.models import Expectation
from tests.factories import UserFactory
from tests.proposals.helpers import change_for

pytestmark = pytest.mark.django_db(transaction=True)


def reviewers(count: int):
    group, _ = Group.objects.get_or_create(name="Reviewers")
    users = [UserFactory(username=f"reviewer{n}") for n in range(count)]
    group.user_set.add(*users)
    return users


def race(calls):
    """Run the calls at the same moment in threads; return each one's result or exception."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=10)
            results[index] = call()
        except Exception as error:  # the test inspects what each thread raised
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)
    return results


def test_two_reviewers_approving_at_once_exactly_one_wins(proposal):
    first, second = reviewers(2)
    results = race(
        [
            lambda: services.proposal_approve(proposal=Proposal.objects.get(pk=proposal.pk), reviewer=first),
            lambda: services.proposal_approve(proposal=Proposal.objects.get(pk=proposal.pk), reviewer=second),
        ]
    )
    winners = [r for r in results if isinstance(r, Proposal)]
    losers = [r for r in results if isinstance(r, Conflict)]
    assert (len(winners), len(losers)) == (1, 1), results
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.APPROVED
    assert proposal.decided_by == winners[0].decided_by
    # Applied once: every changed cell moved from version 1 to 2, not 3.
    for change in proposal.changes.all():
        assert Expectation.objects.get(skill=proposal.skill, role=change.role, level=change.level).version == 2


def test_two_proposals_on_the_same_cell_approved_at_once_exactly_one_applies(author, member, skill, cell):
    first = services.proposal_create(author=author, skill=skill, rationale="A.", changes=[change_for(cell)])
    second = services.proposal_create(
        author=member, skill=skill, rationale="B.", changes=[change_for(cell, description="Another text.")]
    )
    one, two = reviewers(2)
    results = race(
        [
            lambda: services.proposal_approve(proposal=first, reviewer=one),
            lambda: services.proposal_approve(proposal=second, reviewer=two),
        ]
    )
    winners = [r for r in results if isinstance(r, Proposal)]
    losers = [r for r in results if isinstance(r, Conflict)]
    assert (len(winners), len(losers)) == (1, 1), results
    assert losers[0].conflicts[0].current_version == 2
    cell.refresh_from_db()
    assert cell.version == 2
    assert cell.description == winners[0].changes.get().description
    statuses = sorted(Proposal.objects.values_list("status", flat=True))
    assert statuses == ["approved", "open"]
