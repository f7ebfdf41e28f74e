"""The first five minutes: an admin and a reviewer from the command line, signed in at once."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.management import call_command

from proposals.access import REVIEWERS_GROUP, is_reviewer

PASSWORD = "correct horse battery staple"


def bootstrap(capsys, *args):
    call_command("bootstrap", *args)
    return capsys.readouterr().out


def sign_in(client, email, password):
    return client.post("/accounts/login/?next=/admin/", {"login": email, "password": password})


@pytest.mark.django_db
def test_bootstrap_creates_an_admin_who_signs_in_to_the_admin_at_once(client, capsys, settings):
    settings.SITE_URL = "http://127.0.0.1:8123"
    out = bootstrap(capsys)
    admin = get_user_model().objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff
    address = EmailAddress.objects.get(user=admin)
    assert address.verified and address.primary and address.email == "admin@example.com"
    password = re.search(r"admin\s+email admin@example.com\s+password (\S+)", out).group(1)
    assert "http://127.0.0.1:8123/accounts/login/" in out and "http://127.0.0.1:8123/admin/" in out
    response = sign_in(client, "admin@example.com", password)
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


@pytest.mark.django_db
def test_bootstrap_demo_adds_a_reviewer_and_a_member_and_is_idempotent(client, capsys):
    out = bootstrap(capsys, "--demo", "--password", PASSWORD, "--demo-password", PASSWORD)
    users = get_user_model().objects
    reviewer, member = users.get(username="reviewer"), users.get(username="member")
    assert is_reviewer(reviewer) and not is_reviewer(member)
    assert not reviewer.is_staff and not member.is_staff
    assert out.count("[created]") == 3 and REVIEWERS_GROUP in out
    assert EmailAddress.objects.filter(verified=True, primary=True).count() == 3
    assert sign_in(client, "reviewer@example.com", PASSWORD).status_code == 302
    assert client.session["_auth_user_id"] == str(reviewer.pk)

    again = bootstrap(capsys, "--demo")
    assert again.count("exists, left as it was") == 3 and "--reset-passwords" in again
    assert users.count() == 3
    reset = bootstrap(capsys, "--demo", "--reset-passwords", "--demo-password", "another long password")
    assert reset.count("[password reset]") == 3
    assert users.get(username="member").check_password("another long password")


@pytest.mark.django_db
def test_an_admin_from_createsuperuser_signs_in_to_the_admin_at_once(client, monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", PASSWORD)
    call_command("createsuperuser", interactive=False, username="root", email="root@example.com", verbosity=0)
    response = client.get("/admin/login/?next=/admin/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/accounts/login/")
    response = sign_in(client, "root@example.com", PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/admin/"
    page = client.get("/admin/")
    assert page.status_code == 200 and "Site administration" in page.content.decode()
    assert EmailAddress.objects.get(email="root@example.com").verified


@pytest.mark.django_db
def test_a_member_with_an_unverified_address_still_must_verify(client, member):
    member.set_password(PASSWORD)
    member.save()
    response = sign_in(client, member.email, PASSWORD)
    assert response["Location"] == "/accounts/confirm-email/"
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_an_admin_whose_address_another_account_verified_signs_in_without_taking_it(client, monkeypatch, member):
    EmailAddress.objects.create(user=member, email="shared@example.com", verified=True, primary=True)
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", PASSWORD)
    call_command("createsuperuser", interactive=False, username="root", email="shared@example.com", verbosity=0)
    response = client.post("/accounts/login/?next=/admin/", {"login": "root", "password": PASSWORD})
    assert response.status_code in (200, 302)
    assert EmailAddress.objects.get(email="shared@example.com").user == member
