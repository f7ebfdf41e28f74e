"""`manage.py bootstrap`: the first admin (and, to try the product, a reviewer and a member), ready to sign in."""

import secrets

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction

from proposals.access import REVIEWERS_GROUP


class Command(BaseCommand):
    help = (
        "Create an admin (superuser) with a verified email address and, with --reviewer, --member or --demo "
        "(both), a reviewer (in the Reviewers group) and a member; print how to sign in. Users that exist are "
        "left as they are, unless --reset-passwords."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin", help="The admin's username (default: admin).")
        parser.add_argument("--email", help="The admin's email address (default: <username>@example.com).")
        parser.add_argument("--password", help="The admin's password (default: a generated one, printed).")
        parser.add_argument("--reviewer", action="store_true", help="Also a reviewer: user 'reviewer'.")
        parser.add_argument("--member", action="store_true", help="Also a member: user 'member'.")
        parser.add_argument("--demo", action="store_true", help="Both --reviewer and --member.")
        parser.add_argument(
            "--demo-password", help="The reviewer's and the member's password (default: generated ones, printed)."
        )
        parser.add_argument(
            "--reset-passwords",
            action="store_true",
            help="Give users that already exist the new (or given) passwords, and verify their addresses.",
        )

    def handle(self, *args, **options):
        wanted = [("admin", options["username"], options["email"], options["password"])]
        if options["reviewer"] or options["demo"]:
            wanted.append(("reviewer", "reviewer", None, options["demo_password"]))
        if options["member"] or options["demo"]:
            wanted.append(("member", "member", None, options["demo_password"]))
        lines = []
        kept = False
        with transaction.atomic():
            for kind, username, email, password in wanted:
                user, password, created = self._user(
                    kind, username, email or f"{username}@example.com", password, options["reset_passwords"]
                )
                kept |= password is None
                shown = password if password is not None else "(unchanged)"
                state = "created" if created else ("password reset" if password else "exists, left as it was")
                lines.append(f"  {kind:<9} email {user.email:<28} password {shown:<24} [{state}]")
        site = settings.SITE_URL
        self.stdout.write("Sign in with the email address and password:")
        self.stdout.write("\n".join(lines))
        self.stdout.write(f"Sign in:   {site}/accounts/login/")
        self.stdout.write(
            f"The admin: {site}/admin/ (make someone a reviewer: add them to the {REVIEWERS_GROUP!r} group)"
        )
        if kept:
            self.stdout.write("Run again with --reset-passwords to give existing users new passwords.")

    def _user(self, kind, username, email, password, reset):
        User = get_user_model()
        user = User.objects.filter(username=username).first()
        created = user is None
        if created:
            user = User(username=username, email=email)
        elif not reset:
            return user, None, False
        if not user.email:
            user.email = email
        if kind == "admin":
            user.is_staff = user.is_superuser = True
        password = password or secrets.token_urlsafe(12)
        user.set_password(password)
        user.save()
        if kind == "reviewer":
            user.groups.add(Group.objects.get_or_create(name=REVIEWERS_GROUP)[0])
        address = EmailAddress.objects.filter(user=user, email__iexact=user.email).first()
        if address is None:
            has_primary = EmailAddress.objects.filter(user=user, primary=True).exists()
            EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=not has_primary)
        elif not address.verified:
            address.verified = True
            address.save(update_fields=["verified"])
        return user, password, created
