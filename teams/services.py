"""Writes of teams and assessments; the pages, the API and the admin's users all come here.

Refusals: ValidationError (with the field to blame) for input the caller can
fix, PermissionDenied for someone who may not do this. The project's API
exception handler turns them into 400 and 403.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, Value
from django.utils.text import slugify
from django.utils.translation import gettext as _

from growth.models import PlanProfile
from skills.locking import lock_skills
from skills.models import Expectation, Level, RoleLevel, Skill
from skills.services import skill_gone
from teams.models import (
    NOTE_MAX_LENGTH,
    TEAM_NAME_MAX_LENGTH,
    Assessment,
    AssessmentKind,
    Membership,
    MembershipRole,
    MembershipStatus,
    Team,
)

# --- Teams -----------------------------------------------------------------------


@transaction.atomic
def team_create(*, user, name: str, slug: str = "") -> Team:
    """A new team; its creator is its first lead. A slug given must be free; else one is made from the name."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the team a name.")})
    if len(name) > TEAM_NAME_MAX_LENGTH:
        raise ValidationError({"name": _("At most %(max)d characters.") % {"max": TEAM_NAME_MAX_LENGTH}})
    if slug:
        slug = slugify(slug)[:TEAM_NAME_MAX_LENGTH]
        if not slug:
            raise ValidationError({"slug": _("Give the team an address of letters, digits or hyphens.")})
        if Team.objects.filter(slug=slug).exists():
            message = _("A team with the address “%(slug)s” exists; choose another.") % {"slug": slug}
            raise ValidationError({"slug": message})
    else:
        slug = _free_slug(slugify(name)[: TEAM_NAME_MAX_LENGTH - 8] or "team")
    team = Team.objects.create(name=name, slug=slug)
    Membership.objects.create(
        team=team, user=user, role=MembershipRole.LEAD, status=MembershipStatus.ACTIVE, invited_by=user
    )
    return team


