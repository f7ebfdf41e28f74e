"""Revision counters: every statement that writes catalog rows moves "catalog" forward.

Pages key their cached fragments and their ETags on these counters (skills/freshness.py),
so a change reaches every page on the next request, whatever path wrote it: the
triggers belong to the database, like the audit trail. The values come from one
sequence, which TRUNCATE never resets, so a value is never reused.
"""

from django.db import migrations, models

from skills.migrations._revision_sql import DROP_FUNCTION, FUNCTION, bump_triggers

CATALOG_TABLES = [
    "skills_domain",
    "skills_skillgroup",
    "skills_skill",
    "skills_role",
    "skills_level",
    "skills_rolelevel",
    "skills_expectation",
]


class Migration(migrations.Migration):
    dependencies = [("skills", "0003_touch_skill_per_statement")]

    operations = [
        migrations.CreateModel(
            name="Revision",
            fields=[
                ("name", models.CharField(max_length=20, primary_key=True, serialize=False)),
                ("value", models.BigIntegerField()),
                ("changed_at", models.DateTimeField()),
            ],
        ),
        migrations.RunSQL(FUNCTION, DROP_FUNCTION),
        migrations.RunSQL(*bump_triggers(CATALOG_TABLES, "catalog")),
    ]
