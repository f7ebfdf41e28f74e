"""Every statement that writes teams, memberships, assessments or growth plans moves the "teams" revision.

The team heatmap is cached under it (and the catalog's): a new assessment, a member who joins or
leaves, a changed role or level, or a renamed user renders the heatmap afresh. The function is
skills 0008's.
"""

from django.db import migrations

TABLES = ("teams_team", "teams_membership", "teams_assessment", "growth_planprofile")

CREATE_TRIGGERS = "".join(
    f"CREATE TRIGGER {table}_bump_teams AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
    "FOR EACH STATEMENT EXECUTE FUNCTION skills_bump_revision('teams');"
    for table in TABLES
) + (
    "CREATE TRIGGER auth_user_bump_teams AFTER UPDATE OF username ON auth_user "
    "FOR EACH STATEMENT EXECUTE FUNCTION skills_bump_revision('teams');"
)
DROP_TRIGGERS = "".join(f"DROP TRIGGER {table}_bump_teams ON {table};" for table in TABLES) + (
    "DROP TRIGGER auth_user_bump_teams ON auth_user;"
)


class Migration(migrations.Migration):
    dependencies = [
        ("teams", "0001_initial"),
        ("growth", "0001_initial"),
        ("skills", "0008_revision_notify_payload"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunSQL(CREATE_TRIGGERS, DROP_TRIGGERS)]
