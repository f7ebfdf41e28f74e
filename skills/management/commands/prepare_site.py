from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection


class Command(BaseCommand):
    help = (
        "Make the database ready to serve, in one process: apply migrations, create the cache table, and load "
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
