"""django-allauth adapter: refuse addresses longer than the database keeps.

allauth's email fields have no length limit and it cuts a longer address to
the column's 254 characters when it saves the user, which would create an
account under a garbled address. A clear form error instead.
"""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress
from django import forms
from django.utils.translation import gettext as _


class AccountAdapter(DefaultAccountAdapter):
    def clean_email(self, email: str) -> str:
        email = super().clean_email(email)
        limit = EmailAddress._meta.get_field("email").max_length
        if len(email) > limit:
            raise forms.ValidationError(_("An email address has at most %(limit)d characters.") % {"limit": limit})
        return email
