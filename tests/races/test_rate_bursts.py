"""Each write rate is exact under a burst: 60 posts by one member at once, pages and API mixed (issue 21, 6 and 15).

The rates are set small for the server (5 comments a minute, 3 proposals an hour); every post is valid, so
exactly the limit is stored and every other post is refused with 429, never a 5xx.
"""

import pytest
import requests

from proposals.models import Comment, Proposal
from tests.factories import make_catalog
from tests.races.helpers import burst, no_server_errors, page_post, page_session, suggest_data, token_header

pytestmark = pytest.mark.django_db(transaction=True)

SERVER_ENV = {"RATE_LIMIT_COMMENTS": "5/min", "RATE_LIMIT_PROPOSALS": "3/hour"}
POSTS = 60


def test_a_burst_of_comments_by_one_member_stores_exactly_the_limit(server, levels, member):
    catalog = make_catalog(skills=2, roles=1, levels=levels)
    first, second = catalog["skills"]
    api = token_header(member)
    page = page_session(member)

    def post(number: int):
        skill = (first, second)[number % 2]  # the limit is the member's, whatever they comment on
        if number % 3 == 0:
            url = f"{server}/skills/{skill.slug}/comments/"
            return lambda: page_post(page, url, {"body": f"Comment {number}"})
        url = f"{server}/api/skills/{skill.slug}/comments/"
        return lambda: requests.post(url, json={"body": f"Comment {number}"}, headers=api, timeout=120)

    responses = burst([post(number) for number in range(POSTS)])

    no_server_errors(responses)
    written = [r for r in responses if r.status_code in (201, 302)]
    assert len(written) == 5, [r.status_code for r in responses]
    assert sorted(r.status_code for r in responses if r not in written) == [429] * (POSTS - 5)
    assert Comment.objects.filter(author=member).count() == 5


def test_a_burst_of_proposals_by_one_member_stores_exactly_the_limit(server, levels, member):
    skill = make_catalog(skills=1, roles=2, levels=levels)["skills"][0]
    cells = list(skill.expectations.select_related("role", "level").order_by("pk"))
    api = token_header(member)
    page = page_session(member)

    def post(number: int):
        cell = cells[number % len(cells)]
        text = f"Proposal {number} for this cell."
        if number % 3 == 0:
            data = suggest_data(skill, rationale=f"#{number}", changed={(cell.role.slug, cell.level.slug): text})
            return lambda: page_post(page, f"{server}/skills/{skill.slug}/suggest/", data)
        change = {
            "role": cell.role.slug,
            "level": cell.level.slug,
            "description": text,
            "required": cell.required,
            "proficiency": cell.proficiency,
            "base_version": cell.version,
        }
        body = {"skill": skill.slug, "rationale": f"#{number}", "changes": [change]}
        return lambda: requests.post(f"{server}/api/proposals/", json=body, headers=api, timeout=120)

    responses = burst([post(number) for number in range(POSTS)])

    no_server_errors(responses)
    written = [r for r in responses if r.status_code in (201, 302)]
    assert len(written) == 3, [r.status_code for r in responses]
    assert sorted(r.status_code for r in responses if r not in written) == [429] * (POSTS - 3)
    assert Proposal.objects.filter(author=member).count() == 3
