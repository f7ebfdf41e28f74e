"""The database holds the rules the code relies on (STYLE.md habit 8)."""

import pytest
from django.db import IntegrityError, transaction

from teams.models import NOTE_MAX_LENGTH, Assessment, AssessmentKind, Membership, MembershipRole, MembershipStatus, Team
from tests.factories import SkillFactory, UserFactory, make_role


@pytest.fixture
def team(db):
    return Team.objects.create(name="Core", slug="core")


def _refused(**kwargs):
    with pytest.raises(IntegrityError), transaction.atomic():
        kwargs.pop("model").objects.create(**kwargs)


def test_a_user_is_in_a_team_once(team, member):
    Membership.objects.create(team=team, user=member)
    _refused(model=Membership, team=team, user=member, role=MembershipRole.MEMBER)


def test_an_invited_lead_is_refused(team, member):
    _refused(model=Membership, team=team, user=member, role=MembershipRole.LEAD, status=MembershipStatus.INVITED)
    Membership.objects.create(team=team, user=member, role=MembershipRole.LEAD, status=MembershipStatus.ACTIVE)


@pytest.fixture
def axes(levels):
    role = make_role(levels[:3])
    return {"role": role, "skill": SkillFactory(), "level": levels[1]}


def test_a_self_assessment_is_by_its_subject_and_a_lead_one_is_not(axes, member):
    other = UserFactory(username="other")
    _refused(model=Assessment, subject=member, assessor=other, kind=AssessmentKind.SELF, **axes)
    _refused(model=Assessment, subject=member, assessor=member, kind=AssessmentKind.LEAD, **axes)
    Assessment.objects.create(subject=member, assessor=member, kind=AssessmentKind.SELF, **axes)
    Assessment.objects.create(subject=member, assessor=other, kind=AssessmentKind.LEAD, **axes)


def test_a_version_needs_its_text_and_a_level(axes, member):
    base = {"subject": member, "assessor": member, "kind": AssessmentKind.SELF, "role": axes["role"]}
    _refused(model=Assessment, skill=axes["skill"], level=axes["level"], version=1, description="", **base)
    _refused(model=Assessment, skill=axes["skill"], level=None, version=1, description="Text.", **base)
    Assessment.objects.create(skill=axes["skill"], level=None, **base)


def test_the_note_limit_is_held_by_the_database(axes, member):
    base = {"subject": member, "assessor": member, "kind": AssessmentKind.SELF, **axes}
    _refused(model=Assessment, note="x" * (NOTE_MAX_LENGTH + 1), **base)
    Assessment.objects.create(note="x" * NOTE_MAX_LENGTH, **base)


def test_current_is_the_latest_row_per_subject_kind_and_skill(axes, member, levels):
    base = {"subject": member, "assessor": member, "kind": AssessmentKind.SELF, "skill": axes["skill"]}
    Assessment.objects.create(role=axes["role"], level=levels[0], **base)
    latest = Assessment.objects.create(role=axes["role"], level=levels[2], **base)
    assert list(Assessment.objects.current()) == [latest]
    assert Assessment.objects.count() == 2
