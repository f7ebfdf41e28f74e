from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProposalsConfig(AppConfig):
    name = "proposals"
    verbose_name = _("Community")

    def ready(self):
        from proposals import checks  # noqa: F401 - registers the system checks
