"""Each skill page has counters of its own: a comment, a watch or an approval on one skill renders that skill's
page afresh, not every page of the catalog.

"skill:<slug>" moves with the skill's row and its expectations, "talk:<slug>" with its proposals, their
changes and its comments (on the skill or on one of its proposals), "watch:<slug>" with its watches (the
page's watch box, filled in for each request); the triggers find the skills in the statement's rows (transition tables, so three triggers a table: one event each). "names" moves with
what every skill page shows besides its own skill: domains, groups, roles, levels, a role's levels, people's
names, and a table emptied whole. Counter names grow from 20 characters to 200 (a slug has up to 160).
The old counters ("catalog", "community") move as before, for every other page.

skills_bump_revision's body moves into skills_mark_revision(counter), which the skill pages' function calls
once for each skill. Today's SQL: skills/revision_sql.py.
"""

from django.db import migrations, models

MARK_FUNCTION = """
CREATE OR REPLACE FUNCTION skills_mark_revision(counter text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    new_stamp bigint := nextval('skills_revision_seq');
    stamped_at timestamptz := clock_timestamp();
BEGIN
    INSERT INTO skills_revision (name, weight, stamp, changed_at)
    VALUES (counter, 1, new_stamp, stamped_at);
    IF new_stamp % 32 = 0 THEN
        WITH folded AS (
            DELETE FROM skills_revision WHERE id IN (
                SELECT id FROM skills_revision
                WHERE name = counter AND stamp < new_stamp
                FOR UPDATE SKIP LOCKED
            )
            RETURNING weight, stamp, changed_at
        )
        INSERT INTO skills_revision (name, weight, stamp, changed_at)
        SELECT counter, sum(weight), max(stamp), max(changed_at) FROM folded HAVING count(*) > 0;
    END IF;
    PERFORM pg_notify(
        'skillmatrix_revision',
        concat_ws(' ', counter, new_stamp, pg_current_xact_id(), (extract(epoch FROM stamped_at) * 1000000)::bigint)
    );
END
$$;
"""

BUMP_FUNCTION = """
CREATE OR REPLACE FUNCTION skills_bump_revision() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM skills_mark_revision(TG_ARGV[0]);
    RETURN NULL;
END
$$;
"""

SKILL_PAGES_FUNCTION = """
CREATE OR REPLACE FUNCTION skills_bump_skill_pages() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    slugs text[] := '{}';
    ids bigint[] := '{}';
    proposals bigint[] := '{}';
    slug text;
BEGIN
    IF TG_ARGV[1] = 'slug' THEN
        IF TG_OP <> 'DELETE' THEN slugs := slugs || ARRAY(SELECT r.slug::text FROM new_rows r); END IF;
        IF TG_OP <> 'INSERT' THEN slugs := slugs || ARRAY(SELECT r.slug::text FROM old_rows r); END IF;
    ELSIF TG_ARGV[1] = 'skill_id' THEN
        IF TG_OP <> 'DELETE' THEN ids := ids || ARRAY(SELECT r.skill_id FROM new_rows r); END IF;
        IF TG_OP <> 'INSERT' THEN ids := ids || ARRAY(SELECT r.skill_id FROM old_rows r); END IF;
    ELSIF TG_ARGV[1] = 'proposal_id' THEN
        IF TG_OP <> 'DELETE' THEN proposals := proposals || ARRAY(SELECT r.proposal_id FROM new_rows r); END IF;
        IF TG_OP <> 'INSERT' THEN proposals := proposals || ARRAY(SELECT r.proposal_id FROM old_rows r); END IF;
    ELSE
        IF TG_OP <> 'DELETE' THEN
            ids := ids || ARRAY(SELECT r.skill_id FROM new_rows r WHERE r.skill_id IS NOT NULL);
            proposals := proposals || ARRAY(SELECT r.proposal_id FROM new_rows r WHERE r.proposal_id IS NOT NULL);
        END IF;
        IF TG_OP <> 'INSERT' THEN
            ids := ids || ARRAY(SELECT r.skill_id FROM old_rows r WHERE r.skill_id IS NOT NULL);
            proposals := proposals || ARRAY(SELECT r.proposal_id FROM old_rows r WHERE r.proposal_id IS NOT NULL);
        END IF;
    END IF;
    IF cardinality(proposals) > 0 THEN
        ids := ids || ARRAY(SELECT p.skill_id FROM proposals_proposal p WHERE p.id = ANY(proposals));
    END IF;
    IF cardinality(ids) > 0 THEN
        slugs := slugs || ARRAY(SELECT s.slug::text FROM skills_skill s WHERE s.id = ANY(ids));
    END IF;
    FOR slug IN SELECT DISTINCT unnest(slugs) ORDER BY 1 LOOP
        PERFORM skills_mark_revision(TG_ARGV[0] || ':' || slug);
    END LOOP;
    RETURN NULL;
END
$$;
"""

