"""A role's family is one of the role families: picked in the admin, held by the database, renamed in one place;
the API and the catalog file still carry it as its name."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from skills.models import ROLE_HAS_FAMILY, Role, RoleFamily
from tests.factories import RoleFactory


def role_data(role, **changes) -> dict:
    data = {
        "name": role.name,
        "slug": role.slug,
        "family": role.family,
        "tagline": role.tagline,
        "role_levels-TOTAL_FORMS": "0",
        "role_levels-INITIAL_FORMS": "0",
    }
    return data | changes


def test_every_family_the_catalog_names_is_a_role_family(seeded_catalog):
    families = set(Role.objects.values_list("family", flat=True))
    assert families and set(RoleFamily.objects.values_list("name", flat=True)) == families


def test_the_database_holds_the_roles_family(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT confupdtype, confdeltype FROM pg_constraint WHERE conname = %s", [ROLE_HAS_FAMILY])
        assert cursor.fetchone() == ("c", "r")  # ON UPDATE CASCADE, ON DELETE RESTRICT


def test_a_family_in_use_cannot_be_deleted(db):
    RoleFactory(family="Engineering")
    with pytest.raises(IntegrityError), transaction.atomic():
        RoleFamily.objects.filter(name="Engineering").delete()


def test_renaming_a_family_renames_it_on_its_roles(client, staff):
    role = RoleFactory(family="Engineering")
    family = RoleFamily.objects.get(name="Engineering")
    client.force_login(staff)
    response = client.post(
        reverse("admin:skills_rolefamily_change", args=[family.pk]), {"name": "Software Engineering"}
    )
    assert response.status_code == 302
    role.refresh_from_db()
    assert role.family == "Software Engineering"
    assert client.get(f"/api/roles/{role.slug}/").json()["family"] == "Software Engineering"


def test_the_role_page_offers_the_families_as_a_choice(client, staff):
    role = RoleFactory(family="Engineering")
    RoleFamily.objects.create(name="Data")
    client.force_login(staff)
    response = client.get(reverse("admin:skills_role_change", args=[role.pk]))
    html = response.content.decode()
    assert '<select name="family"' in html
    assert '<option value="Engineering" selected>Engineering</option>' in html
    assert '<option value="Data">Data</option>' in html


def test_the_role_page_moves_a_role_to_another_family(client, staff):
    role = RoleFactory(family="Engineering")
    RoleFamily.objects.create(name="Data")
    client.force_login(staff)
    response = client.post(reverse("admin:skills_role_change", args=[role.pk]), role_data(role, family="Data"))
    assert response.status_code == 302
    role.refresh_from_db()
    assert role.family == "Data"


@pytest.mark.parametrize("family", ["Enginering", "", "x" * 500, "\x00"])
def test_a_family_that_is_not_one_of_them_is_a_form_error(client, staff, family):
    role = RoleFactory(family="Engineering")
    client.force_login(staff)
    response = client.post(reverse("admin:skills_role_change", args=[role.pk]), role_data(role, family=family))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["family"]
    assert not RoleFamily.objects.exclude(name="Engineering").exists()


def test_the_family_list_counts_roles_and_refuses_deleting_one_in_use(client, staff):
    RoleFactory(family="Engineering")
    RoleFactory(family="Engineering")
    unused = RoleFamily.objects.create(name="Unused")
    used = RoleFamily.objects.get(name="Engineering")
    client.force_login(staff)
    response = client.get(reverse("admin:skills_rolefamily_changelist"))
    assert [(f.name, f.role_count) for f in response.context["cl"].result_list] == [("Engineering", 2), ("Unused", 0)]
    assert client.get(reverse("admin:skills_rolefamily_delete", args=[used.pk])).status_code == 403
    assert client.post(reverse("admin:skills_rolefamily_delete", args=[unused.pk]), {"post": "yes"}).status_code == 302
    assert not RoleFamily.objects.filter(pk=unused.pk).exists()


def test_a_role_taking_the_family_during_its_deletion_is_a_message_not_a_server_error(client, staff, monkeypatch):
    family = RoleFamily.objects.create(name="Soon used")
    client.force_login(staff)
    from skills.admin import RoleFamilyAdmin

    monkeypatch.setattr(RoleFamilyAdmin, "has_delete_permission", lambda self, request, obj=None: True)
    RoleFactory(family="Soon used")
    response = client.post(reverse("admin:skills_rolefamily_delete", args=[family.pk]), {"post": "yes"}, follow=True)
    assert response.status_code == 200
    assert "Nothing was deleted: roles of this family exist." in response.content.decode()
    assert RoleFamily.objects.filter(pk=family.pk).exists()


def test_the_family_pages_load(client, staff, db):
    family = RoleFamily.objects.create(name="Data")
    client.force_login(staff)
    for url in [
        reverse("admin:skills_rolefamily_changelist"),
        reverse("admin:skills_rolefamily_add"),
        reverse("admin:skills_rolefamily_change", args=[family.pk]),
        reverse("admin:skills_role_add"),
    ]:
        assert client.get(url).status_code == 200, url
