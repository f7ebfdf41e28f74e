"""The catalog admin: every page loads for staff, with a bounded query count and the audit trail at hand."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from skills.models import Expectation, ExpectationEvent, Level, Role, RoleLevel, Skill
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


# --- Cells are written through skills.services; a level the role lacks is a form error -----------------------------


def post_data(response) -> dict:
    """What the change page would post back as it stands: the main form, then each inline's forms."""
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms += [inline.formset.management_form, *inline.formset.forms]
    data = {}
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False:
                continue
            data[form.add_prefix(name)] = "on" if value is True else value
    return data


def inline_prefix(response, index: int = 0) -> str:
    return response.context["inline_admin_formsets"][index].formset.prefix


@pytest.fixture
def seed(seeded_catalog):
    return Skill.objects.get(slug="ml-experiment-tracking")


@pytest.fixture
def spied_services(monkeypatch):
    """Every call of the cell services, by name."""
    from skills import services

    calls = []
    for name in ("cell_save", "cell_delete"):
        real = getattr(services, name)

        def spy(*args, _real=real, _name=name, **kwargs):
            calls.append(_name)
            return _real(*args, **kwargs)

        monkeypatch.setattr(services, name, spy)
    return calls


def test_the_skill_pages_cells_are_written_through_the_services(client, staff, seed, spied_services):
    client.force_login(staff)
    url = reverse("admin:skills_skill_change", args=[seed.pk])
    page = client.get(url)
    data, prefix = post_data(page), inline_prefix(page)
    forms = page.context["inline_admin_formsets"][0].formset.forms
    edited, deleted = forms[0].instance, forms[1].instance
    data[f"{prefix}-0-description"] = "Tracks every run from the first notebook on."
    data[f"{prefix}-1-DELETE"] = "on"
    newcomer = Role.objects.filter(role_levels__level__slug="junior").exclude(expectations__skill=seed).first()
    total = int(data[f"{prefix}-TOTAL_FORMS"])
    data[f"{prefix}-TOTAL_FORMS"] = str(total + 1)
    data |= {
        f"{prefix}-{total}-role": newcomer.pk,
        f"{prefix}-{total}-level": Level.objects.get(slug="junior").pk,
        f"{prefix}-{total}-proficiency": "awareness",
        f"{prefix}-{total}-description": "Reads the team's experiment log.",
    }

    response = client.post(url, data)

    assert response.status_code == 302, response.context["inline_admin_formsets"][0].formset.errors
    assert sorted(spied_services) == ["cell_delete", "cell_save", "cell_save"]
    edited.refresh_from_db()
    assert edited.version == 2 and edited.description == "Tracks every run from the first notebook on."
    assert not Expectation.objects.filter(pk=deleted.pk).exists()
    assert Expectation.objects.get(skill=seed, role=newcomer).description == "Reads the team's experiment log."
    event = ExpectationEvent.objects.filter(pgh_obj_id=edited.pk, pgh_label="update").get()
    assert event.pgh_context.metadata["source"] == "admin"


def test_a_skill_page_cell_at_a_level_its_role_lacks_is_a_form_error(client, staff, seed):
    client.force_login(staff)
    url = reverse("admin:skills_skill_change", args=[seed.pk])
    page = client.get(url)
    data, prefix = post_data(page), inline_prefix(page)
    lead = Role.objects.get(slug="technical-lead")
    assert page.context["inline_admin_formsets"][0].formset.forms[0].instance.level.slug == "junior"
    data[f"{prefix}-0-role"] = lead.pk

    response = client.post(url, data)

    assert response.status_code == 200
    form = response.context["inline_admin_formsets"][0].formset.forms[0]
    assert form.errors["level"] == ["The role Technical Lead has no level Junior."]
    assert not Expectation.objects.filter(skill=seed, role=lead, level__slug="junior").exists()


