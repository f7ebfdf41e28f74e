"""The database refuses what the services never write: each rule has a constraint behind it."""

import importlib

import pytest
from django.apps import apps as django_apps
from django.contrib.auth.models import Group
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from proposals.access import REVIEWERS_GROUP
from proposals.models import Comment, Proposal, ProposalChange, Watch


def refused(**kwargs):
    return pytest.raises(IntegrityError, **kwargs)


def test_the_reviewers_group_is_created_by_a_data_migration(db):
    # Checked through the migration's function: transactional tests flush the data migrations wrote.
    Group.objects.filter(name=REVIEWERS_GROUP).delete()
    migration = importlib.import_module("proposals.migrations.0002_reviewers_group_and_cache_table")
    migration.create_reviewers(django_apps, None)
    assert Group.objects.filter(name=REVIEWERS_GROUP).exists()


def test_the_cache_table_comes_with_the_migrations(db):
    assert "django_cache" in connection.introspection.table_names()


@pytest.mark.parametrize(
    "fields",
    [
        {"status": "maybe"},
        {"status": "open", "reason": "duplicate"},
        {"status": "rejected", "decided": True},  # no reason
        {"status": "approved"},  # no decision time
        {"status": "open", "decided": True},
        {"reason": "rude"},
        {"rationale": ""},
    ],
)
def test_proposal_constraints(author, skill, fields):
    fields = dict(fields)
    decided = fields.pop("decided", False)
    with refused(), transaction.atomic():
        Proposal.objects.create(
            author=author,
            skill=skill,
            rationale=fields.pop("rationale", "Why."),
            decided_at=timezone.now() if decided else None,
            **fields,
        )


def test_a_rejected_proposal_with_reason_and_time_is_accepted(author, skill):
    Proposal.objects.create(
        author=author, skill=skill, rationale="Why.", status="rejected", reason="other", decided_at=timezone.now()
    )
    assert Proposal.objects.count() == 1


def test_one_change_per_cell_per_proposal(proposal, cell):
    with refused(), transaction.atomic():
        ProposalChange.objects.create(
            proposal=proposal, role=cell.role, level=cell.level, description="Again.", proficiency="working"
        )


@pytest.mark.parametrize("fields", [{"proficiency": "guru"}, {"description": ""}])
def test_change_constraints(proposal, catalog, fields):
    values = {"description": "Text.", "proficiency": "working"} | fields
    with refused(), transaction.atomic():
        ProposalChange.objects.create(proposal=proposal, role=catalog["roles"][0], level=catalog["levels"][4], **values)


@pytest.mark.parametrize(
    "fields",
    [
        {"target": "none"},
        {"target": "both"},
        {"body": ""},
        {"body": "x" * 5001},
        {"hidden": True},  # without reason and time
        {"hidden_reason": "Spam"},  # reason on a visible comment
    ],
)
def test_comment_constraints(author, skill, proposal, fields):
    fields = dict(fields)
    target = fields.pop("target", "skill")
    targets = {"none": {}, "both": {"skill": skill, "proposal": proposal}, "skill": {"skill": skill}}[target]
    values = {"body": "Text."} | fields
    with refused(), transaction.atomic():
        Comment.objects.create(author=author, **targets, **values)


def test_one_watch_per_user_and_skill(member, skill):
    Watch.objects.create(user=member, skill=skill)
    with refused(), transaction.atomic():
        Watch.objects.create(user=member, skill=skill)


def test_no_migration_is_missing(db):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("makemigrations", "proposals", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()
