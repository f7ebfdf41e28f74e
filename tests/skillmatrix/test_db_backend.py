"""The health check asks the socket, and asks the server only when the socket has something to say."""

import select
import time

import pytest
from django.db import connections
from django.db.backends.postgresql import base as django_postgresql

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def wrapper():
    connection = connections.create_connection("default")
    connection.ensure_connection()
    yield connection
    connection.close()


def test_the_backend_is_ours():
    assert connections["default"].settings_dict["ENGINE"] == "skillmatrix.postgresql"
    assert connections["default"].vendor == "postgresql"


def test_a_sound_connection_is_usable_without_a_query(wrapper):
    def no_query(*args, **kwargs):
        raise AssertionError("the health check sent a query")

    wrapper.connection.cursor = no_query
    try:
        assert wrapper.is_usable()
    finally:
        del wrapper.connection.cursor


def test_a_connection_the_server_closed_is_not_usable(wrapper):
    pid = wrapper.connection.info.backend_pid
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    deadline = time.monotonic() + 5
    while wrapper.is_usable() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not wrapper.is_usable()
    # At the next request's first query Django checks it, closes it and opens a new one.
    wrapper.health_check_done = False
    wrapper.close_if_health_check_failed()
    assert wrapper.connection is None
    with wrapper.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)


def test_a_connection_with_something_to_read_is_asked_with_a_query(wrapper):
    other = connections.create_connection("default")
    try:
        with wrapper.cursor() as cursor:
            cursor.execute("LISTEN health_check_test")
        with other.cursor() as cursor:
            cursor.execute("NOTIFY health_check_test")
        deadline = time.monotonic() + 5
        queries = []
        real_cursor = wrapper.connection.cursor

        def counting_cursor(*args, **kwargs):
            queries.append(1)
            return real_cursor(*args, **kwargs)

        wrapper.connection.cursor = counting_cursor
        while not queries and time.monotonic() < deadline:
            assert wrapper.is_usable()
            time.sleep(0.05)
        assert queries  # the socket had a notification to read: the check asked the server
    finally:
        other.close()


# --- Beside Django's own check -------------------------------------------------------------------


def _readable(wrapper) -> bool:
    """Wait (a few seconds at most) until the connection's socket has something to read."""
    poller = select.poll()
    poller.register(wrapper.connection.fileno(), select.POLLIN | select.POLLPRI)
    return bool(poller.poll(5000))


def _queried(wrapper, other):
    with wrapper.cursor() as cursor:
        for _ in range(3):
            cursor.execute("SELECT 1")


def _in_a_transaction(wrapper, other):
    wrapper.set_autocommit(False)
    with wrapper.cursor() as cursor:
        cursor.execute("SELECT 1")


def _notified(wrapper, other):
    with wrapper.cursor() as cursor:
        cursor.execute("LISTEN health_check_compare")
    with other.cursor() as cursor:
        cursor.execute("NOTIFY health_check_compare")
    assert _readable(wrapper)


def _terminated_by_the_server(wrapper, other):
    with other.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [wrapper.connection.info.backend_pid])
    assert _readable(wrapper)


def _timed_out_by_the_server(wrapper, other):
    with wrapper.cursor() as cursor:
        cursor.execute("SET idle_session_timeout = 50")
    assert _readable(wrapper)


def _closed_here(wrapper, other):
    wrapper.connection.close()


def _closed_by_django(wrapper, other):
    wrapper.close()


STATES = {
    # state of a kept connection at a request's first query: usable by both checks?
    _queried: True,
    _in_a_transaction: True,
    _notified: True,
    _terminated_by_the_server: False,
    _timed_out_by_the_server: False,
    _closed_here: False,
    _closed_by_django: False,
}


@pytest.mark.parametrize("state", STATES, ids=lambda state: state.__name__.strip("_"))
def test_the_socket_check_answers_what_djangos_query_answers(state):
    # Two connections in the same state, one for each check: Django's query changes what it asks.
    ours, theirs, other = (connections.create_connection("default") for _ in range(3))
    try:
        for wrapper in (ours, theirs):
            wrapper.ensure_connection()
            state(wrapper, other)
        answer = ours.is_usable()
        assert answer == django_postgresql.DatabaseWrapper.is_usable(theirs) == STATES[state]
    finally:
        for wrapper in (ours, theirs, other):
            wrapper.close()
