from django.core.management.base import BaseCommand, CommandError

from proposals import notifications


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


class Command(BaseCommand):
    help = (
        "Mail each reviewer who chose the daily digest the proposals opened since their last digest that still "
        "wait for review. Run it once a day (cron, a systemd timer); running it again sends only what is new."
    )

    def handle(self, *args, **options):
        verbosity = options["verbosity"]

        def progress(username: str, count: int | None) -> None:
            if count is None:
                self.stderr.write(f"{username}: the digest failed (logged); the next run tries again.")
            elif count and verbosity:
                self.stdout.write(f"{username}: a digest of {plural(count, 'proposal')}.")
            elif verbosity > 1:
                self.stdout.write(f"{username}: nothing new, no digest.")

        run = notifications.send_digests(progress=progress)
        if verbosity:
            self.stdout.write(
                f"Sent {plural(run.sent, 'digest')} to the {plural(run.reviewers, 'reviewer')} who chose one."
            )
        if run.failed:
            raise CommandError(f"{plural(len(run.failed), 'digest')} failed: {', '.join(run.failed)}.")
