import pytest
from django.test import Client

from growth import services
from tests.growth.helpers import PlanWorld, plan_world


@pytest.fixture
def world(levels) -> PlanWorld:
    return plan_world(levels)


@pytest.fixture
def planner(member, world):
    """The member, as a Middle Data Scientist."""
    services.plan_settings_save(user=member, role=world.role, level=world.middle)
    return member


@pytest.fixture
def member_client(member) -> Client:
    client = Client()
    client.force_login(member)
    return client
