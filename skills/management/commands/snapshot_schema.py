import json
from pathlib import Path

from django.core.management.base import BaseCommand
from django.db import connection

from skills import schema_snapshot


class Command(BaseCommand):
    help = (
        "Write fixtures/schema.sql, the schema that `migrate` builds in an empty database, which `make run` "
        "loads into a fresh database instead of applying each migration (skills/schema_snapshot.py). "
        "Run it after changing a migration that the snapshot holds."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", default=str(schema_snapshot.SNAPSHOT), help="Where to write it.")

    def handle(self, *args, output, **options):
        connection.ensure_connection()  # the embedded server's socket is known from here on
        with schema_snapshot.Scratch("schema_snapshot") as name:
            schema_snapshot.run_in(name, "migrate", "--no-input", "-v0")
            sql = schema_snapshot.dump(name, "--rows-per-insert=1000")
        held = schema_snapshot.migration_hashes()
        text = schema_snapshot.HEADER + json.dumps(held, separators=(",", ":")) + "\n"
        text += schema_snapshot.clean_dump(sql)
        Path(output).write_text(text, encoding="utf-8")
        self.stdout.write(f"Wrote {output}: the schema of {len(held)} migrations.")
