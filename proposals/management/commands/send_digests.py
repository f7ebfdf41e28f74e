from django.core.management.base import BaseCommand

from proposals import notifications


class Command(BaseCommand):
    help = (
        "Mail each reviewer who chose the daily digest the proposals opened since their last digest that still "
        "wait for review. Run it once a day (cron, a systemd timer); running it again sends only what is new."
    )

    def handle(self, *args, **options):
        verbosity = options["verbosity"]

        def progress(username: str, count: int) -> None:
            if verbosity > 1 or (verbosity and count):
                if count:
                    self.stdout.write(f"{username}: a digest of {count} proposal{'s' if count != 1 else ''}.")
                else:
                    self.stdout.write(f"{username}: nothing new, no digest.")

        sent, asked = notifications.send_digests(progress=progress)
        if verbosity:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Sent {sent} digest{'s' if sent != 1 else ''} to the {asked} "
                    f"reviewer{'s' if asked != 1 else ''} who chose one."
                )
            )
