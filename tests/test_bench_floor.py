"""The benchmark floor: off unless BENCH_FLOOR=1; when on, a page's bytes served without the view."""

import pytest

from skillmatrix import bench_floor
from skillmatrix import urls as site_urls

# The site's URLs with the floor mounted, as skillmatrix/urls.py does when BENCH_FLOOR=1.
urlpatterns = [*bench_floor.urlpatterns, *site_urls.urlpatterns]
handler404 = site_urls.handler404

FLOOR = "/__bench__/floor/"


@pytest.fixture(autouse=True)
def fresh_floor():
    bench_floor._rendered.clear()
    yield
    bench_floor._rendered.clear()


def test_floor_is_not_mounted_by_default(client, db):
    assert client.get(FLOOR, {"page": "/"}).status_code == 404


@pytest.mark.urls("tests.test_bench_floor")
def test_floor_serves_the_page_bytes_without_the_view(client, seeded_catalog, django_assert_num_queries):
    page = client.get("/skills/ml-experiment-tracking/")
    first = client.get(FLOOR, {"page": "/skills/ml-experiment-tracking/"})
    assert first.status_code == 200
    assert first["Content-Type"] == page["Content-Type"]
    assert len(first.content) == len(page.content)
    assert b"ML Experiment Tracking" in first.content
    with django_assert_num_queries(0):
        again = client.get(FLOOR, {"page": "/skills/ml-experiment-tracking/"})
    assert again.content == first.content


@pytest.mark.urls("tests.test_bench_floor")
@pytest.mark.parametrize("page", ["", "skills/x/", "/__bench__/floor/?page=/", "/skills/no-such-skill/"])
def test_floor_refuses_what_is_not_a_page_of_the_site(client, db, page):
    response = client.get(FLOOR, {"page": page})
    assert response.status_code == 400
    assert page not in bench_floor._rendered
