"""The API's list filters hold their limits for the text as sent, as the JSON bodies do (test_parsers.py): a value
over the limit, however much of it is whitespace, is a 400 naming the filter; one at the limit is not refused for
its length.

The filters are the fields of each list's input serializer, so a new filter is tried as soon as it is declared.
"""

import pytest
from rest_framework.test import APIClient

from proposals.serializers import ProposalFilterIn
from skills.serializers import SkillFilterIn

PADDINGS = {"space": " ", "tab": "\t", "form feed": "\x0c", "vertical tab": "\x0b", "NBSP": "\xa0", "U+2028": "\u2028"}
FILTERS = {"/api/skills/": SkillFilterIn, "/api/proposals/": ProposalFilterIn}


def cases() -> list[tuple]:
    return [
        (url, name, field.max_length)
        for url, serializer in FILTERS.items()
        for name, field in serializer().fields.items()
        if getattr(field, "max_length", None)
    ]


def test_the_filters_are_found():
    assert {(url, name) for url, name, _limit in cases()} >= {("/api/skills/", "role"), ("/api/proposals/", "skill")}


@pytest.mark.parametrize(("url", "name", "limit"), cases())
def test_a_filter_over_its_limit_as_sent_is_a_400_naming_it(db, member, url, name, limit):
    client = APIClient()
    client.force_authenticate(member)
    message = f"Ensure this field has no more than {limit} characters."
    too_long = {"plain": "a" * (limit + 1), "only whitespace": " " * (limit + 1)}
    for kind, padding in PADDINGS.items():
        too_long |= {f"{kind} before": padding + "a" * limit, f"{kind} after": "a" * limit + padding}
    for kind, value in too_long.items():
        response = client.get(url, {name: value})
        assert response.status_code == 400, (kind, response.content[:300])
        assert response.json()[name] == [message], kind
    response = client.get(url, {name: "a" * limit})
    assert response.status_code < 500
    assert message not in response.content.decode()
