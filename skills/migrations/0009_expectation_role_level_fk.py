"""A cell's role has the cell's level: skills_expectation (role_id, level_id) references skills_rolelevel.

Until now only the code checked it (skills.services.cell_validate, the import's validation), and
deleting a role's level in the admin left its cells behind. The constraint holds for every writer.

- Cells that already sit at a level their role lacks get the role level back (empty stack and focus)
  rather than being deleted: the migration loses no content.
- RESTRICT on delete and on update: a role level that has cells can be neither removed nor moved to
  another level (the admin says so; Level and Role were already protected by the cells' own keys).
- Not DEFERRABLE: every writer creates a role's levels before its cells (the import writes roles and
  their levels before skills), and an immediate refusal names the statement that broke the rule.

The referenced columns carry the unique constraint rolelevel_unique_role_level; the referencing ones
the index expectation_role_level.
"""

from django.db import migrations

ADD_MISSING_ROLE_LEVELS = """
INSERT INTO skills_rolelevel (role_id, level_id, stack, focus)
SELECT DISTINCT e.role_id, e.level_id, '', ''
FROM skills_expectation e
WHERE NOT EXISTS (
    SELECT 1 FROM skills_rolelevel rl WHERE rl.role_id = e.role_id AND rl.level_id = e.level_id
);
"""

ADD_CONSTRAINT = """
ALTER TABLE skills_expectation
    ADD CONSTRAINT expectation_role_level_fk FOREIGN KEY (role_id, level_id)
    REFERENCES skills_rolelevel (role_id, level_id)
    ON UPDATE RESTRICT ON DELETE RESTRICT;
"""

DROP_CONSTRAINT = "ALTER TABLE skills_expectation DROP CONSTRAINT expectation_role_level_fk;"


class Migration(migrations.Migration):
    dependencies = [("skills", "0008_revision_notify_payload")]

    operations = [
        # Going back keeps the role levels added here: they are ordinary rows by then.
        migrations.RunSQL(ADD_MISSING_ROLE_LEVELS, migrations.RunSQL.noop),
        migrations.RunSQL(ADD_CONSTRAINT, DROP_CONSTRAINT),
    ]
