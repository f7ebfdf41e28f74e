"""Every revision mark also notifies listeners (channel skillmatrix_revision) when its transaction commits.

Server processes keep their copy of the counters from these notifications
(skills/freshness.py), so a cached page costs no query at all; PostgreSQL sends a
notification only at commit, and one per transaction and counter.
"""

from django.db import migrations

from skills.migrations import _revision_sql

OLD_FUNCTION = _revision_sql.FOLDING_FUNCTION % {"notify": ""}
FUNCTION = _revision_sql.FOLDING_FUNCTION % {"notify": "PERFORM pg_notify('skillmatrix_revision', TG_ARGV[0]);"}


class Migration(migrations.Migration):
    dependencies = [("skills", "0006_revision_log")]

    operations = [migrations.RunSQL(FUNCTION, OLD_FUNCTION)]
