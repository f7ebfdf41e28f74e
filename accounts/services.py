"""Writes of the accounts part: the member's API token.

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
from rest_framework.authtoken.models import Token


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
