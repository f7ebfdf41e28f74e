"""The catalog admin: every page loads for staff, with a bounded query count and the audit trail at hand."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from skills.models import Expectation, ExpectationEvent, Skill
from tests.factories import make_catalog

MODELS = ["domain", "skillgroup", "skill", "role", "level", "expectation"]


def changelist_queries(client, model: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse(f"admin:skills_{model}_changelist"))
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("model", MODELS)
def test_change_lists_keep_their_query_count_as_the_catalog_grows(client, staff, levels, model):
    client.force_login(staff)
    make_catalog(skills=3, roles=1, levels=levels)
    small = changelist_queries(client, model)
    make_catalog(skills=120, roles=3, levels=levels)
    assert changelist_queries(client, model) == small


@pytest.mark.parametrize("model", MODELS)
def test_change_lists_search_and_filter(client, staff, seeded_catalog, model):
    client.force_login(staff)
    url = reverse(f"admin:skills_{model}_changelist")
    assert client.get(url, {"q": "experiment"}).status_code == 200


def test_skill_filters_by_domain_and_group(client, staff, seeded_catalog):
    client.force_login(staff)
    skill = Skill.objects.get(slug="ml-experiment-tracking")
    url = reverse("admin:skills_skill_changelist")
    response = client.get(url, {"group__domain__id__exact": skill.group.domain_id, "group__id__exact": skill.group_id})
    assert response.status_code == 200
    assert "ML Experiment Tracking" in response.content.decode()
    assert "Terraform" not in response.content.decode()


def test_role_list_filters_by_family(client, staff, seeded_catalog):
    client.force_login(staff)
    response = client.get(reverse("admin:skills_role_changelist"), {"family": "Engineering Management"})
    html = response.content.decode()
    assert "Technical Lead" in html and "Data Scientist" not in html


def test_skill_page_shows_cells_inline_ordered_by_role_then_level(client, staff, seeded_catalog):
    client.force_login(staff)
    skill = Skill.objects.get(slug="ml-experiment-tracking")
    response = client.get(reverse("admin:skills_skill_change", args=[skill.pk]))
    assert response.status_code == 200
    formset = response.context["inline_admin_formsets"][0].formset
    cells = [(form.instance.role.slug, form.instance.level.position) for form in formset.forms if form.instance.pk]
    assert cells == sorted(cells) and len(cells) == 10
    assert "Events" in response.content.decode()  # link to the object's audit history


def test_role_page_shows_its_levels_inline(client, staff, seeded_catalog):
    from skills.models import Role

    client.force_login(staff)
    role = Role.objects.get(slug="technical-lead")
    response = client.get(reverse("admin:skills_role_change", args=[role.pk]))
    formset = response.context["inline_admin_formsets"][0].formset
    assert [form.instance.level.slug for form in formset.forms if form.instance.pk] == ["senior", "lead", "principal"]


def test_an_admin_edit_bumps_the_version_and_is_audited_with_user_and_source(client, staff, seeded_catalog):
    client.force_login(staff)
    cell = Expectation.objects.select_related("role", "level", "skill").get(
        skill__slug="ml-experiment-tracking", role__slug="data-scientist", level__slug="junior"
    )
    response = client.post(
        reverse("admin:skills_expectation_change", args=[cell.pk]),
        {
            "skill": cell.skill_id,
            "role": cell.role_id,
            "level": cell.level_id,
            "description": "Tracks runs with MLflow from the first notebook on.",
            "required": "on",
            "proficiency": "working",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    cell.refresh_from_db()
    assert cell.version == 2
    event = ExpectationEvent.objects.filter(pgh_obj_id=cell.pk, pgh_label="update").get()
    assert event.pgh_context.metadata["source"] == "admin"
    assert event.pgh_context.metadata["user"] == staff.pk


def test_the_events_page_lists_an_objects_history(client, staff, seeded_catalog):
    client.force_login(staff)
    skill = Skill.objects.get(slug="ml-experiment-tracking")
    response = client.get("/admin/pghistory/events/", {"obj": f"skills.Skill:{skill.pk}", "method": "tracks"})
    assert response.status_code == 200


@pytest.mark.parametrize("model", MODELS)
def test_add_pages_load(client, staff, levels, model):
    client.force_login(staff)
    assert client.get(reverse(f"admin:skills_{model}_add")).status_code == 200


@pytest.mark.parametrize("user", [None, "member"])
def test_the_admin_is_for_staff_only(client, member, user):
    if user:
        client.force_login(member)
    response = client.get(reverse("admin:skills_skill_changelist"))
    assert response.status_code == 302
