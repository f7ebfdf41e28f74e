"""An address belongs to the first account that verifies it; an unverified address never blocks anyone."""

import re
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.utils.http import int_to_base36

from tests.factories import UserFactory

PASSWORD = "correct horse battery staple"
TAKEN = "b@example.com"


def confirmation_link(message) -> str:
    return re.search(r"http://[^/\s]+(/accounts/confirm-email/\S+/)", message.body).group(1)


def verified_user(username: str):
    user = UserFactory(username=username, email=f"{username}@example.com")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def sign_up(client: Client, username: str, email: str = TAKEN):
    return client.post(
        "/accounts/signup/",
        {"email": email, "username": username, "password1": PASSWORD, "password2": PASSWORD},
    )


@pytest.fixture
def squatter(db):
    """A member who added someone else's address to their account and never verified it."""
    user = verified_user("squatter")
    client = Client()
    client.force_login(user)
    response = client.post("/accounts/email/", {"action_add": "", "email": TAKEN})
    assert response.status_code == 302
    assert EmailAddress.objects.filter(user=user, email=TAKEN, verified=False).exists()
    return user


def test_an_unverified_address_elsewhere_does_not_block_a_sign_up(client, squatter):
    squatters_link = confirmation_link(mail.outbox[-1])
    mail.outbox.clear()

    response = sign_up(client, "owner")

    assert response.status_code == 302
    owner = get_user_model().objects.get(username="owner")
    assert owner.email == TAKEN
    assert [message.to for message in mail.outbox] == [[TAKEN]]
    assert client.post(confirmation_link(mail.outbox[0])).status_code == 302
    assert EmailAddress.objects.get(email=TAKEN, verified=True).user == owner
    # The squatter's copy is gone, and its link fails cleanly.
    assert not EmailAddress.objects.filter(user=squatter, email=TAKEN).exists()
    squatter.refresh_from_db()
    assert squatter.email == "squatter@example.com"
    assert Client().get(squatters_link).status_code == 200
    assert Client().post(squatters_link).status_code == 404
    assert EmailAddress.objects.get(email=TAKEN).user == owner


def test_an_unverified_sign_up_address_loses_it_to_the_one_who_verifies(client):
    sign_up(Client(), "first")
    sign_up(client, "second")
    first, second = get_user_model().objects.get(username="first"), get_user_model().objects.get(username="second")
    assert [message.to for message in mail.outbox] == [[TAKEN], [TAKEN]]

    assert client.post(confirmation_link(mail.outbox[1])).status_code == 302

    first.refresh_from_db()
    assert first.email == ""
    assert list(EmailAddress.objects.filter(email=TAKEN).values_list("user", "verified")) == [(second.pk, True)]
    # The address now signs in to its owner only, and a password reset reaches the owner only.
    other = Client()
    other.post("/accounts/login/", {"login": TAKEN, "password": PASSWORD})
    assert other.session.get("_auth_user_id") == str(second.pk)
    mail.outbox.clear()
    Client().post("/accounts/password/reset/", {"email": TAKEN})
    assert len(mail.outbox) == 1
    assert f"/accounts/password/reset/key/{int_to_base36(second.pk)}-" in mail.outbox[0].body.replace("\n", "")


def test_a_password_reset_does_not_reach_accounts_that_merely_added_the_address(squatter):
    mail.outbox.clear()
    Client().post("/accounts/password/reset/", {"email": TAKEN})
    assert "/accounts/password/reset/key/" not in "".join(message.body for message in mail.outbox)


def test_a_verified_address_still_blocks_a_sign_up_without_saying_so(client):
    owner = verified_user("owner")
    response = sign_up(client, "copycat", owner.email)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    assert not get_user_model().objects.filter(username="copycat").exists()
    assert [message.to for message in mail.outbox] == [[owner.email]]
    assert "/accounts/confirm-email/" not in mail.outbox[0].body


@pytest.mark.django_db(transaction=True)
def test_two_accounts_verifying_one_address_at_once_exactly_one_owns_it(live_server):
    links = []
    for username in ["first", "second", "third", "fourth"]:
        user = UserFactory(username=username, email=TAKEN)
        address = EmailAddress.objects.create(user=user, email=TAKEN, verified=False, primary=True)
        links.append(f"/accounts/confirm-email/{EmailConfirmationHMAC(address).key}/")
    sessions = []
    for link in links:
        session = requests.Session()
        session.get(live_server.url + link, timeout=30).raise_for_status()
        session.headers["X-CSRFToken"] = session.cookies["csrftoken"]
        sessions.append((session, link))
    barrier = threading.Barrier(len(sessions))

    def confirm(pair):
        session, link = pair
        barrier.wait(timeout=30)
        return session.post(live_server.url + link, timeout=60, allow_redirects=False).status_code

    with ThreadPoolExecutor(max_workers=len(sessions)) as pool:
        statuses = list(pool.map(confirm, sessions))

    assert all(status < 500 for status in statuses), statuses
    assert EmailAddress.objects.filter(email=TAKEN, verified=True).count() == 1
    assert EmailAddress.objects.filter(email=TAKEN).count() == 1
