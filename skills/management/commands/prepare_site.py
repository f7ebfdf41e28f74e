from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection

from skills import schema_snapshot


class Command(BaseCommand):
    help = (
        "Make the database ready to serve, in one process: apply migrations (into a new database: first the schema "
        "of fixtures/schema.sql), create the cache table, and load "
        "the catalog file when the catalog has no skills (what `make run` does before it serves)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The catalog JSON file loaded into an empty catalog.")
        parser.add_argument(
            "--runserver",
            metavar="ADDRESS",
            help="Then serve on ADDRESS (host:port) with Django's server, in this process (no reloader).",
        )

    def handle(self, *args, file, runserver=None, **options):
        verbosity = options["verbosity"]
        cache_tables = {
            cache["LOCATION"]
            for cache in settings.CACHES.values()
            if cache["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
        }
        had_tables = set(connection.introspection.table_names())
        if not had_tables:
            # A fresh database: the migrations' schema in one transaction, not migration by migration
            # (skills/schema_snapshot.py); migrate below applies those added since.
            held = schema_snapshot.usable()
            if held:
                schema_snapshot.load()
                if verbosity:
                    name = schema_snapshot.SNAPSHOT.relative_to(settings.BASE_DIR)
                    self.stdout.write(f"Loaded the schema of {len(held)} migrations from {name} (a new database).")
        # A fresh database takes dozens of small transactions here; none needs to wait for its flush to disk
        # (a crash now loses nothing the next start would not redo).
        with connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit TO off")
        call_command("migrate", interactive=False, verbosity=verbosity)
        # The migrations create the cache table; this covers a CACHES location changed since.
        call_command("createcachetable", verbosity=0)
        if verbosity:
            for table in sorted(cache_tables - had_tables):
                self.stdout.write(f"Created the cache table {table}.")
        call_command("import_catalog", file, if_empty=True, verbosity=verbosity)
        with connection.cursor() as cursor:
            cursor.execute("RESET synchronous_commit")
        if runserver:
            # The migrations above ran the system checks.
            call_command("runserver", runserver, use_reloader=False, skip_checks=True)
