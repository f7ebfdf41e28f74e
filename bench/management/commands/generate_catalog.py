import sys
import time

from django.core.management.base import BaseCommand, CommandError

from bench.generate import PREFIX, GenerateError, generate_catalog
from bench.generate_teams import generate_teams


def positive(value: str) -> int:
    number = int(value)
    if number < 1:
        raise ValueError(value)
    return number


class Command(BaseCommand):
    help = (
        f"Add a synthetic, deterministic catalog (slugs starting with {PREFIX!r}) for scale tests: "
        "domains, groups, roles with families and level ranges, skills and their cells; "
        "with --teams, teams of 5 to 50 generated members with their assessments."
    )

    def add_arguments(self, parser):
        parser.add_argument("--skills", type=positive, required=True, help="Number of skills to generate.")
        parser.add_argument("--roles", type=positive, required=True, help="Number of roles to generate.")
        parser.add_argument("--seed", type=int, default=1, help="Same seed, same catalog (default 1).")
        parser.add_argument(
            "--replace-generated", action="store_true", help="Drop earlier generated rows first (same transaction)."
        )
        parser.add_argument("--batch-size", type=positive, default=5000, help="Cells per INSERT (whole skills).")
        parser.add_argument(
            "--teams",
            type=positive,
            help="Also make this many teams of 5 to 50 members with assessments (the first: 50 people on the "
            "generated role nearest 300 skills).",
        )

    def handle(self, *args, skills, roles, seed, replace_generated, batch_size, teams, **options):
        self._started = time.perf_counter()
        self._tty = sys.stderr.isatty()
        self._shown = -1
        self._label = "cells"
        try:
            stats = generate_catalog(
                skills=skills,
                roles=roles,
                seed=seed,
                replace_generated=replace_generated,
                batch_size=batch_size,
                progress=self._progress if options["verbosity"] > 0 else None,
            )
        except GenerateError as error:
            raise CommandError(str(error)) from None
        timings = ", ".join(f"{name} {seconds:.1f}s" for name, seconds in stats.timings.items())
        deleted = f" (dropped {stats.deleted:,} earlier generated rows)" if stats.deleted else ""
        self.stdout.write(self.style.SUCCESS(f"Generated {stats}{deleted} in {timings}."))
        if teams:
            self._started, self._shown, self._label = time.perf_counter(), -1, "members"
            made = generate_teams(teams=teams, seed=seed, progress=self._progress if options["verbosity"] > 0 else None)
            timings = ", ".join(f"{name} {seconds:.1f}s" for name, seconds in made.timings.items())
            self.stdout.write(self.style.SUCCESS(f"Generated {made} in {timings}."))

    def _progress(self, done: int, total: int) -> None:
        percent = done * 100 // max(total, 1)
        if not self._tty and percent < 100 and percent // 10 == self._shown // 10:
            return  # a log file gets one line per 10%, a terminal a redrawn bar
        self._shown = percent
        bar = "#" * (percent // 4) + "." * (25 - percent // 4)
        elapsed = time.perf_counter() - self._started
        line = f"  {self._label} [{bar}] {percent:3d}% {done:,}/{total:,} {elapsed:.0f}s"
        self.stderr.write(("\r" + line) if self._tty else line, ending="\n" if not self._tty or done >= total else "")
        self.stderr.flush()
