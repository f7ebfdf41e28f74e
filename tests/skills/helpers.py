"""What tests of the skills pages share: a clock for the audit history, a role with hundreds of skills."""

from dataclasses import dataclass
from datetime import date, datetime, time

from django.utils import timezone

from skills.models import (
    Domain,
    DomainEvent,
    Expectation,
    ExpectationEvent,
    LevelEvent,
    Proficiency,
    Role,
    RoleEvent,
    RoleLevelEvent,
    Skill,
    SkillEvent,
    SkillGroupEvent,
)
from tests.factories import DomainFactory, SkillFactory, SkillGroupFactory, make_role

EVENT_MODELS = [SkillEvent, ExpectationEvent, RoleEvent, RoleLevelEvent, LevelEvent, DomainEvent, SkillGroupEvent]


def at(day: date, hour: int = 12, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=timezone.get_default_timezone())


class Clock:
    """Stamps the audit events written since the last call (or ever, on the first call) with a moment of the past."""

    def __init__(self):
        self.seen = dict.fromkeys(EVENT_MODELS, 0)

    @staticmethod
    def _last(model) -> int:
        return model.objects.order_by("-pgh_id").values_list("pgh_id", flat=True).first() or 0

    def stamp(self, moment: datetime) -> None:
        for model in EVENT_MODELS:
            model.objects.filter(pgh_id__gt=self.seen[model]).update(pgh_created_at=moment)
            self.seen[model] = self._last(model)


# Rows 1-60 are Alpha, 61-180 Beta, 181-250 Gamma: Beta spans pages 1 and 2, Gamma pages 2 and 3.
DOMAINS = [("Alpha", 60), ("Beta", 120), ("Gamma", 70)]


@dataclass
class BigRole:
    role: Role
    names: list[str]  # the skills in matrix order
    domains: dict[str, Domain]
    required: int


def big_role(levels, *, domains=DOMAINS) -> BigRole:
    """A role with one cell per skill, at a level that varies, every tenth required."""
    role = make_role(levels, name="Data Platform Engineer")
    names, made, skills = [], {}, []
    for position, (domain_name, count) in enumerate(domains, start=1):
        domain = made[domain_name] = DomainFactory(name=domain_name, position=position)
        group = SkillGroupFactory(domain=domain)
        for number in range(1, count + 1):
            name = f"{domain_name} skill {number:03d}"  # zero-padded: the name order is the number order
            names.append(name)
            skills.append(SkillFactory.build(group=group, name=name, slug=f"{domain_name.lower()}-{number:03d}"))
    Skill.objects.bulk_create(skills)
    Expectation.objects.bulk_create(
        Expectation(
            skill=skill,
            role=role,
            level=levels[index % len(levels)],
            description=f"{skill.name} for {role.name}.",
            required=index % 10 == 0,
            proficiency=Proficiency.WORKING,
        )
        for index, skill in enumerate(skills)
    )
    return BigRole(role=role, names=names, domains=made, required=sum(i % 10 == 0 for i in range(len(skills))))
