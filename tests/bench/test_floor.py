"""The benchmark floor: off unless settings.BENCH_FLOOR; when on, a page's bytes served without the view."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.urls import include, path

from bench import floor as bench_floor
from skillmatrix import urls as site_urls

# The site's URLs with the floor mounted, as skillmatrix/urls.py does when settings.BENCH_FLOOR is on.
urlpatterns = [path("", include("bench.urls")), *site_urls.urlpatterns]
handler404 = site_urls.handler404

FLOOR = "/__bench__/floor/"


@pytest.fixture(autouse=True)
def fresh_floor():
    bench_floor._rendered.clear()
    yield
    bench_floor._rendered.clear()


def test_floor_is_not_mounted_by_default(client, db):
    assert not settings.BENCH_FLOOR
    assert client.get(FLOOR, {"page": "/"}).status_code == 404


def test_bench_floor_mounts_the_floor_in_the_site_urls():
    # The URLconf is read once per process: a fresh one with BENCH_FLOOR=1, as bench/run starts its server.
    code = (
        "import django; django.setup(); from django.urls import resolve; print(resolve('/__bench__/floor/').url_name)"
    )
    env = dict(os.environ, DEBUG="true", BENCH_FLOOR="1", DATABASE_URL="postgres://nobody@127.0.0.1:1/none")
    root = settings.BASE_DIR
    mounted = subprocess.run(
        [sys.executable, "-c", code], cwd=root, env=env, capture_output=True, text=True, timeout=120
    )
    assert mounted.stdout.strip() == "bench-floor", mounted.stderr


@pytest.mark.urls("tests.bench.test_floor")
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


@pytest.mark.urls("tests.bench.test_floor")
@pytest.mark.parametrize("page", ["", "skills/x/", "/__bench__/floor/?page=/", "/skills/no-such-skill/"])
def test_floor_refuses_what_is_not_a_page_of_the_site(client, db, page):
    response = client.get(FLOOR, {"page": page})
    assert response.status_code == 400
    assert page not in bench_floor._rendered


@pytest.mark.urls("tests.bench.test_floor")
def test_a_signed_in_floor_renders_with_the_visitors_session(client, member):
    client.force_login(member)
    assert client.get(FLOOR, {"page": "/me/skills/"}).status_code == 400  # anonymous: sent to sign in
    page = client.get("/me/skills/")
    floor = client.get(FLOOR, {"page": "/me/skills/", "signed_in": "1"})
    assert floor.status_code == 200 and b"My skills" in floor.content
    assert len(floor.content) == len(page.content)
