import pytest
from django.contrib.auth.models import Group
from django.core.cache import caches
from django.utils import translation

from proposals.access import REVIEWERS_GROUP
from skills.freshness import members
from teams import selectors as team_selectors
from tests.factories import UserFactory, make_levels


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # The cast's passwords are hashed on creation; the production hasher takes most of a second each.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session", autouse=True)
def _no_revision_listener(django_db_blocker):
    # Tests run inside transactions that never commit, so no notification would ever come: pages ask
    # the database for the counters. Off for the whole session, live servers' threads included (they
    # answer between tests too); tests/skills/test_freshness.py turns it on for its own tests. Its
    # connection must be gone when a test copies or drops the test database.
    from django.conf import settings

    from skills import freshness

    settings.REVISION_LISTENER = False
    settings.PRERENDER_PAGES = False  # no background pass on a test's database (tests call it themselves)
    yield
    freshness.listener.stop()


@pytest.fixture(autouse=True)
def _default_language():
    # A test that activates a language must not leave it to the next test its worker runs (xdist's order varies).
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _fresh_fragments():
    # Fragment keys carry the catalog's revision, which never repeats; clearing keeps each test's memory small.
    caches["fragments"].clear()
    caches["member-pages"].clear()
    members.forget()
    team_selectors.forget()


@pytest.fixture(autouse=True)
def _own_stored_answers(settings, tmp_path):
    # Stored PDFs and catalog files (skills/stored.py) are each test's own.
    settings.STORED_ANSWERS_DIR = tmp_path / "stored"


@pytest.fixture
def levels(db):
    return make_levels()


# The fixed cast of users: every protected URL is tried by each of them.
@pytest.fixture
def member(db):
    return UserFactory(username="member")


@pytest.fixture
def author(db):
    return UserFactory(username="author")


@pytest.fixture
def reviewer(db):
    user = UserFactory(username="reviewer")
    user.groups.add(Group.objects.get_or_create(name=REVIEWERS_GROUP)[0])
    return user


@pytest.fixture
def staff(db):
    return UserFactory(username="staff", is_staff=True, is_superuser=True)


@pytest.fixture
def seeded_catalog(db):
    """The shipped fixture, imported."""
    from django.core.management import call_command

    call_command("import_catalog", "fixtures/catalog.json", verbosity=0)


def pytest_collection_modifyitems(config, items):
    # The replica tests come first in their process: they copy the test database, which PostgreSQL allows
    # only while nobody else is connected to it, and the browser tests leave a live server that keeps a
    # connection and Playwright's asyncio loop on the main thread, which gives each context of `fresh()`
    # connections of its own. pytest-xdist (make test) hands tests out from the front of this order, so
    # whichever worker runs a replica test has run nothing else before it.
    items.sort(key=lambda item: item.nodeid.split("::")[0] != "tests/skillmatrix/test_db_router.py")
