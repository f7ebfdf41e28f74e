from django.core.management import call_command
from django.db import migrations


def create_reviewers(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.get_or_create(name="Reviewers")


def create_cache_table(apps, schema_editor):
    # Rate limits (sign-in, sign-up, comments, proposals) live in the database cache; a database
    # made by migrate alone (tests, a fresh production deploy) must have its table too.
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [
        ("proposals", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.RunPython(create_reviewers, migrations.RunPython.noop),
        migrations.RunPython(create_cache_table, migrations.RunPython.noop),
    ]
