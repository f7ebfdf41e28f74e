"""The teams pages: every URL tried by every persona, what each sees, the forms, and the CSV."""

import csv
import io
import re

import pytest

from teams.models import Assessment, Membership
from tests.teams.helpers import SECRET_NOTE, SECRET_URL, assessed_cells, client_for, heatmap_cells

PERSONAS = ["anonymous", "outsider", "invitee", "teammate", "member", "lead", "other_lead", "staff"]
SEES_EVIDENCE = {"member", "lead", "staff"}
LOGIN = 302

PAGES = [
    ("get", "/teams/", {}, dict.fromkeys(PERSONAS[1:], 200)),
    ("get", "/me/skills/", {}, dict.fromkeys(PERSONAS[1:], 200)),
    (
        "get",
        "/teams/core/",
        {},
        {"outsider": 404, "invitee": 200, "teammate": 200, "member": 200, "lead": 200, "other_lead": 404, "staff": 200},
    ),
    (
        "get",
        "/teams/core/matrix.csv",
        {},
        {"outsider": 404, "invitee": 403, "teammate": 403, "member": 403, "lead": 200, "other_lead": 404, "staff": 200},
    ),
    (
        "get",
        "/teams/core/people/member/",
        {},
        {"outsider": 404, "invitee": 403, "teammate": 403, "member": 403, "lead": 200, "other_lead": 404, "staff": 200},
    ),
    (
        "post",
        "/teams/core/people/member/tracking/",
        {"tracking-level": "junior"},
        {"outsider": 404, "invitee": 403, "teammate": 403, "member": 403, "lead": 302, "other_lead": 404, "staff": 403},
    ),
    (
        "post",
        "/teams/core/invite/",
        {"user": "outsider"},
        {"outsider": 404, "invitee": 403, "teammate": 403, "member": 403, "lead": 302, "other_lead": 404, "staff": 403},
    ),
    (
        "post",
        "/teams/core/members/member/remove/",
        {},
        {"outsider": 404, "invitee": 403, "teammate": 403, "member": 302, "lead": 302, "other_lead": 404, "staff": 403},
    ),
    (
        "post",
        "/teams/core/members/teammate/make-lead/",
        {},
        {"outsider": 404, "invitee": 403, "teammate": 403, "member": 403, "lead": 302, "other_lead": 404, "staff": 403},
    ),
    (
        "post",
        "/teams/core/accept/",
        {},
        {"outsider": 404, "invitee": 302, "teammate": 302, "member": 302, "lead": 302, "other_lead": 404, "staff": 302},
    ),
    ("post", "/teams/new/", {"name": "Fresh"}, dict.fromkeys(PERSONAS[1:], 302)),
    # Only those with a role (the team's members) have the skill; for the others it is not theirs to assess.
    (
        "post",
        "/me/skills/tracking/",
        {"tracking-level": "senior"},
        {"outsider": 404, "invitee": 404, "teammate": 302, "member": 302, "lead": 302, "other_lead": 404, "staff": 404},
    ),
]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("method", "path", "data", "expected"), PAGES, ids=[f"{p[0]} {p[1]}" for p in PAGES])
def test_access_matrix(cast, assessed, persona, method, path, data, expected):
    response = getattr(client_for(cast[persona]), method)(path, data)
    assert response.status_code == expected.get(persona, LOGIN), response.content[:300]
    if persona == "anonymous":
        assert response["Location"].startswith("/accounts/login/")
    if persona not in SEES_EVIDENCE:
        assert SECRET_NOTE.encode() not in response.content
        assert SECRET_URL.encode() not in response.content


def test_pages_refuse_get_on_writes(cast, world):
    assert client_for(cast["lead"]).get("/teams/core/invite/").status_code == 405


def test_the_heatmap_shows_self_lead_and_disagreement_in_words(cast, assessed):
    html = client_for(cast["lead"]).get("/teams/core/").content.decode()
    assert ("member", "tracking", "Sen", "Mid") in assessed_cells(html)
    (entry,) = [cell for cell in heatmap_cells(html) if cell[:2] == ("member", "tracking")]
    assert entry[2] == "meets · ≠ disagree exp. Mid* · self Sen · lead Mid"
    assert entry[3] == "hm m x"  # the colour's class repeats the words: meets, disagreeing
    assert "1 meet · 0 below · 2 not assessed" in html


def test_a_teammate_sees_the_members_only(cast, assessed):
    html = client_for(cast["teammate"]).get("/teams/core/").content.decode()
    assert "member" in html and "heatmap" not in html and "Sen" not in html


def test_filters(cast, assessed, world):
    client = client_for(cast["lead"])
    only = shown_skills(client.get("/teams/core/?disagree=1"))
    assert "tracking" in only and "testing" not in only
    omega = shown_skills(client.get("/teams/core/?domain=omega"))
    assert "testing" in omega and "tracking" not in omega
    required = shown_skills(client.get("/teams/core/?required=1"))
    assert "tracking" in required and "dashboards" not in required