OLD_BUMP_FUNCTION = """
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

TRANSITIONS = {
    "INSERT": "NEW TABLE AS new_rows",
    "UPDATE": "OLD TABLE AS old_rows NEW TABLE AS new_rows",
    "DELETE": "OLD TABLE AS old_rows",
}
SKILL_PAGES = (  # table, counter prefix, how a row names its skill
    ("skills_skill", "skill", "slug"),
    ("skills_expectation", "skill", "skill_id"),
    ("proposals_proposal", "talk", "skill_id"),
    ("proposals_proposalchange", "talk", "proposal_id"),
    ("proposals_comment", "talk", "skill_or_proposal"),
    ("proposals_watch", "watch", "skill_id"),
)
NAMES_TABLES = ("skills_domain", "skills_skillgroup", "skills_role", "skills_level", "skills_rolelevel")

TRIGGERS = [
    *(
        f"CREATE TRIGGER {table}_{prefix}_pages_{event.lower()} AFTER {event} ON {table} REFERENCING {referencing} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION skills_bump_skill_pages('{prefix}', '{found_by}');"
        for table, prefix, found_by in SKILL_PAGES
        for event, referencing in TRANSITIONS.items()
    ),
    *(
        f"CREATE TRIGGER {table}_bump_names AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
        "FOR EACH STATEMENT EXECUTE FUNCTION skills_bump_revision('names');"
        for table in NAMES_TABLES
    ),
    "CREATE TRIGGER auth_user_bump_names AFTER UPDATE OF username ON auth_user "
    "FOR EACH STATEMENT EXECUTE FUNCTION skills_bump_revision('names');",
    *(
        f"CREATE TRIGGER {table}_truncate_names AFTER TRUNCATE ON {table} "
        "FOR EACH STATEMENT EXECUTE FUNCTION skills_bump_revision('names');"
        for table, _prefix, _found_by in SKILL_PAGES
    ),
]
DROP_TRIGGERS = [
    *(
        f"DROP TRIGGER {table}_{prefix}_pages_{event.lower()} ON {table};"
        for table, prefix, _found_by in SKILL_PAGES
        for event in TRANSITIONS
    ),
    *(f"DROP TRIGGER {table}_bump_names ON {table};" for table in NAMES_TABLES),
    "DROP TRIGGER auth_user_bump_names ON auth_user;",
    *(f"DROP TRIGGER {table}_truncate_names ON {table};" for table, _prefix, _found_by in SKILL_PAGES),
]


class Migration(migrations.Migration):
    dependencies = [
        ("skills", "0013_catalog_translations"),
        ("proposals", "0009_undo_and_base_text"),
    ]

    operations = [
        migrations.AlterField(model_name="revision", name="name", field=models.CharField(max_length=200)),
        migrations.RunSQL(
            [MARK_FUNCTION, BUMP_FUNCTION, SKILL_PAGES_FUNCTION, *TRIGGERS],
            [
                *DROP_TRIGGERS,
                "DROP FUNCTION skills_bump_skill_pages();",
                OLD_BUMP_FUNCTION,
                "DROP FUNCTION skills_mark_revision(text);",
            ],
        ),
    ]
