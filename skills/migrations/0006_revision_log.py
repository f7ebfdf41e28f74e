"""Revision counters without a hot row: each write statement adds a row, readers sum them.

0004 kept one row per counter and every writing transaction updated it, so concurrent
writers (comments, approvals) waited for each other's commit on that row's lock. Now
a trigger only inserts (name, weight 1, a stamp from the sequence): no row is shared,
nothing waits. A counter reads as (sum of weights, greatest stamp): the sum moves
when any write commits, whatever order writers commit in, and the greatest stamp
never repeats, even after TRUNCATE. Now and then a writer folds a counter's
committed rows into one (same sum, same greatest stamp), skipping rows another
writer is folding, so the table stays a few dozen rows.
"""

from django.db import migrations, models

FUNCTION = """
CREATE OR REPLACE FUNCTION skills_bump_revision() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    new_stamp bigint := nextval('skills_revision_seq');
BEGIN
    INSERT INTO skills_revision (name, weight, stamp, changed_at)
    VALUES (TG_ARGV[0], 1, new_stamp, clock_timestamp());
    IF new_stamp % 32 = 0 THEN
        WITH folded AS (
            DELETE FROM skills_revision WHERE id IN (
                SELECT id FROM skills_revision
                WHERE name = TG_ARGV[0] AND stamp < new_stamp
                FOR UPDATE SKIP LOCKED
            )
            RETURNING weight, stamp, changed_at
        )
        INSERT INTO skills_revision (name, weight, stamp, changed_at)
        SELECT TG_ARGV[0], sum(weight), max(stamp), max(changed_at) FROM folded HAVING count(*) > 0;
    END IF;
    
    RETURN NULL;
END
$$;
"""

OLD_FUNCTION = """
CREATE OR REPLACE FUNCTION skills_bump_revision() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO skills_revision (name, value, changed_at)
    VALUES (TG_ARGV[0], nextval('skills_revision_seq'), clock_timestamp())
    ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value, changed_at = EXCLUDED.changed_at;
    RETURN NULL;
END
$$;
"""


class Migration(migrations.Migration):
    dependencies = [("skills", "0005_skill_redirect")]

    operations = [
        migrations.DeleteModel(name="Revision"),
        migrations.CreateModel(
            name="Revision",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=20)),
                ("weight", models.BigIntegerField()),
                ("stamp", models.BigIntegerField()),
                ("changed_at", models.DateTimeField()),
            ],
        ),
        migrations.RunSQL(FUNCTION, OLD_FUNCTION),
    ]
