import sys
from pathlib import Path

from django.core.management.base import BaseCommand

from skills.catalog_io import dumps, export_catalog


class Command(BaseCommand):
    help = "Write the whole catalog as JSON (stable order), to a file or standard output."

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", help="File to write; standard output when omitted.")

    def handle(self, *args, output=None, **options):
        text = dumps(export_catalog())
        if output:
            Path(output).write_text(text, encoding="utf-8")
            self.stderr.write(f"Wrote {output} ({len(text.encode()):,} bytes).")
        else:
            sys.stdout.write(text)
