"""django-allauth adapter.

Addresses longer than the database keeps are refused: allauth's email fields have no length
limit and it cuts a longer address to the column's 254 characters when it saves the user,
which would create an account under a garbled address. A clear form error instead.

After a password change that revoked the API token (accounts/signals.py), the member lands on
the account page, which says so and offers a new token.
"""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress
from django import forms
from django.urls import reverse
from django.utils.translation import gettext as _


class AccountAdapter(DefaultAccountAdapter):
    def clean_email(self, email: str) -> str:
        email = super().clean_email(email)
        limit = EmailAddress._meta.get_field("email").max_length
        if len(email) > limit:
            raise forms.ValidationError(_("An email address has at most %(limit)d characters.") % {"limit": limit})
        return email

    def get_password_change_redirect_url(self, request) -> str:
        if getattr(request.user, "_api_token_revoked", False):
            return reverse("accounts:profile")
        return super().get_password_change_redirect_url(request)
