"""Ticks, watching and assessments answer in place: the page changes without a reload, the server's status
line is read out (#inplace-status), focus stays on the part that changed, and errors show beside the form."""

import re

import pytest
from playwright.sync_api import expect

from growth import services as growth_services
from growth.models import Tick
from proposals.models import Watch
from skills.models import Level, Role
from teams import services as team_services
from teams.models import Assessment
from tests.browser.helpers import sign_in
from tests.browser.world import SEED
from tests.factories import UserFactory

pytestmark = pytest.mark.browser


def mark_page(page) -> None:
    """A flag that survives in-page updates and disappears on any reload or navigation."""
    page.evaluate("window.__sameDocument = true")


def same_document(page) -> bool:
    return page.evaluate("window.__sameDocument === true")


def middle_data_scientist(user) -> None:
    role = Role.objects.get(slug="data-scientist")
    growth_services.plan_settings_save(user=user, role=role, level=Level.objects.get(slug="middle"))


def test_ticking_an_item_updates_the_plan_in_place(site, seeded_catalog, member):
    middle_data_scientist(member)
    page = site.page
    sign_in(page.context, site.base_url, member)
    site.goto("/me/plan/")
    done = page.locator("[data-plan-done]")
    total = int(re.search(r"0 of (\d+)", done.inner_text()).group(1))
    mark_page(page)

    item = page.locator(".plan-item").first
    skill = item.locator("h3").inner_text()
    item.get_by_role("button", name=re.compile("^Mark as done")).click()
    expect(done).to_have_text(f"1 of {total}")
    item = page.locator(".plan-item").first
    expect(item.locator(".flag--done")).to_have_text("Done")
    expect(page.locator("#inplace-status")).to_have_text(f"Marked as done: {skill}")
    expect(item.get_by_role("button", name=re.compile("^Undo"))).to_be_focused()
    assert Tick.objects.filter(user=member).count() == 1

    item.get_by_role("button", name=re.compile("^Undo")).click()
    expect(done).to_have_text(f"0 of {total}")
    expect(page.locator("#inplace-status")).to_have_text(f"No longer marked as done: {skill}")
    expect(page.locator(".plan-item").first.get_by_role("button", name=re.compile("^Mark as done"))).to_be_focused()
    assert same_document(page)
    assert Tick.objects.filter(user=member).count() == 0
    assert site.errors == []


def test_watching_updates_the_count_in_place(site, seeded_catalog, member):
    page = site.page
    sign_in(page.context, site.base_url, member)
    site.goto(f"/skills/{SEED}/")
    mark_page(page)
    box = page.locator("#community-watch")
    expect(box).to_contain_text("0 watchers")
    box.get_by_role("button", name="Watch", exact=True).click()
    unwatch = page.locator("#community-watch").get_by_role("button", name="Unwatch")
    expect(unwatch).to_have_attribute("aria-pressed", "true")
    expect(unwatch).to_be_focused()
    expect(page.locator("#community-watch")).to_contain_text("1 watcher")
    expect(page.locator("#inplace-status")).to_have_text("You watch this skill.")
    assert Watch.objects.filter(user=member, skill__slug=SEED).exists()

    unwatch.click()
    expect(page.locator("#community-watch")).to_contain_text("0 watchers")
    expect(page.locator("#inplace-status")).to_have_text("You no longer watch this skill.")
    assert same_document(page)
    assert not Watch.objects.exists()
    assert site.errors == []


def test_recording_my_assessment_updates_the_row_in_place_and_errors_show_in_the_form(site, seeded_catalog, member):
    middle_data_scientist(member)
    page = site.page
    sign_in(page.context, site.base_url, member)
    site.goto("/me/skills/")
    mark_page(page)
    row = page.locator(".skill-row").first
    skill = row.locator("h3").inner_text()
    row_id = row.get_attribute("id")
    row.locator("summary").click()
    row.get_by_label("Level whose expectation is met").select_option(label="Senior")
    row.get_by_label("Note (Markdown)").fill("Ran the tracker for a *quarter*.")
    row.get_by_role("button", name=re.compile("^Record")).click()

    row = page.locator(f"#{row_id}")
    expect(page.locator("#inplace-status")).to_have_text(f"Assessment of {skill} recorded.")
    expect(row.locator(".assessment").first).to_contain_text("Senior")
    expect(row.locator(".assessment em")).to_have_text("quarter")  # the server's Markdown
    expect(row.locator("summary")).to_be_focused()
    assert Assessment.objects.filter(subject=member, assessor=member).count() == 1

    # A bad link (the browser's own check switched off, to reach the server's): the form stays open
    # with the server's message, the field in error focused.
    row.locator("summary").click()
    row.locator("form").evaluate("form => { form.noValidate = true; }")
    row.get_by_label("Evidence link").fill("not a link at all")
    row.get_by_role("button", name=re.compile("^Record")).click()
    row = page.locator(f"#{row_id}")
    expect(row.locator("details")).to_have_attribute("open", "")
    expect(row).to_contain_text("Enter a valid URL.")
    expect(row.get_by_label("Evidence link")).to_be_focused()
    expect(page.locator("#inplace-status")).to_have_text(f"The assessment of {skill} was not recorded: see the form.")
    assert same_document(page)
    assert Assessment.objects.filter(subject=member).count() == 1
    # The answer replaced the target's result and kept the page's picker: both as a reload shows them.
    expect(page.locator("#t-role")).to_have_value("data-scientist")
    in_place = page.locator("#target-result").inner_text()
    page.reload()
    assert page.locator("#target-result").inner_text() == in_place
    assert [error for error in site.errors if " 400 " not in f" {error} "] == []


def test_a_lead_records_a_members_assessment_in_place(site, seeded_catalog, member):
    lead = UserFactory(username="lena")
    middle_data_scientist(member)
    team = team_services.team_create(user=lead, name="Data Science")
    team_services.member_invite(team=team, by=lead, identifier=member.get_username())
    team_services.invitation_accept(team=team, user=member)
    page = site.page
    sign_in(page.context, site.base_url, lead)
    site.goto(f"/teams/{team.slug}/people/{member.get_username()}/")
    mark_page(page)
    row = page.locator(".skill-row").first
    row_id = row.get_attribute("id")
    row.locator("summary").click()
    row.get_by_label("Level whose expectation is met").select_option(label="Junior")
    row.get_by_role("button", name=re.compile("^Record")).click()
    row = page.locator(f"#{row_id}")
    expect(row.locator(".skill-row__assessments > div").nth(1)).to_contain_text("Junior")
    expect(row.locator(".skill-row__assessments > div").nth(1)).to_contain_text("by lena")
    expect(page.locator("#skills-chart")).to_contain_text("Lead assessment")
    assert same_document(page)
    assert Assessment.objects.get(subject=member).assessor == lead
    assert site.errors == []
