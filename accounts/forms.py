"""The member's email settings (EmailSettingsForm, at the end), and allauth's sign-up and password-reset forms,
where only a VERIFIED address belongs to an account.

allauth counts every claim on an address as taken: an unverified address another member added
to their account, or typed at their own sign-up, and with enumeration prevention the sign-up
then looks successful while no account is made. Here an address is taken only once an account
has verified it (the first to verify owns it, accounts/signals.py); until then anyone may sign
up with it and prove it by the mail.
"""

from allauth.account import forms as allauth_forms
from allauth.account.adapter import get_adapter
from allauth.account.models import EmailAddress
from django import forms
from django.conf import settings
from django.utils.translation import get_language_info, gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import EmailSettings
from skillmatrix.form_fields import hold_length_as_sent


def verified_owner_ids(email: str) -> set:
    return set(EmailAddress.objects.filter(email__iexact=email, verified=True).values_list("user_id", flat=True))


def _hold_email_length(field: forms.EmailField) -> None:
    """The column's limit, with the adapter's words for it (accounts/adapter.py)."""
    limit = EmailAddress._meta.get_field("email").max_length
    hold_length_as_sent(field, limit, gettext("An email address has at most %(limit)d characters.") % {"limit": limit})


class SignupForm(allauth_forms.SignupForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _hold_email_length(self.fields["email"])
        hold_length_as_sent(self.fields["username"], self.fields["username"].max_length)

    def validate_unique_email(self, value) -> str:
        if verified_owner_ids(value):
            return super().validate_unique_email(value)  # allauth's own, non-enumerating answer
        self.account_already_exists = False
        return get_adapter().validate_unique_email(value)


class ResetPasswordForm(allauth_forms.ResetPasswordForm):
    """A reset link goes to the account that verified the address; if none has, to the accounts that signed up
    with it (their own address, not merely one they added and never proved)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _hold_email_length(self.fields["email"])

    def clean_email(self) -> str:
        email = super().clean_email()
        owners = verified_owner_ids(email)
        if owners:
            self.users = [user for user in self.users if user.pk in owners]
        else:
            self.users = [user for user in self.users if (user.email or "").lower() == email.lower()]
        return email


def _language_choices() -> list[tuple[str, str]]:
    return [(code, get_language_info(code)["name_local"].capitalize()) for code, _name in settings.LANGUAGES]


class EmailSettingsForm(forms.ModelForm):
    """What the member gets by email and in which language; the reviewers' choice only for reviewers."""

    language = forms.ChoiceField(label=_("Language of your emails"), choices=_language_choices)

    class Meta:
        model = EmailSettings
        fields = ["language", "review_notices", "watch_notices", "own_notices"]
        widgets = {"review_notices": forms.RadioSelect}
        labels = {
            "review_notices": _("Proposals waiting for your review"),
            "watch_notices": _("Proposals on skills you watch: when one opens or is decided"),
            "own_notices": _("Your proposals: when one is decided or someone comments on it"),
        }
        help_texts = {"review_notices": "", "watch_notices": "", "own_notices": ""}

    def __init__(self, *args, reviewer: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.language:
            self.initial["language"] = settings.LANGUAGE_CODE
        if not reviewer:
            del self.fields["review_notices"]
