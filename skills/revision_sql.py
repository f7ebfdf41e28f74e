"""Today's SQL of the revision counters, as the migrations left it (skills 0004, 0006-0008, 0014; proposals 0003,
0004; teams 0002; accounts 0002; growth 0002).

Each migration keeps the SQL it ran; this module is where a reader finds the current
definition, and where a new migration copies it from before changing it.
tests/skills/test_revision_sql.py checks it against a migrated database.
"""

from dataclasses import dataclass

# skills 0014 (first written in 0008): insert a mark, now and then fold the counter's committed marks into one
# (same sum, same greatest stamp), and announce the mark (counter, stamp, transaction, time in microseconds) at
# commit. The per-statement triggers of one counter call it through skills_bump_revision, the skill pages'
# triggers once for each skill a statement touched (skills_bump_skill_pages).
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

# skills 0014: the counters of one skill's page, "skill:<slug>" (the skill and its expectations), "talk:<slug>"
# (its proposals, their changes and comments) and "watch:<slug>" (its watches), moved once for each skill a statement
# touched, found in the statement's rows (transition tables new_rows and old_rows). TG_ARGV[0] is the counter's
# prefix, TG_ARGV[1] how a row names its skill: "slug" (a skill's own row), "skill_id", "proposal_id", or
# "skill_or_proposal" (a comment is on one or the other).
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

# skills 0008: any other change to the counters' table tells listeners to read it again.
RESET_FUNCTION = """
CREATE OR REPLACE FUNCTION skills_revision_reset() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF pg_trigger_depth() = 1 THEN
        PERFORM pg_notify('skillmatrix_revision', 'reset');
    END IF;
    RETURN NULL;
END
$$;
"""

FUNCTIONS = {
    "skills_mark_revision": MARK_FUNCTION,
    "skills_bump_revision": BUMP_FUNCTION,
    "skills_bump_skill_pages": SKILL_PAGES_FUNCTION,
    "skills_revision_reset": RESET_FUNCTION,
}

WRITES = ("INSERT", "UPDATE", "DELETE", "TRUNCATE")


@dataclass(frozen=True)
class Trigger:
    """A per-statement AFTER trigger calling `function` with `argument` (if any)."""

    table: str
    name: str
    function: str
    argument: str | tuple[str, ...] | None = None
    events: tuple[str, ...] = WRITES
    referencing: str = ""  # the transition tables a trigger of one event reads: "NEW TABLE AS new_rows"

    def create_sql(self) -> str:
        arguments = (self.argument,) if isinstance(self.argument, str) else self.argument or ()
        call = f"{self.function}({', '.join(f"'{argument}'" for argument in arguments)})"
        referencing = f"REFERENCING {self.referencing} " if self.referencing else ""
        return (
            f"CREATE TRIGGER {self.name} AFTER {' OR '.join(self.events)} ON {self.table} "
            f"{referencing}FOR EACH STATEMENT EXECUTE FUNCTION {call};"
        )


def _bump(table: str, counter: str) -> Trigger:
    return Trigger(table, f"{table}_bump_{counter}", "skills_bump_revision", counter)


# A trigger with transition tables fires on one event only (PostgreSQL): three per table.
_TRANSITIONS = {
    "INSERT": "NEW TABLE AS new_rows",
    "UPDATE": "OLD TABLE AS old_rows NEW TABLE AS new_rows",
    "DELETE": "OLD TABLE AS old_rows",
}


def _skill_pages(table: str, prefix: str, found_by: str) -> tuple[Trigger, ...]:
    return tuple(
        Trigger(
            table,
            f"{table}_{prefix}_pages_{event.lower()}",
            "skills_bump_skill_pages",
            (prefix, found_by),
            (event,),
            referencing,
        )
        for event, referencing in _TRANSITIONS.items()
    )


CATALOG_TABLES = (  # skills 0004
    "skills_domain",
    "skills_skillgroup",
    "skills_skill",
    "skills_role",
    "skills_level",
    "skills_rolelevel",
    "skills_expectation",
)
COMMUNITY_TABLES = ("proposals_proposal", "proposals_proposalchange", "proposals_comment", "proposals_watch")
# skills 0014: what a skill page shows besides its own skill's rows.
NAMES_TABLES = ("skills_domain", "skills_skillgroup", "skills_role", "skills_level", "skills_rolelevel")
SKILL_PAGE_TABLES = ("skills_skill", "skills_expectation", *COMMUNITY_TABLES)
NAMES, SKILL, TALK, WATCH = "names", "skill", "talk", "watch"  # skills.freshness.counters
TEAMS_TABLES = ("teams_team", "teams_membership", "teams_assessment", "growth_planprofile")  # teams 0002

TRIGGERS = (
    *(_bump(table, "catalog") for table in CATALOG_TABLES),
    *(_bump(table, "community") for table in COMMUNITY_TABLES),  # proposals 0003
    # proposals 0004: cached Community blocks show authors' names.
    Trigger("auth_user", "auth_user_bump_community", "skills_bump_revision", "community", ("UPDATE OF username",)),
    *(_bump(table, "teams") for table in TEAMS_TABLES),
    # teams 0002: the cached heatmap shows usernames.
    Trigger("auth_user", "auth_user_bump_teams", "skills_bump_revision", "teams", ("UPDATE OF username",)),
    # accounts 0002: members' whole pages and the per-process sessions and users (skills/freshness/members.py).
    *(
        _bump(table, "members")
        for table in ("auth_user_groups", "auth_group", "auth_user_user_permissions", "auth_group_permissions")
    ),
    Trigger(
        "auth_user",
        "auth_user_bump_members",
        "skills_bump_revision",
        "members",
        ("UPDATE OF username, password, first_name, last_name, email, is_active, is_staff, is_superuser", "DELETE"),
    ),
    Trigger("django_session", "django_session_bump_sessions", "skills_bump_revision", "sessions", WRITES[1:]),
    _bump("growth_tick", "plans"),  # growth 0002: the cached growth plan
    Trigger("skills_revision", "skills_revision_reset", "skills_revision_reset"),  # skills 0008
    # skills 0014: each skill page's own counters (skills.freshness.counters.skill_page), and "names" for what
    # every skill page shows besides its skill: the taxonomy's and roles' names, and the people's.
    *_skill_pages("skills_skill", SKILL, "slug"),
    *_skill_pages("skills_expectation", SKILL, "skill_id"),
    *_skill_pages("proposals_proposal", TALK, "skill_id"),
    *_skill_pages("proposals_proposalchange", TALK, "proposal_id"),
    *_skill_pages("proposals_comment", TALK, "skill_or_proposal"),
    *_skill_pages("proposals_watch", WATCH, "skill_id"),
    *(_bump(table, NAMES) for table in NAMES_TABLES),
    Trigger("auth_user", "auth_user_bump_names", "skills_bump_revision", NAMES, ("UPDATE OF username",)),
    # Emptying a table the skill counters are found in moves every skill page.
    *(
        Trigger(table, f"{table}_truncate_names", "skills_bump_revision", NAMES, ("TRUNCATE",))
        for table in SKILL_PAGE_TABLES
    ),
)
