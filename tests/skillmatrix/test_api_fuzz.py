"""Schemathesis fuzzes the whole API from its own OpenAPI document.

Every operation gets the examples, coverage and fuzzing phases (at least
FUZZ_EXAMPLES generated requests each, 100 by default), and every generated
request goes out twice: from an anonymous visitor and from a member who sends
`Authorization: Token <key>`. Then the stateful phase, for each of the two,
chains operations along the links Schemathesis infers from the schema (list
skills, then read one and comment on it; create a proposal, then read, patch,
approve or withdraw it ...).

Schemathesis generates valid requests and invalid ones (negative mode: those must be refused with a 4xx),
and one request in HOSTILE_ONE_IN gets one of the project's own hostile inputs mixed in (tests/hostile.py):
deep nesting, NUL and lone surrogates in strings and keys, strings of 1-3 MB, bodies in the wrong encoding.

The property: no answer is a 5xx, and every answer is one the schema
documents, with the documented content type, headers and body shape.

The app is called in-process over WSGI, inside the test's transaction, against
a small catalog. `make fuzz` runs the same tests deeper (FUZZ_EXAMPLES=1000,
a new random seed each run); `make test` uses a fixed seed so that CI is stable.
"""

import os

import hypothesis
import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from schemathesis.specs.openapi.checks import negative_data_rejection

from proposals import services
from proposals.throttling import WriteRateThrottle
from skillmatrix.wsgi import application
from skills.models import Expectation
from tests.factories import make_catalog
from tests.hostile import hostile_case
from tests.proposals.helpers import change_for

FUZZ_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "100"))
DEEP = os.environ.get("FUZZ_DEEP", "") == "1"

CONFIG = schemathesis.Config.from_dict(
    {
        "generation": {
            # Valid requests, and requests that break the schema (which must be refused with a 4xx).
            "mode": "all",
            "max-examples": FUZZ_EXAMPLES,
            "deterministic": not DEEP,
            "database": "none",
        },
        "checks": {
            # A slug or id that fits the schema may still name nothing, or a skill with no such role:
            # the API answers those with a 400 or 404 that says so.
            "positive_data_acceptance": {"expected-statuses": ["2xx", "400", "401", "403", "404", "409", "429"]},
        },
    }
)

HYPOTHESIS_SETTINGS = hypothesis.settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    derandomize=not DEEP,
    database=None,
    suppress_health_check=list(HealthCheck),
    print_blob=True,
)


@pytest.fixture
def fuzz_world(db, levels, author, reviewer, member, monkeypatch):
    """A small catalog with an open proposal and comments (one the member's), and write limits out of the way."""
    catalog = make_catalog(skills=3, roles=2, levels=levels)
    skill = catalog["skills"][0]
    cell = Expectation.objects.filter(skill=skill).select_related("role", "level").first()
    proposal = services.proposal_create(
        author=author, skill=skill, rationale="Out of date.", changes=[change_for(cell)]
    )
    services.comment_create(author=author, skill=skill, body="A first comment.")
    services.comment_create(author=author, proposal=proposal, body="On the proposal.")
    comment = services.comment_create(author=member, skill=skill, body="The member's own comment.")
    monkeypatch.setitem(
        REAL_PATH_PARAMETERS,
        "values",
        {
            "slug": [skill.slug],
            "skill": [skill.slug],
            "level": [cell.level.slug],
            "id": [proposal.pk, comment.pk],
        },
    )
    monkeypatch.setattr(WriteRateThrottle, "THROTTLE_RATES", {"comments": "100000/min", "proposals": "100000/min"})
    return catalog


@pytest.fixture
def in_process_app():
    # Each request runs inside the test's transaction: Django must not close the connection after it.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield application
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def member_headers(member):
    return {"Authorization": f"Token {Token.objects.create(user=member).key}"}


# Loaded once, at collection: one test per operation. (schemathesis.pytest.from_fixture would load it per test,
# but its runner does not work with pytest 9.)
schema = schemathesis.openapi.from_wsgi("/api/schema/", application, config=CONFIG)


# What the hostile requests put in their paths: the fuzz world's skill, level, proposal and comment.
REAL_PATH_PARAMETERS: dict[str, dict[str, list]] = {}

# One generated request in HOSTILE_ONE_IN has a hostile body or query parameter mixed in (tests/hostile.py).
HOSTILE_ONE_IN = 10


@schema.hook
def flatmap_case(context, case):
    # Hypothesis favours the first of the choices: the plain case.
    hostile = st.sampled_from([False] * (HOSTILE_ONE_IN - 1) + [True])
    return hostile.flatmap(
        lambda mixed: hostile_case(case, REAL_PATH_PARAMETERS.get("values", {})) if mixed else st.just(case)
    )


# Schemathesis always asks for gzip, and its in-process (WSGI) transport hands the body on undecoded: the
# stored answers (skills/stored.py) would reach its JSON checks compressed. tests/skills/test_heavy_reads.py
# checks the gzip answers.
IDENTITY = {"Accept-Encoding": "identity"}


def excluded_checks(case) -> list:
    # An empty query parameter (`?page=`) means "not given", as HTML forms send it; the schema cannot say so.
    return [negative_data_rejection] if case.method == "GET" else []


@schema.parametrize()
@HYPOTHESIS_SETTINGS
def test_every_operation_answers_as_documented(case, fuzz_world, in_process_app, member_headers):
    # Each generated request goes out twice: from an anonymous visitor, then from a member with a token.
    for headers in ({}, member_headers):
        case.call_and_validate(headers={**IDENTITY, **headers}, excluded_checks=excluded_checks(case))


def run_workflows(headers: dict) -> None:
    class Workflow(schema.as_state_machine()):
        def get_call_kwargs(self, case):
            return {"headers": {**IDENTITY, **headers}}

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            # The token goes in as the request's own headers, so that the probes of `ignored_auth` can take it out.
            case.validate_response(
                response,
                additional_checks=additional_checks,
                excluded_checks=excluded_checks(case),
                headers=kwargs.get("headers"),
                transport_kwargs={name: value for name, value in kwargs.items() if name != "headers"},
            )

    # Scenarios of up to six calls each; half as many scenarios as single-call examples keeps `make test` quick.
    Workflow.run(
        settings=hypothesis.settings(
            HYPOTHESIS_SETTINGS, max_examples=max(FUZZ_EXAMPLES // 2, 1), stateful_step_count=6
        )
    )


def test_chained_operations_answer_anonymous_visitors_as_documented(fuzz_world, in_process_app):
    run_workflows({})


def test_chained_operations_answer_members_as_documented(fuzz_world, in_process_app, member_headers):
    run_workflows(member_headers)
