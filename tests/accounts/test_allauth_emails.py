"""allauth's emails (confirmation, password reset): branded, with a text and an
HTML part, in the language the member chose for their emails (at sign-up, the language they signed up in)."""

import pytest
from allauth.account.models import EmailAddress
from django.core import mail

from accounts import services
from accounts.models import EmailSettings
from tests.factories import UserFactory
from tests.helpers import email_links, email_parts

SITE = "http://127.0.0.1:8123"
PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def site(settings):
    settings.SITE_URL = SITE


def verified(username: str, **settings) -> object:
    user = UserFactory(username=username)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    if settings:
        services.email_settings_save(user=user, **settings)
    return user


def assert_branded_two_parts(message):
    text, html = email_parts(message)
    assert message.subject.startswith("[Skill Matrix] ")
    assert "Skill Matrix" in text
    assert html.startswith("<!DOCTYPE html>") and f'<a href="{SITE}/"' in html and ">Skill Matrix</a>" in html
    assert "<img" not in html and "<script" not in html
    for link in email_links(text):
        assert f'href="{link}"' in html
    assert "List-Unsubscribe" not in message.extra_headers  # transactional: no unsubscribe
    return text, html


def test_the_password_reset_email_is_branded_with_both_parts(client):
    verified("forgot")
    client.post("/accounts/password/reset/", {"email": "forgot@example.com"})
    (message,) = mail.outbox
    text, html = assert_branded_two_parts(message)
    assert "/accounts/password/reset/key/" in text
    assert '<html lang="en">' in html


def test_the_password_reset_email_is_in_the_members_language_not_the_pages(client):
    verified("vergessen", language="de")
    client.post("/accounts/password/reset/?lang=en", {"email": "vergessen@example.com"})
    (message,) = mail.outbox
    text, html = assert_branded_two_parts(message)
    assert message.subject == "[Skill Matrix] E-Mail zum Zurücksetzen des Passworts"
    assert "Hallo von Skill Matrix!" in text and "Hallo von Skill Matrix!" in html
    assert '<html lang="de">' in html


def test_sign_up_keeps_the_language_it_was_made_in_and_confirms_in_it(client):
    client.post(
        "/accounts/signup/?lang=es",
        {"email": "nuevo@example.com", "username": "nuevo", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert EmailSettings.objects.get(user__username="nuevo").language == "es"
    (message,) = mail.outbox
    text, _html = assert_branded_two_parts(message)
    assert "/accounts/confirm-email/" in text
    assert "¡Hola de parte de Skill Matrix!" in text


def test_confirming_an_added_address_is_in_the_members_language(client):
    user = verified("second", language="zh-hans")
    client.force_login(user)
    client.post("/accounts/email/", {"action_add": "", "email": "other@example.com"})
    (message,) = mail.outbox
    assert message.to == ["other@example.com"]
    text, html = assert_branded_two_parts(message)
    assert "/accounts/confirm-email/" in text
    assert '<html lang="zh-hans">' in html
