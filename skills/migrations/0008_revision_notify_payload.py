"""Notifications carry the mark they announce, so listeners count commits without reading the table.

Under steady writes each commit made every server process's listener read the
counters again (skills/freshness.py): as many reads as commits times processes, on a
table that grows dead rows between vacuums. Now the payload names the counter, the
stamp, the writing transaction and the time; a listener reads the table once, with
its snapshot, and adds every later mark whose transaction that snapshot did not see.
"""

from django.db import migrations

from skills.migrations import _revision_sql

OLD_FUNCTION = _revision_sql.FOLDING_FUNCTION % {"notify": "PERFORM pg_notify('skillmatrix_revision', TG_ARGV[0]);"}


class Migration(migrations.Migration):
    dependencies = [("skills", "0007_revision_notify")]

    operations = [
        migrations.RunSQL(_revision_sql.PAYLOAD_FUNCTION, OLD_FUNCTION),
        migrations.RunSQL(_revision_sql.RESET, _revision_sql.DROP_RESET),
    ]
