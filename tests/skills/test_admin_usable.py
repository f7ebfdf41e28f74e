"""The admin as its editors use it: branded, "Last updated" kept by the database, names sorted as people read them."""

import datetime

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from skills.models import Domain, Expectation, Skill
from tests.factories import RoleFactory, SkillFactory, SkillGroupFactory, make_catalog, make_role


def test_the_admin_header_and_title_use_the_site_name_setting(client, staff):
    client.force_login(staff)
    html = client.get(reverse("admin:index")).content.decode()
    assert f"{settings.SITE_NAME}</a></div>" in html
    assert f"<title>Site administration · {settings.SITE_NAME}</title>" in html
    assert "css/admin.css" in html
    assert '<a href="/">View site</a>' in html


# --- "Last updated" -------------------------------------------------------------------------------


def test_a_new_skill_is_last_updated_today_by_the_database(db):
    skill = Skill.objects.create(group=SkillGroupFactory(), name="New", slug="new")
    skill.refresh_from_db()
    assert skill.updated == timezone.now().date()


def test_last_updated_is_read_only_on_the_skill_page(client, staff, levels):
    skill = make_catalog(skills=1, roles=1, levels=levels)["skills"][0]
    client.force_login(staff)
    response = client.get(reverse("admin:skills_skill_change", args=[skill.pk]))
    assert "updated" not in response.context["adminform"].form.fields
    assert "<label>Last updated:</label>" in response.content.decode()


def test_the_admin_cannot_set_last_updated(client, staff, db):
    group = SkillGroupFactory()
    client.force_login(staff)
    data = {
        "name": "Typed",
        "slug": "typed",
        "group": group.pk,
        "summary": "",
        "updated": "1999-01-01",
        "expectations-TOTAL_FORMS": "0",
        "expectations-INITIAL_FORMS": "0",
    }
    response = client.post(reverse("admin:skills_skill_add"), data)
    assert response.status_code == 302
    assert Skill.objects.get(slug="typed").updated == timezone.now().date()


def test_a_cell_moved_to_another_skill_updates_both_skills_in_the_database(levels):
    made = make_catalog(skills=2, roles=1, levels=levels)
    old = datetime.date(2020, 1, 1)
    Skill.objects.update(updated=old)
    source, target = made["skills"]
    Expectation.objects.filter(skill=source, level=levels[0]).delete()
    Skill.objects.update(updated=old)
    Expectation.objects.filter(skill=target, level=levels[0]).update(skill=source)
    assert set(Skill.objects.values_list("updated", flat=True)) == {timezone.now().date()}


# --- Names, case-insensitively --------------------------------------------------------------------


@pytest.fixture
def mixed_case(db):
    group = SkillGroupFactory()
    for name in ["Docker", "dbt", "Airflow", "apache Beam"]:
        SkillFactory(group=group, name=name, slug=name.lower().replace(" ", "-"))
    return ["Airflow", "apache Beam", "dbt", "Docker"]


def test_skill_names_sort_case_insensitively_in_the_admin_list(client, staff, mixed_case):
    client.force_login(staff)
    response = client.get(reverse("admin:skills_skill_changelist"))
    assert [skill.name for skill in response.context["cl"].result_list] == mixed_case
    by_column = client.get(reverse("admin:skills_skill_changelist"), {"o": "-1"})
    assert [skill.name for skill in by_column.context["cl"].result_list] == mixed_case[::-1]


def test_role_names_sort_case_insensitively_in_the_admin_list(client, staff, db):
    for name in ["beta role", "Alpha role", "Gamma role"]:
        RoleFactory(name=name)
    client.force_login(staff)
    response = client.get(reverse("admin:skills_role_changelist"))
    assert [role.name for role in response.context["cl"].result_list] == ["Alpha role", "beta role", "Gamma role"]


def test_skill_names_sort_case_insensitively_on_the_site(client, mixed_case):
    html = client.get(reverse("skills:home")).content.decode()
    positions = [html.index(f">{name}<") for name in mixed_case]
    assert positions == sorted(positions)
    names = [skill["name"] for skill in client.get("/api/skills/").json()["results"]]
    assert names == mixed_case


def test_role_names_sort_case_insensitively_on_the_roles_page(client, levels):
    for name in ["beta role", "Alpha role"]:
        make_role(levels, name=name)
    html = client.get(reverse("skills:roles")).content.decode()
    assert html.index("Alpha role") < html.index("beta role")


def test_domain_order_is_position_then_name_case_insensitively(db):
    Domain.objects.create(name="beta", slug="beta", position=1)
    Domain.objects.create(name="Alpha", slug="alpha", position=1)
    assert list(Domain.objects.values_list("name", flat=True)) == ["Alpha", "beta"]


# --- The skill page's expectations ------------------------------------------------------------------


def test_the_skill_page_shows_each_expectation_flags_first_then_its_text_without_related_icons(client, staff, levels):
    skill = make_catalog(skills=1, roles=2, levels=levels)["skills"][0]
    client.force_login(staff)
    response = client.get(reverse("admin:skills_skill_change", args=[skill.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "css/admin_skill.css" in html
    assert "related-widget-wrapper-link" not in html
    inline = response.context["inline_admin_formsets"][0]
    assert [line for fieldset in inline.fieldsets for line in fieldset[1]["fields"]] == [
        ("role", "level", "proficiency", "required", "version"),
        "description",
    ]
    assert 'rows="3"' in html
    assert "cell" not in html.lower().replace("cellspacing", "")