def _free_slug(base: str) -> str:
    """The name's address, or with -2, -3, ... when taken: names need not be unique, addresses are."""
    taken = set(Team.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    if base not in taken:
        return base
    return next(f"{base}-{n}" for n in range(2, len(taken) + 3) if f"{base}-{n}" not in taken)


def _locked_memberships(team: Team) -> dict[int, Membership]:
    """The team's memberships by user id, locked: two leads leaving at once cannot leave the team without one."""
    return {m.user_id: m for m in Membership.objects.select_for_update().filter(team=team).order_by("pk")}


def _require_lead(memberships: dict[int, Membership], user) -> None:
    membership = memberships.get(user.pk)
    if membership is None or not membership.is_lead:
        raise PermissionDenied(_("Only a lead of this team may do this."))


def find_user(identifier: str):
    """An existing user by username or email (case-insensitive); ValidationError when none or several."""
    identifier = identifier.strip()
    users = list(get_user_model().objects.filter(Q(username__iexact=identifier) | Q(email__iexact=identifier))[:2])
    if identifier and len(users) == 2:
        exact = [user for user in users if user.username == identifier]
        users = exact or users
    if not identifier or not users:
        raise ValidationError({"user": _("No member with this username or email. They must sign up first.")})
    if len(users) > 1:
        raise ValidationError({"user": _("Several members match; give the username.")})
    return users[0]


@transaction.atomic
def member_invite(*, team: Team, by, identifier: str) -> Membership:
    """A lead invites an existing member by username or email; the member accepts or declines."""
    memberships = _locked_memberships(team)
    _require_lead(memberships, by)
    user = find_user(identifier)
    existing = memberships.get(user.pk)
    if existing is not None:
        message = (
            _("%(user)s is already invited.") if not existing.is_active else _("%(user)s is already in this team.")
        )
        raise ValidationError({"user": message % {"user": user.get_username()}})
    return Membership.objects.create(team=team, user=user, invited_by=by)


def _invitation(team: Team, user) -> Membership:
    membership = Membership.objects.select_for_update().filter(team=team, user=user).first()
    if membership is None or membership.status != MembershipStatus.INVITED:
        raise ValidationError(_("You have no open invitation to this team."))
    return membership


@transaction.atomic
def invitation_accept(*, team: Team, user) -> Membership:
    membership = _invitation(team, user)
    membership.status = MembershipStatus.ACTIVE
    membership.save(update_fields=["status"])
    return membership


@transaction.atomic
def invitation_decline(*, team: Team, user) -> None:
    _invitation(team, user).delete()


@transaction.atomic
def member_remove(*, team: Team, by, user, new_lead=None) -> None:
    """A lead removes a member (or withdraws an invitation); a member leaves (by is user).

    The team keeps a lead: the last lead leaves only by naming another active member as lead.
    """
    memberships = _locked_memberships(team)
    if by.pk != user.pk:
        _require_lead(memberships, by)
    membership = memberships.get(user.pk)
    if membership is None:
        raise ValidationError({"user": _("%(user)s is not in this team.") % {"user": user.get_username()}})
    other_leads = [m for m in memberships.values() if m.is_lead and m.user_id != user.pk]
    if membership.is_lead and not other_leads:
        successor = memberships.get(new_lead.pk) if new_lead is not None else None
        if successor is None or not successor.is_active or successor.user_id == user.pk:
            raise ValidationError(
                {"new_lead": _("The team needs a lead: name another active member as lead before you leave.")}
            )
        successor.role = MembershipRole.LEAD
        successor.save(update_fields=["role"])
    membership.delete()


@transaction.atomic
def member_make_lead(*, team: Team, by, user) -> Membership:
    memberships = _locked_memberships(team)
    _require_lead(memberships, by)
    membership = memberships.get(user.pk)
    if membership is None or not membership.is_active:
        raise ValidationError({"user": _("Only an active member of the team can become a lead.")})
    membership.role = MembershipRole.LEAD
    membership.save(update_fields=["role"])
    return membership


# --- Assessments -----------------------------------------------------------------


def _clean_evidence(*, evidence_url: str, note: str) -> tuple[str, str]:
    evidence_url, note = (evidence_url or "").strip(), (note or "").strip()
    errors = {}
    if evidence_url:
        try:
            URLValidator(schemes=["http", "https"])(evidence_url)
        except ValidationError:
            errors["evidence_url"] = _("Give a web address starting with http:// or https://.")
        if len(evidence_url) > Assessment._meta.get_field("evidence_url").max_length:
            errors["evidence_url"] = _("This address is too long.")
    if len(note) > NOTE_MAX_LENGTH:
        errors["note"] = _("At most %(max)d characters.") % {"max": NOTE_MAX_LENGTH}
    if errors:
        raise ValidationError(errors)
    return evidence_url, note


def _record(*, subject, assessor, kind: str, skill: Skill, level: Level | None, evidence_url: str, note: str):
    # The profile with whether its role has the skill and the level: one query.
    role = OuterRef("role")
    profile = (
        PlanProfile.objects.select_related("role")
        .filter(user=subject)
        .annotate(
            has_skill=Exists(Expectation.objects.filter(role=role, skill=skill)),
            has_level=Exists(RoleLevel.objects.filter(role=role, level=level)) if level is not None else Value(True),
        )
        .first()
    )
    if profile is None:
        if kind == AssessmentKind.SELF:
            raise ValidationError(_("Choose your role and current level first."))
        raise ValidationError(_("This member has not chosen a role and level yet."))
    evidence_url, note = _clean_evidence(evidence_url=evidence_url, note=note)
    if not profile.has_skill:
        raise ValidationError(
            {"skill": _("%(skill)s is not a skill of the role %(role)s.") % {"skill": skill.name, "role": profile.role}}
        )
    if not profile.has_level:
        raise ValidationError(
            {"level": _("The role %(role)s has no level %(level)s.") % {"role": profile.role, "level": level.name}}
        )
    # The skill's row before its cell (skills/locking.py): a merge holds the skill and then takes the cells;
    # one that ran meanwhile has moved the skill's assessments and deleted it.
    if not lock_skills([skill.pk]):
        raise skill_gone(skill)
    # Locked, so that the version and the text recorded belong together.
    cell = (
        Expectation.objects.select_for_update().filter(role=profile.role, skill=skill, level=level).first()
        if level is not None
        else None
    )
    return Assessment.objects.create(
        subject=subject,
        assessor=assessor,
        kind=kind,
        skill=skill,
        role=profile.role,
        level=level,
        expectation=cell,
        version=cell.version if cell else None,
        description=cell.description if cell else "",
        evidence_url=evidence_url,
        note=note,
    )


@transaction.atomic
def self_assessment_record(
    *, user, skill: Skill, level: Level | None, evidence_url: str = "", note: str = ""
) -> Assessment:
    """The member's own view of a skill of their role: a new current row; the earlier ones stay as history."""
    return _record(
        subject=user,
        assessor=user,
        kind=AssessmentKind.SELF,
        skill=skill,
        level=level,
        evidence_url=evidence_url,
        note=note,
    )


@transaction.atomic
def lead_assessment_record(
    *, team: Team, lead, subject, skill: Skill, level: Level | None, evidence_url: str = "", note: str = ""
) -> Assessment:
    """A lead's view of an active member of their team, beside the member's own."""
    memberships = {m.user_id: m for m in Membership.objects.filter(team=team, user__in=[lead.pk, subject.pk])}
    _require_lead(memberships, lead)
    if lead.pk == subject.pk:
        raise ValidationError(_("Record your own assessment on your skills page."))
    membership = memberships.get(subject.pk)
    if membership is None or not membership.is_active:
        raise PermissionDenied(_("%(user)s is not a member of this team.") % {"user": subject.get_username()})
    return _record(
        subject=subject,
        assessor=lead,
        kind=AssessmentKind.LEAD,
        skill=skill,
        level=level,
        evidence_url=evidence_url,
        note=note,
    )
