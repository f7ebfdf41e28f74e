"""Accounts through django-allauth: email sign-up with verification, sign-in by email, rate limits (admin too)."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core import mail

from tests.factories import UserFactory

PASSWORD = "correct horse battery staple"


@pytest.fixture
def verified(db):
    user = UserFactory(username="verified", email="verified@example.com")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def login(client, email, password=PASSWORD):
    return client.post("/accounts/login/", {"login": email, "password": password})


def test_sign_up_sends_a_verification_mail_and_does_not_sign_in(client):
    response = client.post(
        "/accounts/signup/",
        {"email": "new@example.com", "username": "newcomer", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    user = get_user_model().objects.get(username="newcomer")
    assert not EmailAddress.objects.get(user=user).verified
    assert "_auth_user_id" not in client.session
    assert [message.to for message in mail.outbox] == [["new@example.com"]]
    link = re.search(r"http://\S+/accounts/confirm-email/\S+/", mail.outbox[0].body).group(0)
    client.post(link.split("testserver", 1)[-1])
    assert EmailAddress.objects.get(user=user).verified


def test_an_unverified_address_cannot_sign_in(client, member):
    EmailAddress.objects.create(user=member, email=member.email, verified=False, primary=True)
    response = login(client, member.email)
    assert "_auth_user_id" not in client.session
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"


def test_sign_in_by_email(client, verified):
    response = login(client, "verified@example.com")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(verified.pk)


def test_sign_in_by_username_is_not_offered(client, verified):
    login(client, "verified")
    assert "_auth_user_id" not in client.session


def test_five_failed_sign_ins_lock_the_address(client, verified):
    for _ in range(5):
        assert login(client, verified.email, "wrong password").status_code == 200
    response = login(client, verified.email)  # the right password, too late
    assert "_auth_user_id" not in client.session
    assert "Too many failed login attempts" in response.content.decode()


def test_the_admin_signs_in_through_allauth(client, staff):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Fadmin%2F"
    response = client.post("/admin/login/", {"username": "staff", "password": PASSWORD})
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_the_admin_still_works_for_signed_in_staff(client, staff):
    client.force_login(staff)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/login/").status_code == 302  # already in: on to the index


def test_password_reset_does_not_reveal_whether_an_address_exists(client, verified):
    known = client.post("/accounts/password/reset/", {"email": verified.email})
    unknown = client.post("/accounts/password/reset/", {"email": "nobody@example.com"})
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert mail.outbox[0].to == [verified.email]


def test_signing_up_with_a_taken_address_does_not_reveal_it(client, verified):
    response = client.post(
        "/accounts/signup/",
        {"email": verified.email, "username": "copycat", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    assert not get_user_model().objects.filter(username="copycat").exists()
