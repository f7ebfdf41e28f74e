"""Heavy anonymous reads: the whole catalog and the comparison of two roles are stored per catalog revision,
compressed, and limited per client address for visitors who are not signed in."""

import gzip
import json

import pytest
from django.urls import reverse

from skills import stored
from skills.models import Expectation
from tests.factories import make_catalog

CATALOG = "/api/catalog/"


@pytest.fixture
def catalog(levels):
    return make_catalog(skills=4, roles=2, levels=levels)


def compare_url(catalog) -> str:
    a, b = catalog["roles"]
    return f"{reverse('skills:role-compare')}?a={a.slug}&b={b.slug}"


# --- the whole catalog ----------------------------------------------------------------------------


def test_the_catalog_is_sent_gzip_to_a_client_that_takes_it(client, catalog):
    plain = client.get(CATALOG)
    packed = client.get(CATALOG, headers={"Accept-Encoding": "gzip, deflate, br"})

    assert packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in plain["Vary"] and "Accept-Encoding" in packed["Vary"]
    assert "Content-Encoding" not in plain
    body = plain.getvalue()
    assert gzip.decompress(packed.getvalue()) == body
    assert len(packed.getvalue()) < len(body)
    assert packed["ETag"] != plain["ETag"]
    assert json.loads(body)["format"]


def test_a_client_holding_the_catalog_is_answered_not_modified(client, catalog):
    etag = client.get(CATALOG)["ETag"]
    assert client.get(CATALOG, headers={"If-None-Match": etag}).status_code == 304


def test_a_catalog_change_gives_a_new_catalog(client, catalog):
    before = json.loads(client.get(CATALOG).getvalue())
    Expectation.objects.filter(skill=catalog["skills"][0]).update(description="Rewritten.")

    after = json.loads(client.get(CATALOG).getvalue())
    cells = {cell["description"] for skill in after["skills"] for cell in skill["cells"]}
    assert "Rewritten." in cells and after != before


def test_an_anonymous_burst_is_limited_and_a_member_is_not(client, catalog, member, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"heavy-anon": "3/min"}}
    answers = [client.get(CATALOG) for _ in range(4)]

    assert [answer.status_code for answer in answers] == [200, 200, 200, 429]
    assert 1 <= int(answers[-1]["Retry-After"]) <= 60
    assert "detail" in answers[-1].json()

    client.force_login(member)
    assert [client.get(CATALOG).status_code for _ in range(5)] == [200] * 5


def test_the_limit_is_per_client_address(client, catalog, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"heavy-anon": "1/min"}}
    assert client.get(CATALOG, REMOTE_ADDR="10.0.0.1").status_code == 200
    assert client.get(CATALOG, REMOTE_ADDR="10.0.0.1").status_code == 429
    assert client.get(CATALOG, REMOTE_ADDR="10.0.0.2").status_code == 200


def test_no_build_slot_is_a_503_with_retry_after(client, catalog, settings):
    settings.HEAVY_BUILD_SLOT_WAIT = 0
    settings.HEAVY_BUILD_RETRY_AFTER = 9
    with stored._build_slot():
        response = client.get(CATALOG)
    assert response.status_code == 503
    assert response["Retry-After"] == "9"
    assert client.get(CATALOG).status_code == 200


def test_a_process_whose_heavy_places_are_taken_answers_503_at_once(client, catalog, settings):
    """Threads of this process already build or wait: no third one waits, and a stored answer is still served."""
    settings.HEAVY_REQUESTS_PER_PROCESS = 2
    settings.HEAVY_BUILD_RETRY_AFTER = 9
    with stored.heavy_request(), stored.heavy_request():
        response = client.get(CATALOG)
    assert response.status_code == 503
    assert response["Retry-After"] == "9"

    assert client.get(CATALOG).status_code == 200  # built now
    with stored.heavy_request(), stored.heavy_request():
        assert client.get(CATALOG).status_code == 200  # stored: no place needed


def test_the_limit_and_the_busy_answer_are_documented(client, db):
    responses = client.get("/api/schema/?format=json").json()["paths"][CATALOG]["get"]["responses"]
    assert {"200", "429", "503"} <= responses.keys()


# --- the comparison of two roles --------------------------------------------------------------------


def test_the_comparison_is_stored_and_a_catalog_change_renders_it_again(client, catalog, settings):
    a_cell = Expectation.objects.filter(role=catalog["roles"][0]).first()
    a_cell.required = not a_cell.required  # the two roles now differ there: the comparison shows both texts
    a_cell.save()
    first = client.get(compare_url(catalog))
    assert first.context["comparison"] is not None  # built by this request
    again = client.get(compare_url(catalog))
    assert "comparison" not in again.context  # read from storage
    assert a_cell.description in again.content.decode()

    a_cell.description = "A new expectation."
    a_cell.save()
    changed = client.get(compare_url(catalog))
    assert changed.context["comparison"] is not None
    assert "A new expectation." in changed.content.decode()


def test_the_comparison_page_is_gzip_for_a_client_that_takes_it(client, catalog):
    response = client.get(compare_url(catalog), headers={"Accept-Encoding": "gzip"})
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    assert catalog["roles"][1].name in gzip.decompress(response.content).decode()


def test_an_anonymous_burst_of_comparisons_is_limited_and_a_member_is_not(client, catalog, member, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"compare-anon": "2/min"}}
    answers = [client.get(compare_url(catalog)) for _ in range(3)]

    assert [answer.status_code for answer in answers] == [200, 200, 429]
    assert 1 <= int(answers[-1]["Retry-After"]) <= 60
    assert "You are going too fast" in answers[-1].content.decode()
    # The form alone is not limited.
    assert client.get(reverse("skills:role-compare")).status_code == 200

    client.force_login(member)
    assert [client.get(compare_url(catalog)).status_code for _ in range(4)] == [200] * 4


# --- a role with its matrix ---------------------------------------------------------------------------


def test_the_role_detail_is_stored_until_the_catalog_changes(client, catalog, django_assert_num_queries):
    role = catalog["roles"][0]
    url = f"/api/roles/{role.slug}/"
    first = client.get(url).json()
    with django_assert_num_queries(1):  # the revisions only
        assert client.get(url).json() == first
    packed = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert packed["Content-Encoding"] == "gzip"
    assert json.loads(gzip.decompress(packed.content)) == first

    Expectation.objects.filter(role=role).update(description="Changed in the shell.")
    cells = [cell for row in client.get(url).json()["matrix"] for cell in row["cells"]]
    assert {cell["description"] for cell in cells} == {"Changed in the shell."}
    assert client.get("/api/roles/no-such-role/").status_code == 404
