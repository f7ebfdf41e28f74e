"""Every statement that changes who a member is or what they may do moves the "members" revision, and
every statement that changes or ends a session moves the "sessions" revision.

Members' pages are cached whole under "members" (skills/freshness/pages.py): a renamed member, a member
made staff or a reviewer (a group joined or left, a group renamed, a permission given or taken)
renders every member's page afresh. Each process keeps the sessions and users it has read under the two
counters (skills/freshness/members.py): a changed password or flag, a session changed, ended or
expired, is read afresh on the next request. A sign-in writes last_login alone, which moves nothing
here, and a new session moves nothing (no process can have kept it). The function is skills 0008's.
"""

from django.db import migrations

TABLES = ("auth_user_groups", "auth_group", "auth_user_user_permissions", "auth_group_permissions")
USER_COLUMNS = "username, password, first_name, last_name, email, is_active, is_staff, is_superuser"

CREATE_TRIGGERS = (
    "".join(
        f"CREATE TRIGGER {table}_bump_members AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
        "FOR EACH STATEMENT EXECUTE FUNCTION skills_bump_revision('members');"
        for table in TABLES
    )
    + (
        f"CREATE TRIGGER auth_user_bump_members AFTER UPDATE OF {USER_COLUMNS} OR DELETE ON auth_user "
        "FOR EACH STATEMENT EXECUTE FUNCTION skills_bump_revision('members');"
    )
    + (
        "CREATE TRIGGER django_session_bump_sessions AFTER UPDATE OR DELETE OR TRUNCATE ON django_session "
        "FOR EACH STATEMENT EXECUTE FUNCTION skills_bump_revision('sessions');"
    )
)
DROP_TRIGGERS = "".join(f"DROP TRIGGER {table}_bump_members ON {table};" for table in TABLES) + (
    "DROP TRIGGER auth_user_bump_members ON auth_user;DROP TRIGGER django_session_bump_sessions ON django_session;"
)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("skills", "0008_revision_notify_payload"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("sessions", "0001_initial"),
    ]

    operations = [migrations.RunSQL(CREATE_TRIGGERS, DROP_TRIGGERS)]
