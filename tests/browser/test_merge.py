"""Merging duplicates in the admin, as staff do it: the seed skill into Experiment Tracking."""

import pytest
from allauth.account.models import EmailAddress
from playwright.sync_api import expect

from skills.models import Expectation, Skill
from tests.browser.helpers import screenshot

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery staple"  # tests.factories.UserFactory's


def test_staff_merge_the_seed_skill_into_experiment_tracking_and_the_old_address_follows(site, seeded_catalog, staff):
    page = site.page
    seed_junior = Expectation.objects.get(
        skill__slug="ml-experiment-tracking", role__slug="data-scientist", level__slug="junior"
    ).description

    # Sign in to the admin (through the site's sign-in: by email address, verified).
    EmailAddress.objects.create(user=staff, email=staff.email, verified=True, primary=True)
    page.goto(site.url("/admin/skills/skill/"))
    page.locator("input[name=login]").fill(staff.email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form").filter(has=page.locator("input[name=password]")).locator("[type=submit]").first.click()
    page.wait_for_url("**/admin/skills/skill/")

    # The action on the change list, with the seed skill selected.
    source = Skill.objects.get(slug="ml-experiment-tracking")
    page.locator(f"input[name=_selected_action][value='{source.pk}']").check()
    page.locator("select[name=action]").select_option("merge_into_another")
    page.locator("button[name=index]").click()
    page.wait_for_url(f"**/admin/skills/skill/{source.pk}/merge/")

    # Choose the target, preview: every one of the seed's ten cells clashes.
    page.get_by_label("Merge into").select_option(label="Experiment Tracking")
    page.get_by_role("button", name="Preview the merge").click()
    expect(page.get_by_role("heading", name="10 clashing expectations: decide which text stays")).to_be_visible()
    screenshot(page, "admin-merge-preview")

    # Take the seed's text for one cell, keep the target's for the nine others, confirm.
    rows = page.locator("table.merge-clashes tbody tr")
    expect(rows).to_have_count(10)
    for index in range(10):
        row = rows.nth(index)
        choice = "Take the source's text" if "Data Scientist · Junior" in row.inner_text() else "Keep the target's text"
        row.get_by_label(choice).check()
    assert Skill.objects.filter(slug="ml-experiment-tracking").exists(), "nothing is written before confirming"
    page.get_by_role("button", name="Merge", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("Merged “ML Experiment Tracking” into “Experiment Tracking”")

    # The old address leads to the target, query string kept; the taken text is there.
    response = page.goto(site.url("/skills/ml-experiment-tracking/?level=junior"))
    assert response.request.redirected_from is not None
    assert response.request.redirected_from.redirected_to is response.request
    assert page.url == site.url("/skills/experiment-tracking/?level=junior")
    assert (response.request.redirected_from.response().status) == 301
    expect(page.locator("main")).to_contain_text(seed_junior[:60])

    # The target's history tells the merge apart.
    site.goto("/skills/experiment-tracking/history/")
    expect(page.locator("main")).to_contain_text("in the merge of “ML Experiment Tracking” into “Experiment Tracking”")
    screenshot(page, "skill-history-after-merge")
    assert not site.errors, site.errors
