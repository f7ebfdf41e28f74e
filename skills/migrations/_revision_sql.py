"""SQL shared by the migrations that add revision triggers (skills 0004, proposals 0003)."""

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
