"""The health check asks the socket, and asks the server only when the socket has something to say."""

import time

import pytest
from django.db import connections

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
