"""Synthetic teams for scale tests: members of generated roles, their teams and their assessments.

``generate_teams(teams=40, seed=1)`` adds users ``gen-member-00001``…, each with a generated role and a
level of it (their growth plan), in teams ``gen-team-01``… of 5 to 50 people: the first team has 50
people on the generated role whose skill count is nearest 300 (the heatmap the benchmark measures), the
others a size and a role drawn at random. The first member of each team is its lead. Each member assessed
most skills of their role themself and the lead many, with a history of one to three dated rows per skill
over the past year. Deterministic for a seed; the generated catalog must exist (generate_catalog).
"""

import datetime
import random
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Count

from growth.models import PlanProfile
from skills.models import Expectation, Role, RoleLevel
from teams.models import Assessment, AssessmentKind, Membership, MembershipRole, MembershipStatus, Team

PREFIX = "gen-"
LARGEST_TEAM, SMALLEST_TEAM = 50, 5
BENCH_ROLE_SKILLS = 300  # the first team's role: the generated role with the skill count nearest this
SELF_RATE, LEAD_RATE = 0.8, 0.6  # the share of a role's skills assessed by the member, by the lead
NOW = datetime.datetime(2026, 2, 22, 12, tzinfo=datetime.UTC)


@dataclass
class TeamStats:
    teams: int = 0
    members: int = 0
    assessments: int = 0
    timings: dict[str, float] = field(default_factory=dict)

    def __str__(self) -> str:
        return f"{self.teams} teams, {self.members:,} members, {self.assessments:,} assessments"


def delete_generated_teams() -> int:
    """Drop the generated teams and members (their memberships, growth plans and assessments with them)."""
    deleted = Team.objects.filter(slug__startswith=PREFIX).delete()[0]
    return deleted + get_user_model().objects.filter(username__startswith=f"{PREFIX}member-").delete()[0]


def _roles(rng: random.Random) -> list[tuple[Role, int]]:
    """The generated roles with their skill counts, the benchmark's role first."""
    roles = list(
        Role.objects.filter(slug__startswith=PREFIX)
        .annotate(skills=Count("expectations__skill", distinct=True))
        .order_by("slug")
    )
    if not roles:
        raise ValueError("No generated roles: run generate_catalog with --skills and --roles first.")
    first = min(roles, key=lambda role: (abs(role.skills - BENCH_ROLE_SKILLS), role.slug))
    others = [role for role in roles if role.pk != first.pk]
    rng.shuffle(others)
    return [(role, role.skills) for role in [first, *others]]


def generate_teams(*, teams: int, seed: int, progress: Callable[[int, int], None] | None = None) -> TeamStats:
    """Add `teams` generated teams with their members and assessments (one transaction)."""
    stats = TeamStats()
    started = time.perf_counter()
    rng = random.Random(f"{seed}:teams")
    with transaction.atomic():
        roles = _roles(rng)
        sizes = [LARGEST_TEAM] + [rng.randint(SMALLEST_TEAM, LARGEST_TEAM) for _ in range(teams - 1)]
        team_roles = [roles[0][0]] + [rng.choice(roles)[0] for _ in range(teams - 1)]
        role_ids = {role.pk for role in team_roles}
        levels: dict[int, list] = defaultdict(list)
        for row in RoleLevel.objects.filter(role__in=role_ids).select_related("level").order_by("level__position"):
            levels[row.role_id].append(row.level)
        cells: dict[int, dict[int, dict[int, Expectation]]] = defaultdict(lambda: defaultdict(dict))
        # In a fixed order: the same seed draws the same assessments whatever order PostgreSQL reads rows in.
        for cell in (
            Expectation.objects.filter(role__in=role_ids)
            .only("id", "role_id", "skill_id", "level_id", "version", "description")
            .order_by("skill__slug", "level__position")
        ):
            cells[cell.role_id][cell.skill_id][cell.level_id] = cell

        password = make_password(None)
        User = get_user_model()
        users = User.objects.bulk_create(
            User(username=f"{PREFIX}member-{n:05d}", email=f"{PREFIX}member-{n:05d}@example.com", password=password)
            for n in range(1, sum(sizes) + 1)
        )
        team_rows = Team.objects.bulk_create(
            Team(name=f"Generated team {i:02d}", slug=f"{PREFIX}team-{i:02d}") for i in range(1, teams + 1)
        )
        profiles, memberships, members = [], [], []
        start = 0
        for team, size, role in zip(team_rows, sizes, team_roles, strict=True):
            people = users[start : start + size]
            start += size
            for index, user in enumerate(people):
                level = rng.choice(levels[role.pk])
                profiles.append(PlanProfile(user=user, role=role, level=level))
                lead = index == 0
                memberships.append(
                    Membership(
                        team=team,
                        user=user,
                        role=MembershipRole.LEAD if lead else MembershipRole.MEMBER,
                        status=MembershipStatus.ACTIVE,
                        invited_by=people[0],
                    )
                )
                members.append((user, people[0], role, level))
        PlanProfile.objects.bulk_create(profiles, batch_size=5000)
        Membership.objects.bulk_create(memberships, batch_size=5000)
        stats.teams, stats.members = len(team_rows), len(users)
        stats.timings["teams"] = time.perf_counter() - started

        mark = time.perf_counter()
        batch: list[Assessment] = []
        for done, (user, lead, role, level) in enumerate(members, start=1):
            batch.extend(_assessments(rng, user, lead, role, level, levels[role.pk], cells[role.pk]))
            if len(batch) >= 5000 or done == len(members):
                Assessment.objects.bulk_create(batch)
                stats.assessments += len(batch)
                batch = []
                if progress:
                    progress(done, len(members))
        stats.timings["assessments"] = time.perf_counter() - mark
    stats.timings["total"] = time.perf_counter() - started
    return stats


def _assessments(rng, user, lead, role, level, role_levels, role_cells) -> list[Assessment]:
    """A member's history: per skill and kind, one to three dated rows around their level."""
    own = role_levels.index(level)
    rows = []
    kinds = [(AssessmentKind.SELF, user, SELF_RATE)]
    if lead.pk != user.pk:
        kinds.append((AssessmentKind.LEAD, lead, LEAD_RATE))
    for skill_id, by_level in role_cells.items():
        for kind, assessor, rate in kinds:
            if rng.random() >= rate:
                continue
            days = sorted(rng.sample(range(1, 365), rng.choice([1, 1, 2, 3])), reverse=True)
            for ago in days:
                index = own + rng.choice([-2, -1, 0, 0, 0, 1])
                assessed = role_levels[min(index, len(role_levels) - 1)] if index >= 0 else None
                cell = by_level.get(assessed.pk) if assessed is not None else None
                rows.append(
                    Assessment(
                        subject=user,
                        assessor=assessor,
                        kind=kind,
                        skill_id=skill_id,
                        role=role,
                        level=assessed,
                        expectation=cell,
                        version=cell.version if cell else None,
                        description=cell.description if cell else "",
                        created=NOW - datetime.timedelta(days=ago, minutes=rng.randrange(600)),
                    )
                )
    return rows
