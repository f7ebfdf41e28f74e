"""Who may see and do what in teams; the one place every page, API operation and service asks.

The privacy rule: a member's assessments and evidence are visible to that
member, to the active leads of the teams the member actively belongs to, and
to staff; never to anyone else. Lookups return the object or raise Http404
(the object is not theirs to know of) or PermissionDenied (they know of it
but may not do this).
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from teams.models import Membership, MembershipRole, MembershipStatus, Team

User = AbstractBaseUser | AnonymousUser


def is_staff(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_staff)


@dataclass(frozen=True)
class TeamAccess:
    """A team as one user sees it: their own membership (if any) and whether they are staff."""

    team: Team
    membership: Membership | None
    staff: bool

    @property
    def is_lead(self) -> bool:
        return self.membership is not None and self.membership.is_lead

    @property
    def is_active_member(self) -> bool:
        return self.membership is not None and self.membership.is_active

    @property
    def is_invited(self) -> bool:
        return self.membership is not None and self.membership.status == MembershipStatus.INVITED

    @property
    def can_view_matrix(self) -> bool:
        """The heatmap, its CSV and the matrix API: the team's leads and staff."""
        return self.is_lead or self.staff


def get_team_or_404(slug: str, *, user: User) -> TeamAccess:
    """The team, for its members (invited ones too) and staff; anyone else gets 404 (two queries)."""
    if not user.is_authenticated:
        raise Http404(_("No team with this address."))
    team = Team.objects.filter(slug=slug).first()
    membership = Membership.objects.filter(team=team, user=user).first() if team is not None else None
    if membership is not None:
        membership.team = team
    staff = is_staff(user)
    if team is None or (membership is None and not staff):
        raise Http404(_("No team with this address."))
    return TeamAccess(team=team, membership=membership, staff=staff)


def require_lead(access: TeamAccess) -> None:
    if not access.is_lead:
        raise PermissionDenied(_("Only a lead of this team may do this."))


def require_matrix(access: TeamAccess) -> None:
    if not access.can_view_matrix:
        raise PermissionDenied(_("Only the team's leads see its skill matrix."))


def require_active_member(access: TeamAccess) -> None:
    if not access.is_active_member:
        raise PermissionDenied(_("You are not a member of this team."))


def get_membership_or_404(access: TeamAccess, username: str) -> Membership:
    """A member of the team (invited or active) by username, for someone who may see the team."""
    membership = Membership.objects.select_related("user").filter(team=access.team, user__username=username).first()
    if membership is None:
        raise Http404(_("No such member in this team."))
    return membership


def get_assessable_member_or_404(access: TeamAccess, username: str) -> Membership:
    """An active member whom this lead may assess (not the lead themself: their own page is /me/skills/)."""
    require_lead(access)
    membership = get_membership_or_404(access, username)
    if not membership.is_active:
        raise Http404(_("No such member in this team."))
    return membership


def can_view_assessments(viewer: User, subject) -> bool:
    """The privacy rule (at most one query)."""
    if not viewer.is_authenticated:
        return False
    if viewer.pk == subject.pk or is_staff(viewer):
        return True
    return Membership.objects.filter(
        user=viewer,
        role=MembershipRole.LEAD,
        status=MembershipStatus.ACTIVE,
        team__memberships__user=subject,
        team__memberships__status=MembershipStatus.ACTIVE,
    ).exists()


def get_subject_or_404(viewer: User, username: str):
    """A member whose assessments the viewer may see; 404 for anyone else (no hint that they exist)."""
    subject = get_user_model().objects.filter(username=username).first() if viewer.is_authenticated else None
    if subject is None or not can_view_assessments(viewer, subject):
        raise Http404(_("No such member."))
    return subject
