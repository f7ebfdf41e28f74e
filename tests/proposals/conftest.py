import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from proposals import services
from skills.models import Expectation, Proficiency
from tests.factories import make_catalog
from tests.proposals.helpers import change_for


@pytest.fixture(autouse=True)
def _empty_cache(db):
    # Rate-limit counters live in the database cache; tests that commit (transaction=True) must not leak them.
    cache.clear()


@pytest.fixture
def catalog(levels):
    """One skill, two roles, every level: ten cells."""
    return make_catalog(skills=1, roles=2, levels=levels)


@pytest.fixture
def skill(catalog):
    return catalog["skills"][0]


@pytest.fixture
def cell(skill, catalog):
    return Expectation.objects.get(skill=skill, role=catalog["roles"][0], level=catalog["levels"][0])


@pytest.fixture
def proposal(author, skill, cell, catalog):
    """An open proposal by the author that changes two cells of the skill."""
    other = Expectation.objects.get(skill=skill, role=catalog["roles"][1], level=catalog["levels"][2])
    return services.proposal_create(
        author=author,
        skill=skill,
        rationale="The texts are out of date.",
        changes=[change_for(cell), change_for(other, proficiency=Proficiency.EXPERT)],
    )


@pytest.fixture
def api():
    """APIClient signed in as the given user (None: anonymous)."""

    def make(user=None):
        client = APIClient()
        if user is not None:
            client.force_login(user)
        return client

    return make
