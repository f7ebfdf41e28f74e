"""The counters' reads go by index (skills 0015): the table holds a row per write statement since its last
fold, thousands on a busy site, and a browser that has just written reads it on every request."""

import pytest
from django.db import connection

from skills.freshness import counters


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("sql", "params", "indexes"),
    [
        (
            counters._READ_REVISIONS,
            [["skill:some-skill", "talk:some-skill"]],
            ["skills_revision_groups", "skills_revision_name", "skills_revision_changed_at"],
        ),
        (counters._READ_SCOPED, [["skill:some-skill"]], ["skills_revision_name"]),
    ],
    ids=["groups-and-scoped", "scoped"],
)
def test_each_read_of_the_counters_can_go_by_index(sql, params, indexes):
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # what the planner picks on a large table
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Seq Scan" not in plan, plan
    assert all(index in plan for index in indexes), plan
