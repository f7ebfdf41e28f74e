"""What tests of the growth plan share."""

from skills.models import Expectation, Proficiency


def cell(skill, role, level, description, *, required=False, proficiency=Proficiency.WORKING) -> Expectation:
    return Expectation.objects.create(
        skill=skill, role=role, level=level, description=description, required=required, proficiency=proficiency
    )
