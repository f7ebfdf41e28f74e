"""A member's growth plan: the role and level they are at, and the items of the next level they ticked."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from skills.models import Expectation, Level, Proficiency, Role

# The revision counter every write of ticks moves (growth 0002), beside skills.freshness's CATALOG and TEAMS.
PLANS_REVISION = "plans"


class PlanProfile(models.Model):
    """Where a member stands. The row exists once they chose a role and a level.

    Both are required, so that "set" means one thing everywhere; deleting the
    role or the level deletes the row and the member is asked to choose again.
    Whether the level is one of the role's levels is checked by the service
    (RoleLevel can change later, so the plan page copes with a level the role
    no longer has).
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="growth_plan")
    role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="+")
    level = models.ForeignKey(Level, on_delete=models.CASCADE, related_name="+")
    updated = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("growth plan")
        verbose_name_plural = _("growth plans")

    def __str__(self) -> str:
        return f"{self.user} · {self.role} · {self.level}"


class Tick(models.Model):
    """A member's "done" on one cell, with the cell's content as it was when they ticked it.

    The tick belongs to the cell, not to its text: when the cell is edited
    later the tick stays, and the stored text shows what changed since.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="growth_ticks")
    expectation = models.ForeignKey(Expectation, on_delete=models.CASCADE, related_name="growth_ticks")
    version = models.PositiveIntegerField(_("version ticked"))
    description = models.TextField(_("description ticked"))
    required = models.BooleanField(_("required when ticked"))
    proficiency = models.CharField(_("proficiency when ticked"), max_length=16, choices=Proficiency.choices)
    ticked = models.DateTimeField(_("ticked"), default=timezone.now)
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("tick")
        verbose_name_plural = _("ticks")
        constraints = [
            models.UniqueConstraint(fields=["user", "expectation"], name="tick_unique_user_cell"),
            models.CheckConstraint(condition=Q(version__gte=1), name="tick_version_positive"),
            models.CheckConstraint(condition=~Q(description=""), name="tick_description_not_empty"),
            models.CheckConstraint(condition=Q(proficiency__in=Proficiency.values), name="tick_valid_proficiency"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.expectation_id} · v{self.version}"
