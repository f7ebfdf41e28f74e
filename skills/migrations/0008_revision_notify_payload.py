"""Notifications carry the mark they announce, so listeners count commits without reading the table.

Under steady writes each commit made every server process's listener read the
counters again (skills/freshness.py): as many reads as commits times processes, on a
table that grows dead rows between vacuums. Now the payload names the counter, the
stamp, the writing transaction and the time; a listener reads the table once, with
its snapshot, and adds every later mark whose transaction that snapshot did not see.
"""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION skills_bump_revision() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    new_stamp bigint := nextval('skills_revision_seq');
    stamped_at timestamptz := clock_timestamp();
BEGIN
    INSERT INTO skills_revision (name, weight, stamp, changed_at)
    VALUES (TG_ARGV[0], 1, new_stamp, stamped_at);
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
    PERFORM pg_notify(
        'skillmatrix_revision',
        concat_ws(' ', TG_ARGV[0], new_stamp, pg_current_xact_id(), (extract(epoch FROM stamped_at) * 1000000)::bigint)
    );
    RETURN NULL;
END
$$;
"""

OLD_FUNCTION = """
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
    PERFORM pg_notify('skillmatrix_revision', TG_ARGV[0]);
    RETURN NULL;
END
$$;
"""

# Any other change to the counters' table (a test database flushed, a hand-made fix) tells listeners to
# read it again. The triggers' own inserts and folds run one level down and are not announced this way.
RESET = """
CREATE FUNCTION skills_revision_reset() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF pg_trigger_depth() = 1 THEN
        PERFORM pg_notify('skillmatrix_revision', 'reset');
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER skills_revision_reset AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON skills_revision
FOR EACH STATEMENT EXECUTE FUNCTION skills_revision_reset();
"""
DROP_RESET = "DROP TRIGGER skills_revision_reset ON skills_revision; DROP FUNCTION skills_revision_reset();"


class Migration(migrations.Migration):
    dependencies = [("skills", "0007_revision_notify")]

    operations = [
        migrations.RunSQL(FUNCTION, OLD_FUNCTION),
        migrations.RunSQL(RESET, DROP_RESET),
    ]
