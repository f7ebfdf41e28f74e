"""CSV downloads of a skill's cells and of a role's matrix: two queries each, whatever their size."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.http import content_disposition_header

from skills import exports, selectors
from skills.models import Role, Skill


def skill_cells_csv(request, slug):
    skill = get_object_or_404(Skill.objects.with_taxonomy(), slug=slug)
    response = _csv_response(f"{skill.slug}-cells.csv")
    exports.write_csv(response, exports.SKILL_COLUMNS, exports.skill_rows(skill, selectors.skill_cells_for_csv(skill)))
    return response


def role_matrix_csv(request, slug):
    role = get_object_or_404(Role, slug=slug)
    response = _csv_response(f"{role.slug}-matrix.csv")
    exports.write_csv(response, exports.ROLE_COLUMNS, exports.role_rows(selectors.role_cells(role_slug=role.slug)))
    return response


def _csv_response(filename: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response
