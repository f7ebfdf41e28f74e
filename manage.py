#!/usr/bin/env python
import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "skillmatrix.settings")
    # manage.py is the development tool: DEBUG defaults to on here. The WSGI app (production)
    # has no such default, and production exports DEBUG=false for its commands too (README).
    os.environ.setdefault("DEBUG", "true")
    # bin/serve (make run) asks for it: the embedded database starts while Django loads (no DATABASE_URL).
    if os.environ.pop("EMBEDDED_DB_START_EARLY", "") and not os.environ.get("DATABASE_URL"):
        from skillmatrix import embedded_db

        embedded_db.start_early()
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
