"""The community models in the admin; decisions made there follow the same rules as on the site."""

import pytest
from django.contrib.auth.models import Group, Permission

from proposals import services
from proposals.models import Comment, Proposal, ProposalStatus
from tests.factories import UserFactory


@pytest.fixture
def admin_client(client, staff):
    client.force_login(staff)
    return client


@pytest.mark.parametrize(
    "url",
    [
        "/admin/proposals/proposal/",
        "/admin/proposals/proposal/?status__exact=open",
        "/admin/proposals/proposal/{proposal}/change/",
        "/admin/proposals/comment/",
        "/admin/proposals/comment/{comment}/change/",
        "/admin/proposals/watch/",
    ],
)
def test_admin_pages_open(admin_client, proposal, member, url):
    comment = services.comment_create(author=member, proposal=proposal, body="Hi.")
    response = admin_client.get(url.format(proposal=proposal.pk, comment=comment.pk))
    assert response.status_code == 200


def approve_in_admin(client, proposal):
    return client.post(
        "/admin/proposals/proposal/",
        {"action": "approve_selected", "_selected_action": [proposal.pk]},
        follow=True,
    )


@pytest.fixture
def editor(db):
    """Staff who may change proposals in the admin, but neither a superuser nor a reviewer."""
    user = UserFactory(username="editor", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="proposals", codename__in=["view_proposal", "change_proposal"]
        )
    )
    return user


def test_staff_outside_the_reviewers_cannot_approve_in_the_admin(client, editor, proposal):
    client.force_login(editor)
    response = approve_in_admin(client, proposal)
    assert "Only reviewers can approve proposals." in response.content.decode()
    assert Proposal.objects.get(pk=proposal.pk).status == ProposalStatus.OPEN


def test_a_reviewing_staff_member_approves_in_the_admin(client, editor, proposal):
    editor.groups.add(Group.objects.get_or_create(name="Reviewers")[0])
    client.force_login(editor)
    response = approve_in_admin(client, proposal)
    assert f"#{proposal.pk} approved." in response.content.decode()
    assert Proposal.objects.get(pk=proposal.pk).status == ProposalStatus.APPROVED


def test_a_superuser_approves_in_the_admin_without_being_a_reviewer(admin_client, staff, proposal):
    assert staff.is_superuser and not staff.groups.exists()
    response = approve_in_admin(admin_client, proposal)
    assert f"#{proposal.pk} approved." in response.content.decode()
    assert Proposal.objects.get(pk=proposal.pk).status == ProposalStatus.APPROVED


def test_a_reviewing_staff_member_hides_comments_in_the_admin(admin_client, staff, member, skill):
    staff.groups.add(Group.objects.get_or_create(name="Reviewers")[0])
    comment = services.comment_create(author=member, skill=skill, body="Spam.")
    admin_client.post("/admin/proposals/comment/", {"action": "hide_selected", "_selected_action": [comment.pk]})
    comment = Comment.objects.get(pk=comment.pk)
    assert (comment.hidden, comment.hidden_by) == (True, staff)
