"""The home page's front door: pick a role and a level, land on that role at that level, be offered it again."""

import re

import pytest
from django.urls import reverse

from growth.models import PlanProfile
from skills.pages import READING_COOKIE
from tests.factories import ExpectationFactory, make_role

CHOOSE = "/roles/choose/"


@pytest.fixture
def roles(levels):
    return {
        "scientist": make_role(levels, name="Data Scientist", slug="data-scientist", family="ML & AI Engineering"),
        "lead": make_role(levels[2:], name="Technical Lead", slug="technical-lead", family="Engineering Management"),
    }


def home(client) -> str:
    response = client.get("/")
    assert response.status_code == 200
    return response.content.decode()


def test_visitors_pick_a_role_and_click_a_level(client, roles, levels):
    html = home(client)
    form = html[html.index('<form class="front-door__form"') :]
    form = form[: form.index("</form>")]
    assert f'method="get" action="{CHOOSE}"' in form
    assert re.findall(r'<optgroup label="([^"]+)">', form) == ["Engineering Management", "ML &amp; AI Engineering"]
    assert '<option value="technical-lead" data-levels="senior lead principal">Technical Lead</option>' in form
    # One submit button per level: the second click lands on the page.
    buttons = re.findall(r'<button type="submit" class="button button--secondary" name="level" value="([a-z]+)">', form)
    assert buttons == [level.slug for level in levels]
    assert "Continue as" not in html


def test_the_choice_lands_on_the_role_at_that_level_and_is_remembered(client, roles):
    response = client.get(CHOOSE, {"role": "data-scientist", "level": "middle"})
    assert response.status_code == 302
    assert response["Location"] == reverse("skills:role-level", args=["data-scientist", "middle"])
    cookie = response.cookies[READING_COOKIE]
    assert cookie.value == "data-scientist/middle"
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert int(cookie["max-age"]) > 300 * 24 * 3600


def test_a_level_the_role_lacks_lands_on_its_nearest_level(client, roles):
    response = client.get(CHOOSE, {"role": "technical-lead", "level": "junior"})
    assert response["Location"] == "/roles/technical-lead/senior/"
    response = client.get(CHOOSE, {"role": "technical-lead"})
    assert response["Location"] == "/roles/technical-lead/senior/"


def test_an_unknown_role_is_404(client, roles):
    assert client.get(CHOOSE, {"role": "no-such-role", "level": "middle"}).status_code == 404
    assert client.get(CHOOSE).status_code == 404


def test_the_next_visit_offers_the_choice_again(client, roles):
    client.get(CHOOSE, {"role": "data-scientist", "level": "middle"})
    html = home(client)
    assert '<a class="button" href="/roles/data-scientist/middle/">Continue as Data Scientist · Middle</a>' in html
    assert '<option value="data-scientist" data-levels="junior middle senior lead principal" selected>' in html


def test_the_choice_never_reaches_the_shared_copy(client, roles, levels, django_assert_num_queries):
    ExpectationFactory(role=roles["scientist"], level=levels[1])
    visitor = client.__class__()
    home(visitor)  # the shared copy, cached
    client.cookies[READING_COOKIE] = "data-scientist/middle"
    response = client.get("/")
    assert "Continue as Data Scientist · Middle" in response.content.decode()
    assert "ETag" not in response  # never revalidated: the choice can change without the catalog changing
    # A page of its own: the domains, groups, skills and roles, without the revisions.
    with django_assert_num_queries(4):
        client.get("/")
    # The shared copy, before and after: without it.
    for other in (visitor, client.__class__()):
        with django_assert_num_queries(1):
            html = home(other)
        assert "Continue as" not in html


def test_a_garbled_or_stale_cookie_offers_nothing(client, roles):
    for value in ("nonsense", "data-scientist/nope", "technical-lead/junior", ""):
        client.cookies[READING_COOKIE] = value
        assert "Continue as" not in home(client), value


def test_members_keep_their_choice_in_their_growth_plan(client, roles, member):
    client.force_login(member)
    html = home(client)
    form = html[html.index('<form class="front-door__form"') :]
    assert f'method="post" action="{reverse("growth:settings")}"' in form[: form.index(">")]
    assert 'name="csrfmiddlewaretoken"' in form[: form.index("</form>")]
    assert "Continue as" not in html

    response = client.post(reverse("growth:settings"), {"role": "data-scientist", "level": "senior", "show": "1"})
    assert response.status_code == 302
    assert response["Location"] == "/roles/data-scientist/senior/"
    profile = PlanProfile.objects.get(user=member)
    assert (profile.role.slug, profile.level.slug) == ("data-scientist", "senior")
    # The plan has it too, and the next visit offers it.
    assert "Continue as Data Scientist · Senior" in home(client)


def test_the_plan_settings_form_still_goes_to_the_plan(client, roles, member):
    client.force_login(member)
    response = client.post(reverse("growth:settings"), {"role": "data-scientist", "level": "senior"})
    assert response["Location"] == reverse("growth:plan")


def test_members_have_their_plan_in_the_header(client, roles, member):
    assert 'href="/me/plan/"' not in home(client)
    client.force_login(member)
    html = home(client)
    header = html[html.index('<nav class="account-nav"') :]
    assert '<a href="/me/plan/">Growth plan</a>' in header[: header.index("</nav>")]
