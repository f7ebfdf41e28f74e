"""Today's SQL of the revision counters, as the migrations left it (skills 0004, 0006-0008; proposals 0003, 0004;
teams 0002; accounts 0002; growth 0002).

Each migration keeps the SQL it ran; this module is where a reader finds the current
definition, and where a new migration copies it from before changing it.
tests/skills/test_revision_sql.py checks it against a migrated database.
"""

from dataclasses import dataclass

# skills 0008: insert a mark, now and then fold the counter's committed marks into one (same sum, same
# greatest stamp), and announce the mark (counter, stamp, transaction, time in microseconds) at commit.
BUMP_FUNCTION = """
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

FUNCTIONS = {"skills_bump_revision": BUMP_FUNCTION, "skills_revision_reset": RESET_FUNCTION}

WRITES = ("INSERT", "UPDATE", "DELETE", "TRUNCATE")


@dataclass(frozen=True)
class Trigger:
    """A per-statement AFTER trigger calling `function` with `argument` (if any)."""

    table: str
    name: str
    function: str
    argument: str | None = None
    events: tuple[str, ...] = WRITES

    def create_sql(self) -> str:
        call = f"{self.function}('{self.argument}')" if self.argument else f"{self.function}()"
        return (
            f"CREATE TRIGGER {self.name} AFTER {' OR '.join(self.events)} ON {self.table} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {call};"
        )


def _bump(table: str, counter: str) -> Trigger:
    return Trigger(table, f"{table}_bump_{counter}", "skills_bump_revision", counter)


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
)
