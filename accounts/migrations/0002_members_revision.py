"""Every statement that changes who a member is or what they may do moves the "members" revision.

Members' pages are cached whole under it (skills/freshness/pages.py): a renamed member, a member
made staff or a reviewer (a group joined or left, a group renamed, a permission given or taken)
renders every member's page afresh. A sign-in writes only last_login, which moves nothing. The
function is skills 0008's.
"""

from django.db import migrations

TABLES = ("auth_user_groups", "auth_group", "auth_user_user_permissions", "auth_group_permissions")
USER_COLUMNS = "username, first_name, last_name, email, is_active, is_staff, is_superuser"

CREATE_TRIGGERS = "".join(
    f"CREATE TRIGGER {table}_bump_members AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
    "FOR EACH STATEMENT EXECUTE FUNCTION skills_bump_revision('members');"
    for table in TABLES
) + (
    f"CREATE TRIGGER auth_user_bump_members AFTER UPDATE OF {USER_COLUMNS} OR DELETE ON auth_user "
    "FOR EACH STATEMENT EXECUTE FUNCTION skills_bump_revision('members');"
)
DROP_TRIGGERS = "".join(f"DROP TRIGGER {table}_bump_members ON {table};" for table in TABLES) + (
    "DROP TRIGGER auth_user_bump_members ON auth_user;"
)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("skills", "0008_revision_notify_payload"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunSQL(CREATE_TRIGGERS, DROP_TRIGGERS)]
