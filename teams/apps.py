from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TeamsConfig(AppConfig):
    name = "teams"
    verbose_name = _("Teams")

    def ready(self):
        from skills import merge as skill_merge
        from teams import merge

        # Assessments follow a skill merged into another (skills never imports teams).
        skill_merge.register(merge.participant)
