"""A member's email settings: the language their emails are written in, and which notices they get.

A member without a row has the defaults below (and the site's language); the row is written when they save
the settings, sign up, or follow an unsubscribe link.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

LANGUAGE_MAX_LENGTH = 16


class ReviewNotices(models.TextChoices):
    EACH = "each", _("Each time a proposal opens")
    DAILY = "daily", _("A daily digest")
    NEVER = "never", _("Never")


class EmailSettings(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_settings", verbose_name=_("user")
    )
    language = models.CharField(
        _("language of emails"),
        max_length=LANGUAGE_MAX_LENGTH,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("Empty: the site's language."),
    )
    review_notices = models.CharField(
        _("proposals waiting for review"),
        max_length=16,
        choices=ReviewNotices.choices,
        default=ReviewNotices.EACH,
        help_text=_("For reviewers: a notice when a proposal opens."),
    )
    watch_notices = models.BooleanField(
        _("proposals on skills I watch"), default=True, help_text=_("When one opens or is decided.")
    )
    own_notices = models.BooleanField(
        _("my proposals"), default=True, help_text=_("When one is decided or someone comments on it.")
    )
    last_digest = models.DateTimeField(
        _("last digest"),
        null=True,
        blank=True,
        help_text=_("The moment the last daily digest covered proposals up to; the next one starts there."),
    )

    class Meta:
        verbose_name = _("email settings")
        verbose_name_plural = _("email settings")
        constraints = [
            models.CheckConstraint(
                condition=Q(review_notices__in=ReviewNotices.values), name="emailsettings_valid_review_notices"
            ),
            models.CheckConstraint(
                condition=Q(language="") | Q(language__in=[code for code, _name in settings.LANGUAGES]),
                name="emailsettings_valid_language",
            ),
        ]
        indexes = [
            # The daily digest run reads the reviewers who chose it.
            models.Index(fields=["review_notices"], name="emailsettings_daily", condition=Q(review_notices="daily")),
        ]

    def __str__(self) -> str:
        return str(self.user)
