"""Every statement that writes proposals, comments or watches moves the "community" revision forward.

The skill page's Community block and the ETags of pages that show it are keyed on it
(skills/freshness.py); the function and its sequence come from skills 0004.
"""

from django.db import migrations

from skills.migrations import _revision_sql

COMMUNITY_TABLES = ["proposals_proposal", "proposals_proposalchange", "proposals_comment", "proposals_watch"]


class Migration(migrations.Migration):
    dependencies = [
        ("proposals", "0002_reviewers_group_and_cache_table"),
        ("skills", "0004_revision"),
    ]

    operations = [migrations.RunSQL(*_revision_sql.bump_triggers(COMMUNITY_TABLES, "community"))]
