"""The counters' reads by index, not by reading the whole table (skills/freshness/counters.py).

A page that cannot ask the listener (a browser that has just written, or a process without it) reads the
counters of groups of tables ("catalog", "teams": no ":" in the name), the skill page's own it asks for,
and the time of the last change. The table holds a row per write statement since its counter was last
folded (skills_mark_revision, every 32 stamps), thousands of rows with a skill page's counters: each read
went through all of them twice (1.1 ms on the bench's big catalog; 0.2 ms by index). The fold finds its
counter's rows by name too.
"""

from django.db import migrations

INDEXES = """
CREATE INDEX skills_revision_name ON skills_revision (name);
CREATE INDEX skills_revision_groups ON skills_revision (name) WHERE strpos(name, ':') = 0;
CREATE INDEX skills_revision_changed_at ON skills_revision (changed_at);
"""

DROP_INDEXES = """
DROP INDEX skills_revision_name;
DROP INDEX skills_revision_groups;
DROP INDEX skills_revision_changed_at;
"""


class Migration(migrations.Migration):
    dependencies = [("skills", "0014_skill_page_revisions")]

    operations = [migrations.RunSQL(INDEXES, DROP_INDEXES)]
