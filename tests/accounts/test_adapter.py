"""The allauth adapter: an address longer than the database keeps is a form error, not a cut-off account."""

from django.contrib.auth import get_user_model

PASSWORD = "correct horse battery staple"
# A well-formed address of 257 characters: Django's validator takes up to 320, the column keeps 254.
LONG = "a" * 64 + "@" + "b" * 63 + "." + "c" * 63 + "." + "d" * 60 + ".com"


def test_sign_up_with_an_address_longer_than_the_column_is_refused_on_the_form(client):
    assert len(LONG) == 257
    response = client.post(
        "/accounts/signup/",
        {"email": LONG, "username": "longmail", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 200
    assert "An email address has at most 254 characters." in response.content.decode()
    assert not get_user_model().objects.filter(username="longmail").exists()
