from django.core.management.commands import shell

from skills.audit import audit_context


class Command(shell.Command):
    """Django's shell, with catalog writes marked as coming from the shell in the audit trail."""

    def handle(self, **options):
        with audit_context(source="shell"):
            return super().handle(**options)
