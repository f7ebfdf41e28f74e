"""{% community_block skill %} and the watch form it posts to."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import Context, Template
from django.test import RequestFactory

from proposals import services
from proposals.models import Comment, Proposal, ProposalChange, Watch
from tests.factories import UserFactory

BLOCK = Template("{% load community %}{% community_block skill %}")


def render(skill, user=None) -> str:
    request = RequestFactory().get(skill.get_absolute_url())
    request.user = user or AnonymousUser()
    return BLOCK.render(Context({"skill": skill, "request": request, "csrf_token": "token123"}))


def test_anonymous_sees_counts_lists_and_a_sign_in_link(skill, proposal, member):
    services.watch_set(user=member, skill=skill)
    services.comment_create(author=member, skill=skill, body="*Useful* skill.")
    html = render(skill)
    assert "1 watcher" in html
    assert "<form" not in html
    assert f'href="/accounts/login/?next=/skills/{skill.slug}/suggest/"' in html
    assert "Sign in to suggest changes" in html
    assert f'href="/proposals/{proposal.pk}/"' in html
    assert "Open" in html
    assert "2 expectations" in html
    assert "<em>Useful</em> skill." in html


def test_a_member_gets_the_watch_form_and_the_suggest_link(skill, member):
    html = render(skill, member)
    assert f'action="/skills/{skill.slug}/watch/"' in html
    assert 'name="action" value="watch"' in html
    assert 'value="token123"' in html
    assert f'href="/skills/{skill.slug}/suggest/"' in html
    services.watch_set(user=member, skill=skill)
    assert 'name="action" value="unwatch"' in render(skill, member)


def test_hidden_comments_stay_out_of_the_block(skill, member, reviewer):
    comment = services.comment_create(author=member, skill=skill, body="Spam spam.")
    services.comment_hide(comment=comment, reviewer=reviewer, reason="Spam")
    assert "Spam spam." not in render(skill, reviewer)
    assert "No comments yet." in render(skill, reviewer)


@pytest.mark.parametrize("n", [10, 100])
def test_the_block_costs_the_same_queries_at_any_size(skill, cell, member, n, django_assert_num_queries):
    users = [UserFactory() for _ in range(n)]
    Watch.objects.bulk_create(Watch(user=user, skill=skill) for user in users)
    proposals = Proposal.objects.bulk_create(
        Proposal(author=users[i], skill=skill, rationale=f"Reason {i}.") for i in range(n)
    )
    ProposalChange.objects.bulk_create(
        ProposalChange(proposal=p, role=cell.role, level=cell.level, description="New.", proficiency="working")
        for p in proposals
    )
    Comment.objects.bulk_create(Comment(skill=skill, author=users[i], body=f"Comment {i}.") for i in range(n))
    # the revisions and the skill's own (the listener is off in tests; rendered alone, the block asks for its
    # skill's counters after the others were read), what everyone sees (proposals with people and counts,
    # comments with people, watchers), whether this member watches, the reviewer check (who may hide)
    with django_assert_num_queries(7):
        html = render(skill, member)
    assert f"{n} watchers" in html
    assert html.count('class="status status-open"') == 10
    assert html.count('<li id="comment-') == min(n, 50)
    # Then the shared part is kept: the revisions (two reads, as above), this member's watch, the reviewer check
    # (asked once per request: a new request has a new user object).
    again = type(member).objects.get(pk=member.pk)
    with django_assert_num_queries(4):
        assert render(skill, again) == html


def test_members_share_the_kept_part_and_each_sees_their_own_watch(skill, member, author):
    services.watch_set(user=member, skill=skill)
    mine, theirs = render(skill, member), render(skill, author)
    assert 'name="action" value="unwatch"' in mine and "1 watcher" in mine
    assert 'name="action" value="watch"' in theirs and "1 watcher" in theirs
    # Any community write shows at once, to every member.
    services.comment_create(author=author, skill=skill, body="Fresh news.")
    assert "Fresh news." in render(skill, member)
    services.watch_set(user=author, skill=skill)
    assert "2 watchers" in render(skill, member)
    assert 'name="action" value="unwatch"' in render(skill, author)


def test_the_watch_form_watches_and_unwatches(client, member, skill):
    client.force_login(member)
    response = client.post(f"/skills/{skill.slug}/watch/", {"action": "watch"})
    assert response.status_code == 302
    assert response["Location"] == f"/skills/{skill.slug}/#community"
    assert Watch.objects.filter(user=member, skill=skill).exists()
    client.post(f"/skills/{skill.slug}/watch/", {"action": "unwatch"})
    assert not Watch.objects.filter(user=member, skill=skill).exists()


def test_the_watch_form_sends_anonymous_users_to_sign_in(client, skill):
    response = client.post(f"/skills/{skill.slug}/watch/", {"action": "watch"})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
    assert not Watch.objects.exists()


@pytest.mark.parametrize(("method", "slug", "expected"), [("get", "skill", 405), ("post", "no-such-skill", 404)])
def test_the_watch_form_refuses_get_and_unknown_skills(client, member, skill, method, slug, expected):
    client.force_login(member)
    url = f"/skills/{skill.slug if slug == 'skill' else slug}/watch/"
    assert getattr(client, method)(url).status_code == expected


def test_the_watch_form_needs_the_csrf_token(member, skill):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    assert client.post(f"/skills/{skill.slug}/watch/", {"action": "watch"}).status_code == 403
    assert not Watch.objects.exists()
