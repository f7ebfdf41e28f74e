"""Every statement that writes proposals, comments or watches moves the "community" revision forward.

The skill page's Community block and the ETags of pages that show it are keyed on it
(skills/freshness.py); the function and its sequence come from skills 0004.
"""

from django.db import migrations

CREATE_TRIGGERS = (
    "CREATE TRIGGER proposals_proposal_bump_community AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON proposals_proposal FOR EACH STATEMENT EXECUTE FUNCTION skills_bump_revision('community');"
    "CREATE TRIGGER proposals_proposalchange_bump_community AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON proposals_proposalchange FOR EACH STATEMENT EXECUTE FUNCTION skills_bump_revision('community');"
    "CREATE TRIGGER proposals_comment_bump_community AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON proposals_comment FOR EACH STATEMENT EXECUTE FUNCTION skills_bump_revision('community');"
    "CREATE TRIGGER proposals_watch_bump_community AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON proposals_watch FOR EACH STATEMENT EXECUTE FUNCTION skills_bump_revision('community');"
)
DROP_TRIGGERS = (
    "DROP TRIGGER proposals_proposal_bump_community ON proposals_proposal;"
    "DROP TRIGGER proposals_proposalchange_bump_community ON proposals_proposalchange;"
    "DROP TRIGGER proposals_comment_bump_community ON proposals_comment;"
    "DROP TRIGGER proposals_watch_bump_community ON proposals_watch;"
)


class Migration(migrations.Migration):
    dependencies = [
        ("proposals", "0002_reviewers_group_and_cache_table"),
        ("skills", "0004_revision"),
    ]

    operations = [migrations.RunSQL(CREATE_TRIGGERS, DROP_TRIGGERS)]
