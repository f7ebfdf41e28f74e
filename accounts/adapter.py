"""django-allauth adapter.

Addresses longer than the database keeps are refused: allauth's email fields have no length
limit and it cuts a longer address to the column's 254 characters when it saves the user,
which would create an account under a garbled address. A clear form error instead.

The first account to verify an address owns it: verifications of one address take turns
(confirm_email), and the winner's verification removes the others' unverified copies
(accounts/signals.py).

After a password change that revoked the API token (accounts/signals.py), the member lands on
the account page, which says so and offers a new token.
"""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress
from allauth.core import ratelimit
from django import forms
from django.contrib import messages
from django.db import IntegrityError, transaction
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
