"""Every link in allauth's emails starts with SITE_URL, whatever host the request came in on; the pages where
someone waits for such an email name the operators' address."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail

from tests.factories import UserFactory

SITE = "http://127.0.0.1:8123"
PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def site(settings):
    settings.SITE_URL = SITE
    settings.CONTACT_EMAIL = "skills-team@example.org"


def links(message) -> list[str]:
    return re.findall(r"https?://[^\s<>\"']+", message.body)


def assert_links_on_site(message):
    found = links(message)
    assert found, message.body
    assert [link for link in found if not link.startswith(SITE + "/")] == []
    assert "testserver" not in message.body


def test_the_sign_up_confirmation_links_to_the_site(client):
    response = client.post(
        "/accounts/signup/",
        {"email": "new@example.com", "username": "newcomer", "password1": PASSWORD, "password2": PASSWORD},
    )
    (message,) = mail.outbox
    assert_links_on_site(message)
    confirm = next(link for link in links(message) if "/accounts/confirm-email/" in link)
    page = client.get(confirm.removeprefix(SITE))
    assert page.status_code == 200 and "mailto:skills-team@example.org" in page.content.decode()
    sent = client.get(response["Location"])
    assert "mailto:skills-team@example.org" in sent.content.decode()


def test_the_password_reset_mail_links_to_the_site(client):
    user = UserFactory(email="forgot@example.com")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    page = client.get("/accounts/password/reset/")
    assert "mailto:skills-team@example.org" in page.content.decode()
    response = client.post("/accounts/password/reset/", {"email": "forgot@example.com"})
    (message,) = mail.outbox
    assert_links_on_site(message)
    assert "mailto:skills-team@example.org" in client.get(response["Location"]).content.decode()
    reset = next(link for link in links(message) if "/accounts/password/reset/key/" in link)
    # allauth moves the key into the session and redirects to the form.
    form = client.get(reset.removeprefix(SITE), follow=True)
    assert form.status_code == 200 and "mailto:skills-team@example.org" in form.content.decode()


def test_the_mail_to_an_address_already_signed_up_links_to_the_site(client):
    UserFactory(email="taken@example.com")
    client.post(
        "/accounts/signup/",
        {"email": "taken@example.com", "username": "second", "password1": PASSWORD, "password2": PASSWORD},
    )
    (message,) = mail.outbox
    assert_links_on_site(message)


def test_without_a_contact_address_the_pages_name_none(client, settings):
    settings.CONTACT_EMAIL = ""
    assert "mailto:" not in client.get("/accounts/password/reset/").content.decode()
