"""CommentOut builds its dict by hand (speed); it must say exactly what its declared fields say."""

import datetime

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from rest_framework import serializers
from rest_framework.test import APIRequestFactory

from proposals import services
from proposals.models import Comment
from proposals.serializers import CommentOut


def declared(comment, user) -> dict:
    """What DRF makes of the declared fields: Serializer.to_representation, which CommentOut overrides."""
    request = APIRequestFactory().get("/")
    request.user = user
    return serializers.Serializer.to_representation(CommentOut(context={"request": request}), comment)


def built(comment, user) -> dict:
    request = APIRequestFactory().get("/")
    request.user = user
    return CommentOut(comment, context={"request": request}).data


@pytest.fixture
def comments(skill, proposal, author, member, reviewer):
    services.comment_create(author=author, skill=skill, body="**Bold** and <script>x</script>")
    services.comment_create(author=member, proposal=proposal, body="On the proposal, by *another* member.")
    services.comment_create(
        author=author, skill=skill, body="Ünïcode 数据 & an entity: &amp; [a link](https://example.com)"
    )
    edited = services.comment_create(author=author, skill=skill, body="Edited once.")
    services.comment_edit(comment=edited, user=author, body="Edited *twice*.")
    hidden = services.comment_create(author=author, skill=skill, body="Off topic.")
    services.comment_hide(comment=hidden, reviewer=reviewer, reason="Off topic.")
    hidden_on_a_proposal = services.comment_create(author=member, proposal=proposal, body="Spam.")
    services.comment_hide(comment=hidden_on_a_proposal, reviewer=reviewer, reason="Spam.")
    old = services.comment_create(author=author, skill=skill, body="From last year.")
    Comment.objects.filter(pk=old.pk).update(created=timezone.now() - datetime.timedelta(days=400))
    return list(Comment.objects.select_related("author", "hidden_by").order_by("pk"))


@pytest.mark.parametrize("who", ["anonymous", "author", "member", "reviewer", "staff"])
def test_comment_out_says_what_its_declared_fields_say(request, comments, who):
    user = AnonymousUser() if who == "anonymous" else request.getfixturevalue(who)
    for comment in comments:
        assert built(comment, user) == declared(comment, user)
    assert list(built(comments[0], user)) == list(CommentOut().fields)


def test_comment_out_without_a_request_says_what_its_declared_fields_say(comments):
    for comment in comments:
        assert CommentOut(comment).data == serializers.Serializer.to_representation(CommentOut(), comment)


def test_a_page_of_comments_says_what_its_declared_fields_say(comments, member):
    request = APIRequestFactory().get("/")
    request.user = member
    listed = CommentOut(comments, many=True, context={"request": request}).data
    assert listed == [declared(comment, member) for comment in comments]


def test_comment_out_hides_a_hidden_body_from_other_members(comments, member):
    hidden = next(comment for comment in comments if comment.hidden)
    data = built(hidden, member)
    assert data["body"] == "" and data["body_html"] == "" and data["hidden_by"] == "reviewer"
