"""Revision counters: every statement that writes catalog rows moves "catalog" forward.

Pages key their cached fragments and their ETags on these counters (skills/freshness.py),
so a change reaches every page on the next request, whatever path wrote it: the
triggers belong to the database, like the audit trail. The values come from one
sequence, which TRUNCATE never resets, so a value is never reused.
"""

from django.db import migrations, models

FUNCTION = """
CREATE SEQUENCE skills_revision_seq;
CREATE FUNCTION skills_bump_revision() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO skills_revision (name, value, changed_at)
    VALUES (TG_ARGV[0], nextval('skills_revision_seq'), clock_timestamp())
    ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value, changed_at = EXCLUDED.changed_at;
    RETURN NULL;
END
$$;
"""
DROP_FUNCTION = "DROP FUNCTION skills_bump_revision(); DROP SEQUENCE skills_revision_seq;"

CREATE_TRIGGERS = (
    "CREATE TRIGGER skills_domain_bump_catalog AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON skills_domain FOR EACH STATEMENT EXECUTE FUNCTION skills_bump_revision('catalog');"
    "CREATE TRIGGER skills_skillgroup_bump_catalog AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON skills_skillgroup FOR EACH STATEMENT EXECUTE FUNCTION skills_bump_revision('catalog');"
    "CREATE TRIGGER skills_skill_bump_catalog AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON skills_skill FOR EACH STATEMENT EXECUTE FUNCTION skills_bump_revision('catalog');"
    "CREATE TRIGGER skills_role_bump_catalog AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON skills_role FOR EACH STATEMENT EXECUTE FUNCTION skills_bump_revision('catalog');"
    "CREATE TRIGGER skills_level_bump_catalog AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON skills_level FOR EACH STATEMENT EXECUTE FUNCTION skills_bump_revision('catalog');"
    "CREATE TRIGGER skills_rolelevel_bump_catalog AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON skills_rolelevel FOR EACH STATEMENT EXECUTE FUNCTION skills_bump_revision('catalog');"
    "CREATE TRIGGER skills_expectation_bump_catalog AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON skills_expectation FOR EACH STATEMENT EXECUTE FUNCTION skills_bump_revision('catalog');"
)
DROP_TRIGGERS = (
    "DROP TRIGGER skills_domain_bump_catalog ON skills_domain;"
    "DROP TRIGGER skills_skillgroup_bump_catalog ON skills_skillgroup;"
    "DROP TRIGGER skills_skill_bump_catalog ON skills_skill;"
    "DROP TRIGGER skills_role_bump_catalog ON skills_role;"
    "DROP TRIGGER skills_level_bump_catalog ON skills_level;"
    "DROP TRIGGER skills_rolelevel_bump_catalog ON skills_rolelevel;"
    "DROP TRIGGER skills_expectation_bump_catalog ON skills_expectation;"
)


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
        migrations.RunSQL(CREATE_TRIGGERS, DROP_TRIGGERS),
    ]
