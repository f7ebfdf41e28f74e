"""Assessments recorded in place (static/js/inplace.js): the row and what it moved, errors in the form, the
plain form too, and the privacy rules: a fragment about another member only for their leads."""

import re

import pytest

from skills.models import Expectation, Proficiency
from teams.models import Assessment
from tests.factories import SkillFactory
from tests.teams.helpers import SECRET_NOTE, client_for

PARTIAL = {"HTTP_X_REQUESTED_WITH": "partial"}


def test_my_assessment_in_place_answers_the_row_the_target_and_the_chart(world, cast):
    client = client_for(cast["member"])
    response = client.post(
        "/me/skills/tracking/?role=data-scientist&level=senior",
        {"tracking-level": "senior", "tracking-note": "Ran the tracker for a quarter."},
        **PARTIAL,
    )
    assert (response.status_code, response["X-Partial"]) == (200, "true")
    html = response.content.decode()
    assert "<p data-inplace-status>Assessment of Tracking recorded.</p>" in html
    assert '<li class="card skill-row" id="skill-tracking">' in html and 'id="skill-testing"' not in html
    assert "Ran the tracker for a quarter." in html
    # The target's result, not the section: the page keeps its picker (every role) as it is.
    assert 'id="target-result"' in html and "Towards Senior Data Scientist" in html
    assert 'id="target"' not in html and 'id="t-role"' not in html
    assert 'id="skills-chart"' in html
    # The row's form posts to the same target again, and is closed after a success.
    assert 'action="/me/skills/tracking/?role=data-scientist&amp;level=senior" data-inplace>' in html
    assert '<details class="skill-row__form">' in html
    assert Assessment.objects.filter(subject=cast["member"], assessor=cast["member"]).count() == 1


def test_an_invalid_assessment_in_place_shows_the_form_with_its_errors(world, cast):
    client = client_for(cast["member"])
    response = client.post("/me/skills/tracking/", {"tracking-level": "wizard"}, **PARTIAL)
    assert (response.status_code, response["X-Partial"]) == (400, "true")
    html = response.content.decode()
    assert "The assessment of Tracking was not recorded: see the form." in html
    assert '<details class="skill-row__form" open>' in html
    assert "Select a valid choice." in html and 'aria-invalid="true"' in html
    assert not Assessment.objects.exists()


def test_the_plain_assessment_form_still_redirects(world, cast):
    client = client_for(cast["member"])
    response = client.post("/me/skills/tracking/?role=data-scientist&level=senior", {"tracking-level": "middle"})
    assert response["Location"] == "/me/skills/?role=data-scientist&level=senior#skill-tracking"
    page = client.get(response["Location"]).content.decode()  # the whole page: the picker and the result
    assert 'id="t-role"' in page and 'id="target-result"' in page and "Towards Senior Data Scientist" in page
    response = client.post("/me/skills/tracking/", {"tracking-level": "middle"})
    assert (response.status_code, response["Location"]) == (302, "/me/skills/#skill-tracking")
    lead = client_for(cast["lead"]).post("/teams/core/people/member/tracking/", {"tracking-level": "junior"})
    assert (lead.status_code, lead["Location"]) == (302, "/teams/core/people/member/#skill-tracking")
    assert Assessment.objects.count() == 3


