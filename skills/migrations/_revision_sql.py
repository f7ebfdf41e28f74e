"""SQL shared by the migrations of the revision counters (skills 0004, 0006, 0007; proposals 0003)."""

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


def bump_triggers(tables: list[str], name: str) -> tuple[str, str]:
    """SQL to add and to drop a per-statement trigger moving the counter `name` on each table."""
    create = "".join(
        f"CREATE TRIGGER {table}_bump_{name} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION skills_bump_revision('{name}');"
        for table in tables
    )
    drop = "".join(f"DROP TRIGGER {table}_bump_{name} ON {table};" for table in tables)
    return create, drop


# Now and then a writer folds its counter's committed marks into one (same sum, same greatest stamp).
FOLD = """
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
"""

# The trigger function from 0006 on: insert a mark, now and then fold the committed marks into one.
FOLDING_FUNCTION = """
CREATE OR REPLACE FUNCTION skills_bump_revision() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    new_stamp bigint := nextval('skills_revision_seq');
BEGIN
    INSERT INTO skills_revision (name, weight, stamp, changed_at)
    VALUES (TG_ARGV[0], 1, new_stamp, clock_timestamp());
@FOLD@
    %(notify)s
    RETURN NULL;
END
$$;
""".replace("@FOLD@", FOLD.strip("\n").replace("%", "%%"))


# From 0008 on: the notification carries the mark (counter, stamp, transaction, time in microseconds), so
# a listener adds it up itself instead of reading the table again for every commit.
PAYLOAD_FUNCTION = """
CREATE OR REPLACE FUNCTION skills_bump_revision() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    new_stamp bigint := nextval('skills_revision_seq');
    stamped_at timestamptz := clock_timestamp();
BEGIN
    INSERT INTO skills_revision (name, weight, stamp, changed_at)
    VALUES (TG_ARGV[0], 1, new_stamp, stamped_at);
@FOLD@
    PERFORM pg_notify(
        'skillmatrix_revision',
        concat_ws(' ', TG_ARGV[0], new_stamp, pg_current_xact_id(), (extract(epoch FROM stamped_at) * 1000000)::bigint)
    );
    RETURN NULL;
END
$$;
""".replace("@FOLD@", FOLD.strip("\n"))

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
