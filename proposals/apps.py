from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProposalsConfig(AppConfig):
    name = "proposals"
    verbose_name = _("Community")

    def ready(self):
        from proposals import (
            checks,  # noqa: F401 - registers the system checks
            merge,
        )
        from skills import merge as skill_merge

        # Watchers, comments and proposals follow a skill merged into another (skills never imports proposals).
        skill_merge.register(merge.participant)
