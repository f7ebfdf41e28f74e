"""My growth plan pages: who may open them, what they show, ticks that outlive edits, exports, bad input, queries."""

import csv
import io
import re

import pytest
from django.template import RequestContext, Template
from django.test import Client, RequestFactory

from growth import services
from growth.models import PlanProfile, Tick
from skills.models import Expectation, RoleLevel
from skills.services import CellChange, cell_save
from tests.factories import UserFactory, make_catalog


def text(response) -> str:
    return response.content.decode()


def items_in_order(html: str) -> list[str]:
    return re.findall(r'<li class="plan-item card[^"]*" id="item-([a-z0-9-]+)"', html)


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


# --- Who may open what --------------------------------------------------------------

PAGES = ["/me/plan/", "/me/plan/print/", "/me/plan.csv", "/me/plan/settings/"]


@pytest.mark.parametrize("url", PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={url}"


@pytest.mark.parametrize("url", PAGES)
@pytest.mark.parametrize("who", ["member", "reviewer", "staff"])
def test_signed_in_users_open_every_page_with_or_without_a_plan(request, world, url, who):
    assert client_for(request.getfixturevalue(who)).get(url).status_code == 200


@pytest.mark.parametrize("url", PAGES)
def test_a_member_with_a_plan_opens_every_page(planner, url):
    assert client_for(planner).get(url).status_code == 200


@pytest.mark.parametrize(
    "url",
    ["/me/plan/settings/", "/me/plan/ticks/zeta/senior/"],
)
def test_anonymous_posts_are_sent_to_sign_in_and_write_nothing(client, world, url):
    response = client.post(url, {"role": "data-scientist", "level": "middle", "action": "done"})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
    assert not PlanProfile.objects.exists() and not Tick.objects.exists()


@pytest.mark.parametrize("url", ["/me/plan/", "/me/plan/print/", "/me/plan.csv"])
def test_the_read_pages_refuse_posts(planner, url):
    assert client_for(planner).post(url).status_code == 405


def test_ticks_refuse_get(planner):
    assert client_for(planner).get("/me/plan/ticks/zeta/senior/").status_code == 405


# --- Empty states -------------------------------------------------------------------


def test_without_a_role_the_plan_explains_and_links_to_the_account_form(member_client, world):
    page = text(member_client.get("/me/plan/"))
    assert "You have not chosen your role and current level yet." in page
    assert 'href="/accounts/profile/#growth-plan"' in page
    assert "plan-item" not in page


def test_at_the_roles_top_level_the_plan_says_so_and_shows_nothing_to_reach(member, member_client, world):
    services.plan_settings_save(user=member, role=world.role, level=world.lead)
    page = text(member_client.get("/me/plan/"))
    assert "Lead / Staff is the top level of the Data Scientist role: there is no next level to reach" in page
    assert items_in_order(page) == []


def test_a_level_the_role_no_longer_has_asks_to_choose_again(planner, world):
    # The role gives up Middle (its cells there first: the database keeps no cell without its role level).
    Expectation.objects.filter(role=world.role, level=world.middle).delete()
    RoleLevel.objects.filter(role=world.role, level=world.middle).delete()
    page = text(client_for(planner).get("/me/plan/"))
    assert "The Data Scientist role no longer has the level Middle." in page
    assert items_in_order(page) == []


# --- Plan content -------------------------------------------------------------------


def test_the_plan_lists_the_next_levels_cells_grouped_by_domain_required_first_then_by_name(planner):
    page = text(client_for(planner).get("/me/plan/"))
    assert "Data Scientist: on the way to Senior" in page
    # Alpha: the required Kappa, then Beta and Zeta by name; then Omega. No Middle-only, Lead or other-role cell.
    assert items_in_order(page) == ["kappa", "beta", "zeta", "delta"]
    assert page.index('id="domain-alpha"') < page.index('id="domain-omega"')
    assert "Sets the team" not in page and "Another role" not in page and "Only at Middle" not in page


def test_each_item_shows_the_diff_from_the_current_level_and_what_changes(planner):
    page = text(client_for(planner).get("/me/plan/"))
    zeta = page[page.index('id="item-zeta"') :]
    assert "<del>" in zeta.split("</li>")[0] and "<ins>" in zeta.split("</li>")[0]
    assert "Proficiency: Working → Advanced" in zeta
    assert "Logs runs by hand." in zeta  # the current level's text, in its disclosure
    kappa = page[page.index('id="item-kappa"') : page.index('id="item-beta"')]
    assert "New at Senior" in kappa
    assert "<strong>evaluation</strong>" in kappa  # no current cell: the next text as Markdown
    assert 'href="/skills/kappa/data-scientist/senior/"' in kappa


def test_progress_counts_done_and_required_done(planner, world):
    services.tick_set(user=planner, cell=world.cells["kappa@senior"])
    services.tick_set(user=planner, cell=world.cells["beta@senior"])
    page = text(client_for(planner).get("/me/plan/"))
    assert re.search(r"data-plan-done>\s*2 of 4\s*<", page)
    assert re.search(r"data-plan-required-done>\s*1 of 2\s*<", page)
    assert 'max="4" value="2"' in page


# --- Ticks --------------------------------------------------------------------------


def test_ticking_and_unticking_an_item_through_the_page(planner, world):
    client = client_for(planner)
    response = client.post("/me/plan/ticks/zeta/senior/", {"action": "done"})
    assert response.status_code == 302
    assert response["Location"] == "/me/plan/#item-zeta"
    tick = Tick.objects.get(user=planner)
    assert (tick.expectation_id, tick.version, tick.description) == (
        world.cells["zeta@senior"].pk,
        1,
        "Logs runs automatically.",
    )
    page = text(client.get("/me/plan/"))
    assert 'class="plan-item card plan-item--done" id="item-zeta"' in page

    client.post("/me/plan/ticks/zeta/senior/", {"action": "undo"})
    assert not Tick.objects.exists()


def test_a_tick_survives_an_edit_and_shows_what_changed_since(planner, world):
    target = world.cells["zeta@senior"]
    services.tick_set(user=planner, cell=target)
    cell_save(
        skill=target.skill,
        change=CellChange(
            role=world.role,
            level=world.senior,
            description="Logs runs automatically and compares them.",
            required=True,
            proficiency=target.proficiency,
        ),
    )
    target.refresh_from_db()
    assert target.version == 2  # bumped by the database trigger

    client = client_for(planner)
    page = text(client.get("/me/plan/"))
    zeta = page[page.index('id="item-zeta"') :].split("</li>")[0]
    assert "plan-item--done" in page[page.index('id="item-zeta"') - 40 : page.index('id="item-zeta"')]
    assert "Changed since you ticked it" in zeta
    assert "(you ticked version 1; it is now version 2)" in zeta
    assert "Now required" in zeta
    assert re.search(r"<ins><span class=\"visually-hidden\">added: </span>\s*and compares them</ins>", zeta)
    assert re.search(r"data-plan-done>\s*1 of 4\s*<", page)

    # "Still done" ticks it again against the new text.
    client.post("/me/plan/ticks/zeta/senior/", {"action": "done"})
    tick = Tick.objects.get(user=planner)
    assert (tick.version, tick.description, tick.required) == (2, "Logs runs automatically and compares them.", True)
    assert "Changed since you ticked it" not in text(client.get("/me/plan/"))


def test_a_direct_update_of_the_cell_is_noticed_too(planner, world):
    target = world.cells["beta@senior"]
    services.tick_set(user=planner, cell=target)
    Expectation.objects.filter(pk=target.pk).update(description="Builds and maintains dashboards.")
    page = text(client_for(planner).get("/me/plan/"))
    beta = page[page.index('id="item-beta"') :].split("</li>")[0]
    assert "Changed since you ticked it" in beta
    assert "and maintains" in beta


def test_ticks_stay_with_their_cells_when_the_member_changes_level(planner, world):
    services.tick_set(user=planner, cell=world.cells["zeta@senior"])
    services.plan_settings_save(user=planner, role=world.role, level=world.senior)
    assert Tick.objects.filter(user=planner).count() == 1
    services.plan_settings_save(user=planner, role=world.role, level=world.middle)
    page = text(client_for(planner).get("/me/plan/"))
    assert re.search(r"data-plan-done>\s*1 of 4\s*<", page)


def test_one_members_ticks_are_not_anothers(planner, world):
    other = UserFactory(username="other")
    services.plan_settings_save(user=other, role=world.role, level=world.middle)
    services.tick_set(user=other, cell=world.cells["zeta@senior"])
    page = text(client_for(planner).get("/me/plan/"))
    assert re.search(r"data-plan-done>\s*0 of 4\s*<", page)


@pytest.mark.parametrize(
    "url",
    [
        "/me/plan/ticks/middle-only/senior/",  # no Senior cell for this skill
        "/me/plan/ticks/zeta/middle/",  # the current level, not the next
        "/me/plan/ticks/zeta/lead/",  # beyond the next level
        "/me/plan/ticks/no-such-skill/senior/",
    ],
)
def test_ticking_an_item_outside_the_plan_is_404_and_writes_nothing(planner, url):
    response = client_for(planner).post(url, {"action": "done"})
    assert response.status_code == 404
    assert not Tick.objects.exists()


def test_ticking_without_a_plan_is_404(member_client, world):
    assert member_client.post("/me/plan/ticks/zeta/senior/", {"action": "done"}).status_code == 404
    assert not Tick.objects.exists()


@pytest.mark.parametrize("action", ["", "delete", "DONE", "x" * 5000])
def test_an_unknown_tick_action_is_400(planner, action):
    response = client_for(planner).post("/me/plan/ticks/zeta/senior/", {"action": action})
    assert response.status_code == 400
    assert "Unknown action" in text(response)
    assert not Tick.objects.exists()


def test_tick_forms_carry_the_csrf_token(planner):
    client = Client(enforce_csrf_checks=True)
    client.force_login(planner)
    page = text(client.get("/me/plan/"))
    tick_form = r'<form method="post" action="(/me/plan/ticks/[^"]+)"[^>]*>\s*<input type="hidden" name="csrfmiddlewa'
    forms = re.findall(tick_form, page)
    assert len(forms) == 4
    assert client.post("/me/plan/ticks/zeta/senior/", {"action": "done"}).status_code == 403


# --- Settings (role and level) ------------------------------------------------------


def test_the_account_page_shows_the_plan_form_with_the_roles_levels(member_client, world):
    page = text(member_client.get("/accounts/profile/"))
    assert 'id="growth-plan"' in page
    assert '<form method="post" action="/me/plan/settings/"' in page
    assert '<option value="data-scientist" data-levels="junior middle senior lead">Data Scientist</option>' in page
    assert '<option value="principal">Principal</option>' not in page  # no role has it
    assert 'href="/me/plan/"' in page


def test_the_account_page_shows_the_members_choice(planner):
    page = text(client_for(planner).get("/accounts/profile/"))
    assert "You are a Middle Data Scientist." in page
    assert 'data-levels="junior middle senior lead" selected>Data Scientist' in page
    assert '<option value="middle" selected>Middle</option>' in page


def test_setting_role_and_level_leads_to_the_plan(member, member_client, world):
    response = member_client.post("/me/plan/settings/", {"role": "data-scientist", "level": "middle"})
    assert response.status_code == 302
    assert response["Location"] == "/me/plan/"
    profile = PlanProfile.objects.get(user=member)
    assert (profile.role, profile.level) == (world.role, world.middle)
    # And again: one profile per member, updated.
    member_client.post("/me/plan/settings/", {"role": "ml-engineer", "level": "senior"})
    assert PlanProfile.objects.get(user=member).role == world.other_role


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"role": "no-such-role", "level": "middle"}, "Select a valid choice."),
        ({"role": "data-scientist", "level": "no-such-level"}, "Select a valid choice."),
        ({"role": "data-scientist", "level": "principal"}, "Select a valid choice."),  # no role has it
        ({"role": "", "level": ""}, "This field is required."),
        ({}, "This field is required."),
        ({"role": "data\x00scientist", "level": "middle"}, "Select a valid choice."),
        ({"role": "x" * 10_000, "level": "middle"}, "Select a valid choice."),
    ],
)
def test_bad_settings_are_a_form_error_not_a_500(member, member_client, world, data, message):
    response = member_client.post("/me/plan/settings/", data)
    assert response.status_code == 400
    assert message in text(response)
    assert not PlanProfile.objects.filter(user=member).exists()


