from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GrowthConfig(AppConfig):
    name = "growth"
    verbose_name = _("Growth plans")

    def ready(self):
        from growth import merge
        from skills import merge as skill_merge

        # Ticks on a merged skill's clashing cells follow to the target's cells (skills never imports growth).
        skill_merge.register(merge.participant)
