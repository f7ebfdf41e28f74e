"""A deadlock or serialization failure is retried where the service owns its transaction, else answered 409."""

import psycopg.errors
import pytest
from django.db import IntegrityError, OperationalError
from django.urls import reverse

from proposals import services
from skillmatrix import lock_conflicts
from skillmatrix.exceptions import Conflict
from skillmatrix.lock_conflicts import is_lock_conflict, retry_on_lock_conflict


def driver_error(cause: Exception, wrapper=OperationalError) -> Exception:
    """A database error as Django raises it: its own class, with the driver's error as the cause."""
    error = wrapper(str(cause))
    error.__cause__ = cause
    return error


def deadlock() -> Exception:
    return driver_error(psycopg.errors.DeadlockDetected("deadlock detected"))


def test_deadlocks_and_serialization_failures_are_lock_conflicts_and_nothing_else_is():
    assert is_lock_conflict(deadlock())
    assert is_lock_conflict(driver_error(psycopg.errors.SerializationFailure("could not serialize")))
    assert not is_lock_conflict(driver_error(psycopg.errors.ForeignKeyViolation("fk"), IntegrityError))
    assert not is_lock_conflict(OperationalError("server closed the connection"))
    assert not is_lock_conflict(psycopg.errors.DeadlockDetected("not wrapped by Django"))


@pytest.mark.django_db(transaction=True)  # outside any transaction, as a request runs it
def test_a_service_that_owns_its_transaction_runs_again_after_a_deadlock():
    calls = []

    @retry_on_lock_conflict
    def write():
        calls.append(1)
        if len(calls) < 3:
            raise deadlock()
        return "written"

    assert write() == "written" and len(calls) == 3


@pytest.mark.django_db(transaction=True)  # outside any transaction, as a request runs it
def test_after_a_few_deadlocks_in_a_row_the_service_answers_a_conflict():
    calls = []

    @retry_on_lock_conflict
    def write():
        calls.append(1)
        raise deadlock()

    with pytest.raises(Conflict):
        write()
    assert len(calls) == lock_conflicts.ATTEMPTS


def test_other_database_errors_are_not_retried():
    calls = []

    @retry_on_lock_conflict
    def write():
        calls.append(1)
        raise OperationalError("server closed the connection")

    with pytest.raises(OperationalError):
        write()
    assert len(calls) == 1


@pytest.mark.django_db
def test_inside_a_callers_transaction_it_runs_once_and_lets_the_error_through():
    calls = []

    @retry_on_lock_conflict
    def write():
        calls.append(1)
        raise deadlock()

    with pytest.raises(OperationalError):
        write()  # the test's transaction is the caller's
    assert len(calls) == 1


def refuse_with_a_deadlock(**kwargs):
    raise deadlock()


def test_a_deadlock_in_the_api_is_409_not_500(api, reviewer, proposal, monkeypatch):
    monkeypatch.setattr(services, "proposal_approval", refuse_with_a_deadlock)  # the API's, with the changes applied
    response = api(reviewer).post(f"/api/proposals/{proposal.pk}/approve/", format="json")
    assert response.status_code == 409
    assert "try again" in response.json()["detail"]


def test_a_deadlock_on_a_page_is_a_409_page_not_500(client, reviewer, proposal, monkeypatch):
    monkeypatch.setattr(services, "proposal_approve", refuse_with_a_deadlock)
    client.force_login(reviewer)
    response = client.post(f"/proposals/{proposal.pk}/approve/", {"confirm": "true"})
    assert response.status_code == 409
    assert "Nothing was saved" in response.content.decode()


def test_a_deadlock_in_the_admin_is_a_409_page_not_500(client, staff, cell, monkeypatch):
    from skills import services as skill_services

    monkeypatch.setattr(skill_services, "cell_save", refuse_with_a_deadlock)
    client.force_login(staff)
    url = reverse("admin:skills_expectation_change", args=[cell.pk])
    data = {
        "skill": cell.skill_id,
        "role": cell.role_id,
        "level": cell.level_id,
        "description": "Edited in the admin.",
        "proficiency": cell.proficiency,
        "required": "on" if cell.required else "",
    }
    response = client.post(url, data)
    assert response.status_code == 409
