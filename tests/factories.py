"""Test data built in code. Catalog objects get readable, unique values."""

import datetime

import factory
from django.contrib.auth import get_user_model

from skills.models import Domain, Expectation, Level, Proficiency, Role, RoleLevel, Skill, SkillGroup


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.django.Password("correct horse battery staple")


class DomainFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Domain

    name = factory.Sequence(lambda n: f"Domain {n}")
    slug = factory.Sequence(lambda n: f"domain-{n}")
    position = factory.Sequence(lambda n: n)


class SkillGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SkillGroup

    domain = factory.SubFactory(DomainFactory)
    name = factory.Sequence(lambda n: f"Group {n}")
    slug = factory.Sequence(lambda n: f"group-{n}")
    position = factory.Sequence(lambda n: n)


class SkillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Skill

    group = factory.SubFactory(SkillGroupFactory)
    name = factory.Sequence(lambda n: f"Skill {n}")
    slug = factory.Sequence(lambda n: f"skill-{n}")
    summary = factory.LazyAttribute(lambda s: f"What {s.name} covers.")
    updated = datetime.date(2026, 2, 22)


class RoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Role

    name = factory.Sequence(lambda n: f"Role {n}")
    slug = factory.Sequence(lambda n: f"role-{n}")
    family = "Engineering"
    tagline = factory.LazyAttribute(lambda r: f"What a {r.name} does.")


DEFAULT_LEVELS = [
    ("junior", "Junior", "Jun"),
    ("middle", "Middle", "Mid"),
    ("senior", "Senior", "Sen"),
    ("lead", "Lead / Staff", "Lead"),
    ("principal", "Principal", "Princ"),
]


def make_levels() -> list[Level]:
    return [
        Level.objects.get_or_create(slug=slug, defaults={"name": name, "short": short, "position": position})[0]
        for position, (slug, name, short) in enumerate(DEFAULT_LEVELS, start=1)
    ]


def make_role(levels: list[Level], **kwargs) -> Role:
    role = RoleFactory(**kwargs)
    for level in levels:
        RoleLevel.objects.create(role=role, level=level, stack=f"Stack of {role.name}", focus=f"Focus at {level}")
    return role


class ExpectationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Expectation

    skill = factory.SubFactory(SkillFactory)
    role = factory.SubFactory(RoleFactory)
    level = factory.Iterator(Level.objects.order_by("position"))
    description = factory.Sequence(lambda n: f"Cell description number {n}.")
    required = False
    proficiency = Proficiency.WORKING


def make_catalog(*, skills: int, roles: int = 2, levels: list[Level] | None = None) -> dict:
    """A small catalog: every role has every level, every skill a cell per role and level."""
    levels = levels or make_levels()
    group = SkillGroupFactory()
    role_objs = [make_role(levels) for _ in range(roles)]
    skill_objs = Skill.objects.bulk_create(SkillFactory.build_batch(skills, group=group))
    Expectation.objects.bulk_create(
        Expectation(
            skill=skill,
            role=role,
            level=level,
            description=f"{skill.name} for {role.name} at {level.name}.",
            required=level.position >= 3,
            proficiency=Proficiency.values[min(level.position - 1, 3)],
        )
        for skill in skill_objs
        for role in role_objs
        for level in levels
    )
    return {"levels": levels, "roles": role_objs, "skills": skill_objs, "group": group}
