"""Writes of the accounts part: the member's API token and email settings.

Each function runs in one transaction and first locks the user's row, so that two requests
for one member (two clicks, two tabs, a script and a page) take turns: of two creations, the
second replaces the first's token (never a unique violation on the token's user), and a
creation racing a revocation ends in one or no token, as either order would. The lock order
is the user's row, then the token row; a password change (accounts/signals.py) updates the
user's row, and so takes its turn too.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from rest_framework.authtoken.models import Token

from accounts.emails import TOPIC_OFF, Topic
from accounts.models import EmailSettings, ReviewNotices

EDITABLE_EMAIL_SETTINGS = {"language", "review_notices", "watch_notices", "own_notices"}


def _lock_user(user: AbstractBaseUser) -> None:
    get_user_model().objects.select_for_update().filter(pk=user.pk).values_list("pk").first()


@transaction.atomic
def token_create(*, user: AbstractBaseUser) -> Token:
    """A new API token for the user; any earlier token stops working."""
    _lock_user(user)
    Token.objects.filter(user=user).delete()
    return Token.objects.create(user=user)


@transaction.atomic
def token_revoke(*, user: AbstractBaseUser) -> int:
    """Remove the user's API token; how many there were (0 or 1)."""
    _lock_user(user)
    deleted, _per_model = Token.objects.filter(user=user).delete()
    return deleted


# --- Email settings --------------------------------------------------------------


@transaction.atomic
def email_settings_save(*, user: AbstractBaseUser, **values) -> EmailSettings:
    """Save the member's email settings (the fields given; the others keep their value or default)."""
    unknown = set(values) - EDITABLE_EMAIL_SETTINGS
    if unknown:
        raise TypeError(f"Not an email setting: {', '.join(sorted(unknown))}")
    _lock_user(user)
    row, _created = EmailSettings.objects.get_or_create(user=user)
    if values.get("review_notices") == ReviewNotices.DAILY and row.review_notices != ReviewNotices.DAILY:
        # The first digest starts now: what opened before came, or did not come, by the earlier choice.
        row.last_digest = timezone.now()
    for name, value in values.items():
        setattr(row, name, value)
    row.full_clean()
    row.save()
    return row


def unsubscribe(*, user: AbstractBaseUser, topic: Topic) -> EmailSettings:
    """Stop the member's notices of one topic (what an unsubscribe link does); saying it twice changes nothing."""
    return email_settings_save(user=user, **TOPIC_OFF[topic])
