"""Visitors see the site's own error pages, never Django's debug pages, with the settings `make run` serves."""

import pytest
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.test import Client
from django.urls import path

from skillmatrix import errors
from skillmatrix import urls as site_urls


def explode(request):
    raise RuntimeError("a bug")


urlpatterns = [*site_urls.urlpatterns, path("explode/", explode)]
handler404 = site_urls.handler404
handler500 = site_urls.handler500


@pytest.fixture
def run_settings(settings):
    # What bin/serve local sets (make run): DEBUG off, static files from the apps.
    settings.DEBUG = False
    settings.WHITENOISE_USE_FINDERS = True


@pytest.mark.django_db
def test_a_mistyped_address_gets_the_sites_404_page(client, run_settings):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "We could not find that page" in page and 'role="search"' in page
    assert "Using the URLconf" not in page and "Traceback" not in page


@pytest.mark.urls(__name__)
def test_an_error_gets_the_sites_500_page_without_a_database(run_settings, django_db_blocker):
    client = Client(raise_request_exception=False)
    with django_db_blocker.block():  # the page needs no query: the database may be what failed
        response = client.get("/explode/")
    assert response.status_code == 500
    page = response.content.decode()
    assert "Something went wrong on our side" in page
    assert "a bug" not in page and "Traceback" not in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("handler", "exception", "status", "text"),
    [
        (errors.permission_denied, PermissionDenied(), 403, "You may not open this page"),
        (errors.bad_request, SuspiciousOperation(), 400, "We could not understand that request"),
    ],
)
def test_refusals_get_the_sites_pages(rf, run_settings, handler, exception, status, text):
    response = handler(rf.get("/skills/"), exception)
    assert response.status_code == status
    assert text in response.content.decode()