def test_filters_keep_the_people_with_a_cell_left_and_do_not_call_hidden_cells_outside_the_role(cast, assessed, world):
    from teams import services

    services.self_assessment_record(user=cast["teammate"], skill=world.skills["testing"], level=world.junior)
    services.lead_assessment_record(
        team=world.team, lead=cast["lead"], subject=cast["teammate"], skill=world.skills["testing"], level=world.middle
    )
    client = client_for(cast["lead"])
    html = client.get("/teams/core/?disagree=1").content.decode()
    rows = re.findall(r'<th scope="row"><a href="/teams/core/people/([^/]+)/">', html)
    assert rows == ["member", "teammate"]  # the lead has no disagreement: no row
    assert html.count("hidden by the filters") == 2  # the member's testing, the teammate's tracking
    assert "not in role" not in html
    assert {
        row[0] for row in csv.reader(io.StringIO(client.get("/teams/core/matrix.csv?disagree=1").content.decode()))
    } == {
        "person",
        "member",
        "teammate",
    }
    unfiltered = client.get("/teams/core/").content.decode()
    assert re.findall(r'<th scope="row"><a href="/teams/core/people/([^/]+)/">', unfiltered) == [
        "lead",
        "member",
        "teammate",
    ]
    assert "hidden by the filters" not in unfiltered


def test_a_lead_on_their_own_page_is_sent_to_their_skills_page_not_offered_the_lead_form(cast, world):
    html = client_for(cast["lead"]).get("/teams/core/people/lead/").content.decode()
    assert 'href="/me/skills/"' in html and "a lead does not assess themself" in html
    main = html.split("<main")[1].split("</main>")[0]
    assert "Record my assessment as lead" not in html and 'method="post"' not in main
    assert "Record my assessment as lead" in client_for(cast["lead"]).get("/teams/core/people/member/").content.decode()


def test_sort_by_gap_puts_the_largest_gap_first(cast, world, assessed):
    from teams import services

    services.lead_assessment_record(
        team=world.team, lead=cast["lead"], subject=cast["teammate"], skill=world.skills["testing"], level=None
    )
    html = client_for(cast["lead"]).get("/teams/core/?sort=gap").content.decode()
    people = [person for person, *_rest in assessed_cells(html)]
    assert people.index("teammate") < people.index("lead")


def test_the_csv_has_the_pages_rows(cast, assessed):
    client = client_for(cast["lead"])
    for query in ("", "?disagree=1", "?domain=alpha&sort=gap"):
        html = client.get("/teams/core/" + query).content.decode()
        rows = list(csv.reader(io.StringIO(client.get("/teams/core/matrix.csv" + query).content.decode())))
        assert rows[0][:5] == ["person", "role", "level", "domain", "skill"]
        page_cells = []
        for person, skill, self_level, lead_level in assessed_cells(html):
            page_cells.append((person, skill, self_level, lead_level))
        csv_cells = [(row[0], row[4], row[7], row[8]) for row in rows[1:]]
        names = {"tracking": "Tracking", "dashboards": "Dashboards", "testing": "Testing"}
        assert [(p, names[s], a, b) for p, s, a, b in page_cells] == csv_cells


def shown_skills(response) -> set[str]:
    """The skills of the heatmap's entries in a person's role."""
    return {skill for _person, skill, *_levels in assessed_cells(response.content.decode())}


def test_a_member_records_a_self_assessment_with_a_plain_form(cast, world):
    client = client_for(cast["member"])
    response = client.post(
        "/me/skills/tracking/",
        {
            "tracking-level": "senior",
            "tracking-evidence_url": SECRET_URL,
            "tracking-note": "**Bold** <script>x</script>",
        },
    )
    assert response.status_code == 302 and response["Location"].endswith("#skill-tracking")
    row = Assessment.objects.get(subject=cast["member"])
    assert (row.level, row.evidence_url) == (world.senior, SECRET_URL)
    html = client.get("/me/skills/").content.decode()
    assert "<strong>Bold</strong>" in html and "<script>x" not in html


def test_a_bad_level_is_refused_with_a_message(cast, world):
    client = client_for(cast["member"])
    response = client.post("/me/skills/tracking/", {"tracking-level": "principal"}, follow=True)
    assert not Assessment.objects.exists()
    assert "principal" in response.content.decode()


def test_me_skills_shows_expected_self_lead_gap_target_and_older_text(cast, world, assessed):
    cell = world.cells["tracking@senior"]
    cell.description = "Tracks runs at Senior, with lineage."
    cell.save()
    html = client_for(cast["member"]).get("/me/skills/").content.decode()
    assert "Made against an older text" in html
    assert "<ins>" in html and "lineage" in html
    assert "Towards Senior Data Scientist" in html
    assert "0 of 2" in html and "0 of 1" in html  # required met, optional met
    assert "not a promotion decision" in html
    other = client_for(cast["member"]).get("/me/skills/?role=data-scientist&level=junior").content.decode()
    assert "Towards Junior Data Scientist" in other


def test_the_account_page_shows_invitations(cast, world):
    html = client_for(cast["invitee"]).get("/accounts/profile/").content.decode()
    assert "Team invitations" in html and "/teams/core/accept/" in html
    assert "Team invitations" not in client_for(cast["teammate"]).get("/accounts/profile/").content.decode()


def test_accept_from_the_page_and_leave(cast, world):
    client = client_for(cast["invitee"])
    assert client.post("/teams/core/accept/").status_code == 302
    assert Membership.objects.get(team=world.team, user=cast["invitee"]).is_active
    client.post("/teams/core/members/invitee/remove/")
    assert not Membership.objects.filter(team=world.team, user=cast["invitee"]).exists()


def test_a_lead_who_leaves_loses_the_heatmap_at_once(cast, world, assessed):
    client = client_for(cast["lead"])
    client.post("/teams/core/members/lead/remove/", {"new_lead": "teammate"})
    response = client.get("/teams/core/")
    assert response.status_code == 404
    assert client.get("/teams/core/people/member/").status_code == 404


def test_the_create_form_reports_a_taken_address(cast, world):
    response = client_for(cast["outsider"]).post("/teams/new/", {"name": "Another", "slug": "core"})
    assert response.status_code == 400
    assert "exists" in response.content.decode()
