"""A renamed user moves the "community" revision: cached Community blocks show authors' names."""

from django.db import migrations

TRIGGER = (
    "CREATE TRIGGER auth_user_bump_community AFTER UPDATE OF username ON auth_user "
    "FOR EACH STATEMENT EXECUTE FUNCTION skills_bump_revision('community');"
)


class Migration(migrations.Migration):
    dependencies = [
        ("proposals", "0003_community_revision"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunSQL(TRIGGER, "DROP TRIGGER auth_user_bump_community ON auth_user;")]
