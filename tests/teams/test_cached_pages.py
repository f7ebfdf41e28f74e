"""The team page is kept whole per viewer (freshness.member_pages): it must be exactly right on the very next
request after any write (an assessment, a membership change, a catalog edit, a rename), and carry each
visitor's own CSRF token."""

import re

from django.contrib.auth import get_user_model
from django.test import Client

from skills.models import Expectation
from teams import services
from tests.teams.helpers import assessed_cells, client_for, heatmap_cells


def entry(html: str, person: str, skill: str) -> str:
    (found,) = [text for who, slug, text, _classes in heatmap_cells(html) if (who, slug) == (person, skill)]
    return found


def test_an_assessment_shows_on_the_next_request(cast, world, assessed):
    client = client_for(cast["lead"])
    before = client.get("/teams/core/").content.decode()
    assert ("teammate", "testing", "—", "—") in assessed_cells(before)
    services.self_assessment_record(user=cast["teammate"], skill=world.skills["testing"], level=world.senior)
    after = client.get("/teams/core/").content.decode()
    assert ("teammate", "testing", "Sen", "—") in assessed_cells(after)


def test_a_lead_assessment_and_its_disagreement_show_on_the_next_request(cast, world, assessed):
    client = client_for(cast["lead"])
    assert "≠" not in entry(client.get("/teams/core/").content.decode(), "teammate", "dashboards")
    services.self_assessment_record(user=cast["teammate"], skill=world.skills["dashboards"], level=world.senior)
    services.lead_assessment_record(
        team=world.team, lead=cast["lead"], subject=cast["teammate"], skill=world.skills["dashboards"], level=None
    )
    assert "≠ disagree" in entry(client.get("/teams/core/").content.decode(), "teammate", "dashboards")


def test_membership_changes_show_on_the_next_request(cast, world, assessed):
    client = client_for(cast["lead"])
    people = {person for person, *_rest in heatmap_cells(client.get("/teams/core/").content.decode())}
    assert people == {"lead", "member", "teammate"}
    services.invitation_accept(team=world.team, user=cast["invitee"])
    html = client.get("/teams/core/").content.decode()
    assert "invitee" in {person for person, *_rest in heatmap_cells(html)}  # a row, though no role chosen yet
    services.member_remove(team=world.team, by=cast["lead"], user=cast["teammate"])
    html = client.get("/teams/core/").content.decode()
    assert "teammate" not in {person for person, *_rest in heatmap_cells(html)}
    assert "teammate" not in html.split('class="team-members"')[1].split("</ul>")[0]


def test_a_removed_member_and_a_lead_who_left_are_refused_on_the_next_request(cast, world, assessed):
    teammate, lead = client_for(cast["teammate"]), client_for(cast["lead"])
    assert teammate.get("/teams/core/").status_code == 200
    assert lead.get("/teams/core/").status_code == 200
    services.member_remove(team=world.team, by=cast["lead"], user=cast["teammate"])
    assert teammate.get("/teams/core/").status_code == 404
    services.member_remove(team=world.team, by=cast["lead"], user=cast["lead"], new_lead=cast["member"])
    response = lead.get("/teams/core/")
    assert response.status_code == 404 and b"Sen" not in response.content


def test_staff_who_lose_the_flag_lose_the_page_on_the_next_request(cast, world, assessed):
    staff = cast["staff"]
    client = client_for(staff)
    assert client.get("/teams/core/").status_code == 200
    get_user_model().objects.filter(pk=staff.pk).update(is_staff=False)  # no counter moves: the key does
    assert client.get("/teams/core/").status_code == 404


def test_a_catalog_edit_shows_on_the_next_request(cast, world, assessed):
    client = client_for(cast["lead"])
    assert entry(client.get("/teams/core/").content.decode(), "member", "dashboards").endswith(
        "exp. Mid · self — · lead —"
    )
    Expectation.objects.filter(pk=world.cells["dashboards@middle"].pk).update(required=True)
    assert "exp. Mid* ·" in entry(client.get("/teams/core/").content.decode(), "member", "dashboards")


def test_a_rename_shows_on_the_next_request(cast, world, assessed):
    client = client_for(cast["lead"])
    assert "teammate" in {p for p, *_rest in heatmap_cells(client.get("/teams/core/").content.decode())}
    get_user_model().objects.filter(pk=cast["teammate"].pk).update(username="renamed")
    html = client.get("/teams/core/").content.decode()
    assert {p for p, *_rest in heatmap_cells(html)} == {"lead", "member", "renamed"}


def test_each_visitor_gets_their_own_working_csrf_token(cast, world, assessed):
    def tokens(client) -> set[str]:
        html = client.get("/teams/core/").content.decode()
        return set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html))

    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first.force_login(cast["lead"])
    second.force_login(cast["lead"])
    one = tokens(first)
    (two,) = tokens(second)  # the copy kept from the first visit, with the second visitor's token in every form
    assert two not in one
    response = second.post("/teams/core/invite/", {"user": "outsider", "csrfmiddlewaretoken": two})
    assert response.status_code == 302  # accepted: the token is the visitor's own
    assert second.post("/teams/core/invite/", {"user": "outsider"}).status_code == 403


def test_pages_of_people_and_the_default_domain(cast, world, assessed, monkeypatch):
    from teams import pages, selectors

    monkeypatch.setattr(pages, "PEOPLE_PER_PAGE", 2)
    client = client_for(cast["lead"])
    html = client.get("/teams/core/").content.decode()
    assert [p for p, *_rest in heatmap_cells(html)][::3] == ["lead", "member"]  # three skills a person
    assert "People 1\u20132 of 3" in html and 'href="?domain=all&amp;page=2"' in html
    second = client.get("/teams/core/?domain=all&page=2").content.decode()
    assert {p for p, *_rest in heatmap_cells(second)} == {"teammate"}
    assert client.get("/teams/core/?page=99").content.decode().count("People 3\u20133 of 3") == 1  # the last page
    assert "People 1\u20132 of 3" in client.get("/teams/core/?page=x").content.decode()
    monkeypatch.setattr(selectors, "ALL_DOMAINS_UP_TO", 2)  # three skills: the page opens on the first domain
    html = client.get("/teams/core/?sort=gap").content.decode()  # another key: built afresh
    assert {skill for _p, skill, *_rest in heatmap_cells(html)} == {"tracking", "dashboards"}
    assert '<option value="alpha" selected>' in html and "matrix.csv?domain=alpha&amp;sort=gap" in html
    everything = client.get("/teams/core/?sort=gap&domain=all").content.decode()
    assert {skill for _p, skill, *_rest in heatmap_cells(everything)} == {"tracking", "dashboards", "testing"}
    # The CSV without a domain keeps every domain and every person.
    rows = client.get("/teams/core/matrix.csv").content.decode().splitlines()
    assert len(rows) == 1 + 3 * 3
