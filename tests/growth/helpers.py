"""What tests of the growth plan share."""

from dataclasses import dataclass

from skills.models import Expectation, Level, Proficiency, Role
from tests.factories import DomainFactory, SkillFactory, SkillGroupFactory, make_role


def cell(skill, role, level, description, *, required=False, proficiency=Proficiency.WORKING) -> Expectation:
    return Expectation.objects.create(
        skill=skill, role=role, level=level, description=description, required=required, proficiency=proficiency
    )


@dataclass
class PlanWorld:
    role: Role
    other_role: Role
    junior: Level
    middle: Level
    senior: Level
    lead: Level
    cells: dict  # "<skill slug>@<level slug>" -> Expectation


def plan_world(levels) -> PlanWorld:
    """A role with levels Junior..Lead over two domains; the member is to go from Middle to Senior.

    Domain "Alpha" (position 1): "Zeta" (optional at Senior), "Kappa" (required at Senior, new at Senior),
    "Beta" (optional at Senior). Domain "Omega" (position 2): "Delta" (required at Senior, required at Middle).
    "Middle only" has no Senior cell; the other role has Senior cells for the same skills.
    """
    junior, middle, senior, lead, _principal = levels
    role = make_role([junior, middle, senior, lead], name="Data Scientist", slug="data-scientist")
    other = make_role([junior, middle, senior, lead], name="ML Engineer", slug="ml-engineer")
    alpha = SkillGroupFactory(domain=DomainFactory(name="Alpha", slug="alpha", position=1))
    omega = SkillGroupFactory(domain=DomainFactory(name="Omega", slug="omega", position=2))
    zeta = SkillFactory(group=alpha, name="Zeta", slug="zeta")
    kappa = SkillFactory(group=alpha, name="Kappa", slug="kappa")
    beta = SkillFactory(group=alpha, name="Beta", slug="beta")
    delta = SkillFactory(group=omega, name="Delta", slug="delta")
    only_middle = SkillFactory(group=omega, name="Middle only", slug="middle-only")
    cells = {
        "zeta@middle": cell(zeta, role, middle, "Logs runs by hand."),
        "zeta@senior": cell(zeta, role, senior, "Logs runs automatically.", proficiency=Proficiency.ADVANCED),
        "kappa@senior": cell(kappa, role, senior, "Designs the **evaluation** plan.", required=True),
        "beta@middle": cell(beta, role, middle, "Reads dashboards."),
        "beta@senior": cell(beta, role, senior, "Builds dashboards."),
        "delta@middle": cell(delta, role, middle, "Writes tests for models.", required=True),
        "delta@senior": cell(delta, role, senior, "Writes tests for pipelines.", required=True),
        "middle-only@middle": cell(only_middle, role, middle, "Only at Middle."),
        "zeta@lead": cell(zeta, role, lead, "Sets the team's logging standard."),
        "other@senior": cell(zeta, other, senior, "Another role's cell."),
    }
    return PlanWorld(role=role, other_role=other, junior=junior, middle=middle, senior=senior, lead=lead, cells=cells)
