"""Every statement that writes ticks moves the "plans" revision (growth.models.PLANS_REVISION).

A member's growth plan page is cached whole under it, the catalog's and the teams' (growth plans, that
is the member's role and level, move "teams": teams 0002): a tick or an undo renders the plan afresh.
Ticks have a counter of their own so that they leave the team heatmaps' caches alone. The function is
skills 0008's.
"""

from django.db import migrations

TRIGGER = (
    "CREATE TRIGGER growth_tick_bump_plans AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON growth_tick "
    "FOR EACH STATEMENT EXECUTE FUNCTION skills_bump_revision('plans');"
)


class Migration(migrations.Migration):
    dependencies = [
        ("growth", "0001_initial"),
        ("skills", "0008_revision_notify_payload"),
    ]

    operations = [migrations.RunSQL(TRIGGER, "DROP TRIGGER growth_tick_bump_plans ON growth_tick;")]
