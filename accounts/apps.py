from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """A member's account: the account page, the API token, and the allauth adapter (sign-up and sign-in are
    allauth's own pages). No models: the user is Django's, the token is DRF's."""

    name = "accounts"

    def ready(self):
        from accounts import signals  # noqa: F401  (connects the receivers)