def test_a_level_the_role_does_not_have_is_refused_with_the_roles_levels(member, member_client, world, levels):
    principal = levels[4]
    RoleLevel.objects.create(role=world.other_role, level=principal)  # so that Principal is a choice at all
    response = member_client.post("/me/plan/settings/", {"role": "data-scientist", "level": "principal"})
    assert response.status_code == 400
    assert "The role Data Scientist has no level Principal. Its levels: Junior, Middle, Senior, Lead / Staff." in text(
        response
    )
    assert not PlanProfile.objects.filter(user=member).exists()


# --- CSV and printable page ----------------------------------------------------------


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8"))))


def test_the_csv_has_a_stable_header_and_one_row_per_item_in_plan_order(planner, world):
    services.tick_set(user=planner, cell=world.cells["kappa@senior"])
    response = client_for(planner).get("/me/plan.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="growth-plan-data-scientist-senior.csv"'
    rows = csv_rows(response)
    assert rows[0] == [
        "domain",
        "skill",
        "role",
        "level",
        "required",
        "proficiency",
        "description",
        "done",
        "changed_since_tick",
    ]
    assert rows[1] == [
        "Alpha",
        "Kappa",
        "Data Scientist",
        "Senior",
        "true",
        "working",
        "Designs the **evaluation** plan.",
        "true",
        "false",
    ]
    assert [row[1] for row in rows[1:]] == ["Kappa", "Beta", "Zeta", "Delta"]


def test_the_csv_marks_items_changed_since_ticked_and_defuses_formulas(planner, world):
    target = world.cells["beta@senior"]
    services.tick_set(user=planner, cell=target)
    Expectation.objects.filter(pk=target.pk).update(description='=HYPERLINK("http://evil")')
    rows = csv_rows(client_for(planner).get("/me/plan.csv"))
    beta = next(row for row in rows if row[1] == "Beta")
    assert beta[6] == '\'=HYPERLINK("http://evil")'
    assert beta[7:] == ["true", "true"]


def test_the_csv_without_a_plan_is_just_the_header(member_client, world):
    response = member_client.get("/me/plan.csv")
    assert csv_rows(response) == [
        ["domain", "skill", "role", "level", "required", "proficiency", "description", "done", "changed_since_tick"]
    ]
    assert 'filename="growth-plan.csv"' in response["Content-Disposition"]


def test_the_printable_page_holds_one_table_per_domain_with_done_marks(planner, world):
    services.tick_set(user=planner, cell=world.cells["delta@senior"])
    page = text(client_for(planner).get("/me/plan/print/"))
    assert "Data Scientist: from Middle to Senior" in page
    assert page.count('<table class="data-table plan-print__table">') == 2
    assert '<th scope="col">Expected at Senior</th>' in page
    assert "<strong>evaluation</strong>" in page
    assert '<span aria-hidden="true">☑</span> Done' in page
    assert page.count('<span aria-hidden="true">☐</span> Not yet') == 3
    assert "1 of 4 done, 1 of 2 required" in page
    assert "<form" not in page.split('<main id="main"')[1].split("</main>")[0]  # nothing to click on paper


def test_the_printable_page_without_a_plan_explains(member_client, world):
    page = text(member_client.get("/me/plan/print/"))
    assert "You have not chosen your role and current level yet." in page


# --- Query counts -------------------------------------------------------------------


def _planned_member(catalog, username="counted"):
    """A Middle member of the catalog's first role, with one tick."""
    user = UserFactory(username=username)
    services.plan_settings_save(user=user, role=catalog["roles"][0], level=catalog["levels"][1])
    first = Expectation.objects.filter(role=catalog["roles"][0], level=catalog["levels"][2])[0]
    services.tick_set(user=user, cell=first)
    return user


# session, user, the plan's profile, the role's levels, the cells with their ticks
PLAN_QUERIES = 5
# The plan page is kept whole per member (freshness.member_pages): built, it reads the revisions too;
# served again, only the session, the user and the revisions.
PLAN_PAGE_MISS = PLAN_QUERIES + 1
PLAN_PAGE_HIT = 3


@pytest.mark.parametrize("url", ["/me/plan/", "/me/plan/print/", "/me/plan.csv"])
@pytest.mark.parametrize(("skills", "roles"), [(3, 2), (80, 6)])
def test_plan_pages_cost_the_same_queries_whatever_the_catalog_size(
    django_assert_num_queries, levels, url, skills, roles
):
    client = client_for(_planned_member(make_catalog(skills=skills, roles=roles, levels=levels)))
    with django_assert_num_queries(PLAN_PAGE_MISS if url == "/me/plan/" else PLAN_QUERIES):
        response = client.get(url)
    assert response.status_code == 200
    if url == "/me/plan/":
        assert len(items_in_order(text(response))) == skills
        assert re.search(rf"data-plan-done>\s*1 of {skills}\s*<", text(response))
        with django_assert_num_queries(PLAN_PAGE_HIT):
            again = client.get(url)
        assert items_in_order(text(again)) == items_in_order(text(response))


@pytest.mark.parametrize("roles", [2, 9])
def test_the_account_page_card_costs_three_queries_whatever_the_number_of_roles(
    django_assert_num_queries, levels, roles
):
    user = _planned_member(make_catalog(skills=3, roles=roles, levels=levels))
    request = RequestFactory().get("/accounts/profile/")
    request.user = user
    template = Template("{% load growth_tags %}{% growth_plan_card %}")
    with django_assert_num_queries(3):  # the member's profile, the roles, their levels
        html = template.render(RequestContext(request, {}))
    assert html.count("data-levels=") == roles