def test_the_cell_page_refuses_a_level_the_role_lacks_with_a_field_error(client, staff, seed, spied_services):
    client.force_login(staff)
    cell = Expectation.objects.get(skill=seed, role__slug="data-scientist", level__slug="junior")
    lead = Role.objects.get(slug="technical-lead")
    url = reverse("admin:skills_expectation_change", args=[cell.pk])
    data = post_data(client.get(url)) | {"role": lead.pk}

    response = client.post(url, data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["level"] == ["The role Technical Lead has no level Junior."]
    assert spied_services == []
    cell.refresh_from_db()
    assert cell.role.slug == "data-scientist"


def test_the_cell_page_adds_and_deletes_through_the_services(client, staff, seed, spied_services):
    client.force_login(staff)
    cell = Expectation.objects.get(skill=seed, role__slug="data-scientist", level__slug="junior")
    pk = cell.pk
    assert client.post(reverse("admin:skills_expectation_delete", args=[pk]), {"post": "yes"}).status_code == 302
    data = {
        "skill": seed.pk,
        "role": cell.role_id,
        "level": cell.level_id,
        "description": "Back again.",
        "proficiency": "working",
    }
    response = client.post(reverse("admin:skills_expectation_add"), data)
    assert response.status_code == 302
    assert spied_services == ["cell_delete", "cell_save"]
    assert Expectation.objects.get(skill=seed, role=cell.role_id, level=cell.level_id).description == "Back again."


def test_a_refusal_that_comes_after_the_forms_check_is_a_message_not_a_server_error(client, staff, seed, monkeypatch):
    """The role loses the level between the form's check and the write: PostgreSQL refuses, the admin says so."""
    from skills import services

    monkeypatch.setattr(services, "cell_validate", lambda **kwargs: None)
    client.force_login(staff)
    cell = Expectation.objects.get(skill=seed, role__slug="data-scientist", level__slug="junior")
    url = reverse("admin:skills_expectation_change", args=[cell.pk])
    data = post_data(client.get(url)) | {"role": Role.objects.get(slug="technical-lead").pk}

    response = client.post(url, data, follow=True)

    assert response.redirect_chain == [(url, 302)]
    shown = [str(message) for message in response.context["messages"]]
    assert shown == ["Nothing was saved. The role Technical Lead has no level Junior."]
    cell.refresh_from_db()
    assert cell.role.slug == "data-scientist"


@pytest.mark.parametrize("change", ["delete", "move"])
def test_a_role_level_that_has_cells_cannot_be_removed_or_moved_on_the_role_page(client, staff, seeded_catalog, change):
    client.force_login(staff)
    role = Role.objects.get(slug="data-scientist")
    url = reverse("admin:skills_role_change", args=[role.pk])
    page = client.get(url)
    data, prefix = post_data(page), inline_prefix(page)
    forms = page.context["inline_admin_formsets"][0].formset.forms
    junior = forms[0].instance
    assert junior.level.slug == "junior"
    if change == "delete":
        data[f"{prefix}-0-DELETE"] = "on"
    else:
        data[f"{prefix}-0-level"] = Level.objects.create(
            name="Apprentice", short="App", slug="apprentice", position=9
        ).pk
    cells = Expectation.objects.filter(role=role, level=junior.level).count()

    response = client.post(url, data)

    assert response.status_code == 200
    errors = response.context["inline_admin_formsets"][0].formset.non_form_errors()
    assert errors == [
        f"The level “Junior” has {cells} expectations of this role: delete them or move them to another level "
        "before you remove or change it."
    ]
    assert RoleLevel.objects.filter(pk=junior.pk, level=junior.level).exists()


def test_a_role_level_without_cells_can_be_removed_on_the_role_page(client, staff, seeded_catalog):
    client.force_login(staff)
    role = Role.objects.get(slug="data-scientist")
    extra = Level.objects.create(name="Apprentice", short="App", slug="apprentice", position=9)
    RoleLevel.objects.create(role=role, level=extra)
    url = reverse("admin:skills_role_change", args=[role.pk])
    page = client.get(url)
    data, prefix = post_data(page), inline_prefix(page)
    index = next(
        i
        for i, form in enumerate(page.context["inline_admin_formsets"][0].formset.forms)
        if form.instance.level == extra
    )
    data[f"{prefix}-{index}-DELETE"] = "on"

    assert client.post(url, data).status_code == 302
    assert not RoleLevel.objects.filter(role=role, level=extra).exists()
