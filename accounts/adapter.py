"""django-allauth adapter: addresses the database can keep, links to where the site is served, and admins
created outside allauth.

allauth's email fields have no length limit and it cuts a longer address to
the column's 254 characters when it saves the user, which would create an
account under a garbled address. A clear form error instead.

allauth builds the links in its emails from the request's host; behind a proxy,
or on another port than the one people use, that is not where the site is. Every
link it mails starts with SITE_URL instead, like the proposals' notifications.

Django's ``createsuperuser`` (and the admin's "Add user") record an address on
the user but no allauth EmailAddress, so sign-in stopped at "Verify your email
address". Whoever created a staff account vouches for its address: it is
recorded as verified the first time that account signs in.
"""

from types import SimpleNamespace
from urllib.parse import urlsplit, urlunsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress
from django import forms
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _

SITE_NAME = "Skill Matrix"


def on_site(url: str) -> str:
    """The same path, query and fragment under SITE_URL."""
    bits = urlsplit(url)
    site = urlsplit(settings.SITE_URL)
    return urlunsplit((site.scheme, site.netloc, site.path.rstrip("/") + bits.path, bits.query, bits.fragment))


class AccountAdapter(DefaultAccountAdapter):
    def clean_email(self, email: str) -> str:
        email = super().clean_email(email)
        limit = EmailAddress._meta.get_field("email").max_length
        if len(email) > limit:
            raise forms.ValidationError(_("An email address has at most %(limit)d characters.") % {"limit": limit})
        return email

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        context = {
            **{
                key: on_site(value) if key.endswith("_url") and isinstance(value, str) else value
                for key, value in context.items()
            },
            "current_site": SimpleNamespace(name=SITE_NAME, domain=urlsplit(settings.SITE_URL).netloc),
        }
        super().send_mail(template_prefix, email, context)

    def pre_login(self, request, user, **kwargs):
        if (user.is_staff or user.is_superuser) and user.email:
            verified_staff_address(user)
        return super().pre_login(request, user, **kwargs)


def verified_staff_address(user) -> None:
    """Record the address on a staff account as verified, unless allauth already keeps it (then allauth's own
    record, verified or not, stands)."""
    if EmailAddress.objects.filter(user=user, email__iexact=user.email).exists():
        return
    has_primary = EmailAddress.objects.filter(user=user, primary=True).exists()
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=not has_primary)

    def get_client_ip(self, request) -> str:
        # A request whose X-Forwarded-For names fewer hops than TRUSTED_PROXY_COUNT did not come through all our
        # proxies; allauth raises ImproperlyConfigured (a 500) for it. Its own peer is the address to count.
        try:
            return super().get_client_ip(request)
        except ImproperlyConfigured:
            return request.META["REMOTE_ADDR"]
