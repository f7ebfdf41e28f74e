"""What the teams tests share: the evidence every unauthorised answer must not show, and signed-in clients."""

from django.test import Client

SECRET_NOTE = "Secret evidence note: shipped the tracker"
SECRET_URL = "https://evidence.example.com/secret-proof"


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client
