"""A comment that is costly Markdown is answered as fast as any other (ISSUE 21, finding 10)."""

import time

import pytest

from proposals.models import Comment
from skills.templatetags.markdown_tags import _sanitized_html


@pytest.mark.parametrize("body", ["[" * 5000, "![" * 2500, "*_" * 2500])
def test_a_comment_of_brackets_is_posted_and_shown_quickly(api, member, skill, body):
    client = api(member)
    assert client.post(f"/api/skills/{skill.slug}/comments/", {"body": "Warm."}, format="json").status_code == 201
    _sanitized_html.cache_clear()  # the POST renders it afresh, as a new text would be
    start = time.monotonic()
    response = client.post(f"/api/skills/{skill.slug}/comments/", {"body": body}, format="json")
    elapsed = time.monotonic() - start
    assert response.status_code == 201
    assert Comment.objects.get(pk=response.json()["id"]).body == body
    assert response.json()["body_html"].startswith("<p>")
    assert elapsed < 1.0
    _sanitized_html.cache_clear()
    start = time.monotonic()
    listed = api().get(f"/api/skills/{skill.slug}/comments/")
    assert listed.status_code == 200
    assert time.monotonic() - start < 1.0
