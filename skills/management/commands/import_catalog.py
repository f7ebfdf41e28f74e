import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from skillmatrix.exceptions import Conflict
from skills.catalog_io import CatalogError, import_catalog
from skills.models import Skill


class Command(BaseCommand):
    help = (
        "Create or update the catalog from a JSON file (as written by export_catalog), "
        "matching records by slug. A file with any error is refused whole."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The catalog JSON file.")
        parser.add_argument("--if-empty", action="store_true", help="Do nothing when the catalog already has skills.")

    def handle(self, *args, file, if_empty=False, **options):
        if if_empty and Skill.objects.exists():
            self.stdout.write("The catalog already has skills; nothing imported.")
            return
        path = Path(file)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise CommandError(f"{file}: no such file.") from None
        except UnicodeDecodeError as error:
            raise CommandError(f"{file}: not UTF-8 text ({error.reason} at byte {error.start}).") from None
        except json.JSONDecodeError as error:
            raise CommandError(
                f"{file}: not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}."
            ) from None
        try:
            stats = import_catalog(data, progress=self._progress, source_name=path.name)
        except CatalogError as error:
            shown = error.errors[:50]
            more = len(error.errors) - len(shown)
            lines = "\n".join(f"  {message}" for message in shown)
            if more:
                lines += f"\n  … and {more} more"
            raise CommandError(f"{file}: nothing imported, {len(error.errors)} error(s):\n{lines}") from None
        except Conflict as error:  # deadlocks with concurrent writes, after the retries: nothing imported
            raise CommandError(f"{file}: nothing imported: {error.message}") from None
        self.stdout.write(self.style.SUCCESS(f"Imported {file}: {stats}."))

    def _progress(self, done: int, total: int) -> None:
        step = max(1, total // 20)
        if done == total or done % step == 0:
            self.stderr.write(f"  skills {done:,}/{total:,} ({done * 100 // total}%)")
