"""Teams of members, and the assessments of their skills: by the member themself and by a team lead.

An assessment is never updated: each change is a new dated row, and the
latest per (subject, kind, skill) is the current one. It keeps the cell it was
made against (the skill at the subject's role and the assessed level) with
that cell's version and text, so that a later edit of the cell shows as
"made against an older text", as growth-plan ticks do.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from skills.diff import Segment, word_diff
from skills.models import Expectation, Level, Role, Skill

NOTE_MAX_LENGTH = 2000  # an assessment's evidence note (Markdown)
EVIDENCE_URL_MAX_LENGTH = 500
TEAM_NAME_MAX_LENGTH = 120


class Team(models.Model):
    name = models.CharField(_("name"), max_length=TEAM_NAME_MAX_LENGTH)
    slug = models.SlugField(_("slug"), max_length=TEAM_NAME_MAX_LENGTH, unique=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["name", "slug"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("teams:team", args=[self.slug])


class MembershipRole(models.TextChoices):
    LEAD = "lead", pgettext_lazy("team role", "Lead")  # not the level called Lead
    MEMBER = "member", _("Member")


class MembershipStatus(models.TextChoices):
    INVITED = "invited", _("Invited")
    ACTIVE = "active", _("Active")


class MembershipQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=MembershipStatus.ACTIVE)

    def invited(self):
        return self.filter(status=MembershipStatus.INVITED)

    def leads(self):
        return self.active().filter(role=MembershipRole.LEAD)


class Membership(models.Model):
    """A user in a team. A team keeps at least one active lead: the services refuse to remove the last."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="team_memberships")
    role = models.CharField(_("role"), max_length=8, choices=MembershipRole.choices, default=MembershipRole.MEMBER)
    status = models.CharField(
        _("status"), max_length=8, choices=MembershipStatus.choices, default=MembershipStatus.INVITED
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["team", "user__username"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["team", "user"], name="membership_unique_team_user"),
            models.CheckConstraint(condition=Q(role__in=MembershipRole.values), name="membership_valid_role"),
            models.CheckConstraint(condition=Q(status__in=MembershipStatus.values), name="membership_valid_status"),
            # A lead is an active member: an invitation is always to be a member.
            models.CheckConstraint(
                condition=Q(role=MembershipRole.MEMBER) | Q(status=MembershipStatus.ACTIVE),
                name="membership_lead_is_active",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.team} · {self.user} · {self.role} · {self.status}"

    @property
    def is_lead(self) -> bool:
        return self.role == MembershipRole.LEAD and self.status == MembershipStatus.ACTIVE

    @property
    def is_active(self) -> bool:
        return self.status == MembershipStatus.ACTIVE


class AssessmentKind(models.TextChoices):
    SELF = "self", _("Self assessment")
    LEAD = "lead", _("Lead assessment")


class AssessmentQuerySet(models.QuerySet):
    def current(self):
        """The latest row per (subject, kind, skill): the current assessments (DISTINCT ON, one query)."""
        return self.order_by("subject_id", "kind", "skill_id", "-created", "-id").distinct(
            "subject_id", "kind", "skill_id"
        )


class Assessment(models.Model):
    """The level whose expectation the subject meets in a skill, in the assessor's view ("none": no level)."""

    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assessments", verbose_name=_("subject")
    )
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assessments_made", verbose_name=_("assessor")
    )
    kind = models.CharField(_("kind"), max_length=8, choices=AssessmentKind.choices)
    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="assessments", verbose_name=_("skill"))
    role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="+", verbose_name=_("role"))
    level = models.ForeignKey(
        Level, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("level")
    )
    # The cell (skill, role, level) when there was one; its version and text as they were are kept below.
    expectation = models.ForeignKey(
        Expectation, on_delete=models.SET_NULL, null=True, blank=True, related_name="assessments"
    )
    version = models.PositiveIntegerField(_("version assessed against"), null=True, blank=True)
    description = models.TextField(_("description assessed against"), blank=True)
    evidence_url = models.URLField(_("evidence link"), max_length=EVIDENCE_URL_MAX_LENGTH, blank=True)
    note = models.TextField(_("note"), blank=True, max_length=NOTE_MAX_LENGTH, help_text=_("Markdown."))
    created = models.DateTimeField(_("created"), default=timezone.now)

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        indexes = [models.Index(fields=["subject", "kind", "skill", "-created"], name="assessment_current")]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=AssessmentKind.values), name="assessment_valid_kind"),
            models.CheckConstraint(
                condition=(Q(kind=AssessmentKind.SELF) & Q(assessor=F("subject")))
                | (Q(kind=AssessmentKind.LEAD) & ~Q(assessor=F("subject"))),
                name="assessment_kind_matches_assessor",
            ),
            models.CheckConstraint(
                condition=Q(version__isnull=True, description="")
                | (Q(version__gte=1, level__isnull=False) & ~Q(description="")),
                name="assessment_version_with_text",
            ),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length(F("note")), NOTE_MAX_LENGTH), name="assessment_note_max_length"
            ),
        ]

    def __str__(self) -> str:
        level = self.level.name if self.level_id else _("none")
        return f"{self.subject} · {self.skill} · {self.kind} · {level}"

    @property
    def made_against_older_text(self) -> bool:
        """The cell it was made against changed since (or is gone); needs `expectation` loaded.

        The text is compared too: a row moved onto another skill's cell by a merge (teams/merge.py) may
        carry the same version number as that cell's different text.
        """
        return self.version is not None and (
            self.expectation is None
            or self.expectation.version != self.version
            or self.expectation.description != self.description
        )

    def text_segments(self) -> list[Segment]:
        """The text it was made against → the cell's text now."""
        if not self.made_against_older_text or self.expectation is None:
            return []
        return word_diff(self.description, self.expectation.description)
