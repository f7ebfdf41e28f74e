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

The first account to verify an address owns it: verifications of one address take turns
(confirm_email), and the winner's verification removes the others' unverified copies
(accounts/signals.py).

allauth's emails are written in the language the member chose for their emails (accounts/models.py; at
sign-up, the language they signed up in), else the language of the request that sent them, and carry an HTML
part beside the text: the same words in the branded layout of every email (accounts/emails.py).

After a password change that revoked the API token (accounts/signals.py), the member lands on
the account page, which says so and offers a new token.
"""

from types import SimpleNamespace
from urllib.parse import urlsplit, urlunsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress
from allauth.core import ratelimit
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from accounts import emails, services


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
            "current_site": SimpleNamespace(name=settings.SITE_NAME, domain=urlsplit(settings.SITE_URL).netloc),
        }
        with translation.override(emails.language_of(recipient(email, context), translation.get_language())):
            super().send_mail(template_prefix, email, context)

    def render_mail(self, template_prefix: str, email, context: dict, headers=None):
        message = super().render_mail(template_prefix, email, context, headers)
        if isinstance(message, EmailMultiAlternatives) and not message.alternatives:
            message.attach_alternative(emails.html_from_text(message.body, subject=message.subject), "text/html")
        return message

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit)
        if commit:
            # The language they signed up in is the language of their emails until they choose another.
            services.email_settings_save(user=user, language=translation.get_language() or "")
        return user

    def pre_login(self, request, user, **kwargs):
        if (user.is_staff or user.is_superuser) and user.email:
            verified_staff_address(user)
        return super().pre_login(request, user, **kwargs)

    def get_client_ip(self, request) -> str:
        # A request whose X-Forwarded-For names fewer hops than TRUSTED_PROXY_COUNT did not come through all our
        # proxies; allauth raises ImproperlyConfigured (a 500) for it. Its own peer is the address to count.
        try:
            return super().get_client_ip(request)
        except ImproperlyConfigured:
            return request.META["REMOTE_ADDR"]

    def get_password_change_redirect_url(self, request) -> str:
        if getattr(request.user, "_api_token_revoked", False):
            return reverse("accounts:profile")
        return super().get_password_change_redirect_url(request)

    def should_send_confirmation_mail(self, request, email_address: EmailAddress, signup: bool) -> bool:
        if signup:
            # allauth's cooldown between confirmation mails counts per address, whoever asked: a member who added
            # someone else's address would hold back that person's sign-up mail. Sign-ups have their own limit.
            ratelimit.clear(request, action="confirm_email", key=email_address.email.lower())
        return super().should_send_confirmation_mail(request, email_address, signup)

    def confirm_email(self, request, email_address: EmailAddress) -> bool:
        """Verify the address unless another account verified it first; a refusal is allauth's message, not a 500.

        Lock order: every copy of the address (by primary key), then the users' rows.
        """
        try:
            with transaction.atomic():
                copies = EmailAddress.objects.select_for_update().filter(email__iexact=email_address.email)
                present = set(copies.order_by("pk").values_list("pk", flat=True))
                # Gone: another account verified the address while this verification waited for its turn.
                if email_address.pk is None or email_address.pk in present:
                    return super().confirm_email(request, email_address)
        except IntegrityError:
            pass  # the unique index on verified addresses refused a verification that bypassed the lock
        self.add_message(
            request, messages.ERROR, "account/messages/email_confirmation_failed.txt", {"email": email_address.email}
        )
        return False


def verified_staff_address(user) -> None:
    """Record the address on a staff account as verified, unless allauth already keeps it (then allauth's own
    record, verified or not, stands) or another account verified it first (the first to verify owns it)."""
    if EmailAddress.objects.filter(user=user, email__iexact=user.email).exists():
        return
    if EmailAddress.objects.filter(email__iexact=user.email, verified=True).exists():
        return
    has_primary = EmailAddress.objects.filter(user=user, primary=True).exists()
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=not has_primary)


def recipient(email: str, context: dict):
    """The account an allauth email goes to: the one in its context, else the one that verified the address;
    None for an address no account owns (allauth's "unknown account" email)."""
    user = context.get("user")
    if user is not None and getattr(user, "pk", None):
        return user
    owner = EmailAddress.objects.filter(email__iexact=email, verified=True).select_related("user").first()
    if owner is not None:
        return owner.user
    return get_user_model().objects.filter(email__iexact=email).order_by("pk").first()
