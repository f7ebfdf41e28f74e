"""Every revision mark also notifies listeners (channel skillmatrix_revision) when its transaction commits.

Server processes keep their copy of the counters from these notifications
(skills/freshness.py), so a cached page costs no query at all; PostgreSQL sends a
notification only at commit, and one per transaction and counter.
"""

from django.db import migrations

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
    
    RETURN NULL;
END
$$;
"""

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
    PERFORM pg_notify('skillmatrix_revision', TG_ARGV[0]);
    RETURN NULL;
END
$$;
"""


class Migration(migrations.Migration):
    dependencies = [("skills", "0006_revision_log")]

    operations = [migrations.RunSQL(FUNCTION, OLD_FUNCTION)]
