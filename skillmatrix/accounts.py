"""django-allauth adapter: refuse addresses longer than the database keeps.

allauth's email fields have no length limit and it cuts a longer address to
the column's 254 characters when it saves the user, which would create an
account under a garbled address. A clear form error instead.
"""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress
from django import forms
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _


class AccountAdapter(DefaultAccountAdapter):
    def clean_email(self, email: str) -> str:
        email = super().clean_email(email)
        limit = EmailAddress._meta.get_field("email").max_length
        if len(email) > limit:
            raise forms.ValidationError(_("An email address has at most %(limit)d characters.") % {"limit": limit})
        return email

    def get_client_ip(self, request) -> str:
        # A request whose X-Forwarded-For names fewer hops than TRUSTED_PROXY_COUNT did not come through all our
        # proxies; allauth raises ImproperlyConfigured (a 500) for it. Its own peer is the address to count.
        try:
            return super().get_client_ip(request)
        except ImproperlyConfigured:
            return request.META["REMOTE_ADDR"]
