"""Receivers of the accounts part: a password change revokes the API token; a verified address
is its verifier's alone (release_unverified_copies, at the end).

A password change revokes the member's API token, whichever way the password changed.

One receiver on the user model's save rather than allauth's password_changed / password_reset /
password_set signals: those fire on allauth's pages only, while the admin's password form and
`manage.py changepassword` save the user directly. Every path ends in a save of the user with
a new hash, so the hash the row had when loaded is compared with the one being saved. The
other sessions need nothing here: Django keys each session to the password hash
(get_session_auth_hash) and ends those made with the old one; allauth keeps the current one
(ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE is False).
"""

from allauth.account.models import EmailAddress
from allauth.account.signals import password_changed, password_reset, password_set
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.db.models.signals import post_init, post_save
from django.dispatch import receiver
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

User = get_user_model()

_UNKNOWN = object()


@receiver(post_init, sender=User, dispatch_uid="accounts.remember_password_hash")
def remember_password_hash(sender, instance, **kwargs):
    # From __dict__: a user loaded without its password (only(), defer()) must not cost a query here.
    instance._loaded_password_hash = instance.__dict__.get("password", _UNKNOWN)


def password_changed_on_save(user, update_fields) -> bool:
    loaded = user._loaded_password_hash
    if user._password is not None:
        return True  # set_password() was called since the last save: a change, even to the same password
    if loaded is _UNKNOWN or loaded == user.password:
        return False
    # check_password() re-hashing the same password with a newer algorithm saves only the hash.
    rehash = update_fields is not None and set(update_fields) == {"password"}
    return not rehash


@receiver(post_save, sender=User, dispatch_uid="accounts.revoke_token_on_password_change")
def revoke_token_on_password_change(sender, instance, created, update_fields, **kwargs):
    if not created and password_changed_on_save(instance, update_fields):
        deleted, _per_model = Token.objects.filter(user=instance).delete()
        # Read by the message below, on the same instance allauth passes on with its signal.
        instance._api_token_revoked = bool(deleted)
    instance._loaded_password_hash = instance.password


@receiver(password_changed, dispatch_uid="accounts.tell_token_revoked.changed")
@receiver(password_set, dispatch_uid="accounts.tell_token_revoked.set")
@receiver(password_reset, dispatch_uid="accounts.tell_token_revoked.reset")
def tell_token_revoked(sender, request, user, **kwargs):
    if getattr(user, "_api_token_revoked", False):
        messages.warning(request, _("Your API token was revoked because your password changed; create a new one."))


@receiver(post_init, sender=EmailAddress, dispatch_uid="accounts.remember_verified")
def remember_verified(sender, instance, **kwargs):
    instance._loaded_verified = instance.__dict__.get("verified")


@receiver(post_save, sender=EmailAddress, dispatch_uid="accounts.release_unverified_copies")
def release_unverified_copies(sender, instance, created, **kwargs):
    """The first account to verify an address owns it: other accounts' unverified copies go (with their pending
    confirmations), and so does the address on those users' rows, so that no mail of theirs reaches its owner.

    On the save that verifies, whichever path verified it (the confirmation link, allauth's admin action, an
    admin edit): it runs in that save's transaction.
    """
    if instance.verified and instance._loaded_verified is not True:
        email = instance.email
        EmailAddress.objects.filter(email__iexact=email, verified=False).exclude(user_id=instance.user_id).delete()
        User.objects.filter(email__iexact=email).exclude(pk=instance.user_id).update(email="")
    instance._loaded_verified = instance.verified