def test_the_lead_records_in_place_on_the_members_page(world, cast):
    response = client_for(cast["lead"]).post(
        "/teams/core/people/member/tracking/", {"tracking-level": "junior", "tracking-note": SECRET_NOTE}, **PARTIAL
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Assessment of Tracking recorded." in html and SECRET_NOTE in html
    assert 'action="/teams/core/people/member/tracking/" data-inplace>' in html
    assert 'id="target' not in html  # the lead's page has no target
    assert Assessment.objects.get().assessor == cast["lead"]


@pytest.mark.parametrize(
    ("persona", "status"),
    [("outsider", 404), ("invitee", 403), ("teammate", 403), ("member", 403), ("other_lead", 404), ("staff", 403)],
)
def test_no_fragment_about_a_member_for_anyone_but_their_lead(world, cast, assessed, persona, status):
    before = Assessment.objects.count()
    response = client_for(cast[persona]).post(
        "/teams/core/people/member/tracking/", {"tracking-level": "junior"}, **PARTIAL
    )
    assert response.status_code == status
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert SECRET_NOTE not in response.content.decode()
    assert Assessment.objects.count() == before


def _section(html: str, pattern: str) -> str:
    found = re.search(pattern, html, re.S)
    assert found, pattern
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", found.group(0))


ROW = r'<li class="card skill-row" id="skill-tracking">.*?</li>'
TARGET = r'<div class="target__result" id="target-result">.*?\n</div>'
CHART = r'<section class="card skills-chart" id="skills-chart".*?</section>'


def test_my_answer_in_place_agrees_with_my_skills_page(world, cast, assessed):
    """The answer renders from the rows read before the write, the new assessment put in: the page's bytes."""
    client = client_for(cast["member"])
    address = "/me/skills/tracking/?role=data-scientist&level=senior"
    answer = client.post(address, {"tracking-level": "lead", "tracking-note": "Led it."}, **PARTIAL).content.decode()
    page = client.get("/me/skills/?role=data-scientist&level=senior").content.decode()
    for pattern in (ROW, TARGET, CHART):
        assert _section(answer, pattern) == _section(page, pattern)
    assert "Led it." in _section(answer, ROW) and SECRET_NOTE not in _section(answer, ROW)


def test_the_leads_answer_in_place_agrees_with_the_members_page(world, cast, assessed):
    client = client_for(cast["lead"])
    answer = client.post(
        "/teams/core/people/member/tracking/", {"tracking-level": "senior", "tracking-note": "Agreed."}, **PARTIAL
    ).content.decode()
    page = client.get("/teams/core/people/member/").content.decode()
    for pattern in (ROW, CHART):
        assert _section(answer, pattern) == _section(page, pattern)
    assert "Agreed." in _section(answer, ROW) and SECRET_NOTE in _section(
        answer, ROW
    )  # the member's own, for their lead


def _more_skills(world, count: int) -> None:
    """`count` more skills of the member's role, each at every level: the answer reads no more for them."""
    group = world.skills["tracking"].group
    for number in range(count):
        skill = SkillFactory(group=group, name=f"Extra {number:03}", slug=f"extra-{number:03}")
        for level in (world.junior, world.middle, world.senior, world.lead_level):
            Expectation.objects.create(
                skill=skill,
                role=world.role,
                level=level,
                description=f"Extra {number}.",
                proficiency=Proficiency.WORKING,
            )


# Both: the session and the revisions, the access checks, the person's rows read once (profile, role levels,
# cells, the ids of the current assessments, then those joined with their levels, cells and assessors), the write
# (the profile with whether its role has the skill and the level in one query, the locks, the row), the chart's
# counts. Self adds the target (the role and level asked for in ?role=&level=, one query; the target's cells), not
# the picker's roles and levels (the page keeps its picker); the lead's, the team's memberships.
MY_ANSWER_QUERIES = 16
LEAD_ANSWER_QUERIES = 18


@pytest.mark.parametrize("extra", [0, 40])
def test_my_answer_in_place_costs_the_same_at_any_size(world, cast, assessed, extra, django_assert_num_queries):
    _more_skills(world, extra)
    client = client_for(cast["member"])
    client.get("/me/skills/")  # the session's first request reads a little more
    with django_assert_num_queries(MY_ANSWER_QUERIES):
        response = client.post(
            "/me/skills/tracking/?role=data-scientist&level=senior", {"tracking-level": "lead"}, **PARTIAL
        )
    assert response.status_code == 200


@pytest.mark.parametrize("extra", [0, 40])
def test_the_leads_answer_in_place_costs_the_same_at_any_size(world, cast, assessed, extra, django_assert_num_queries):
    _more_skills(world, extra)
    client = client_for(cast["lead"])
    client.get("/teams/core/")
    with django_assert_num_queries(LEAD_ANSWER_QUERIES):
        response = client.post("/teams/core/people/member/tracking/", {"tracking-level": "junior"}, **PARTIAL)
    assert response.status_code == 200
