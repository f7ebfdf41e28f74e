"""Review checks in the browser: a member checks a proposal, sends it despite the warning; a reviewer sees it."""

import pytest
from playwright.sync_api import expect

from proposals.models import Proposal, ProposalStatus
from tests.browser.helpers import axe_violations, screenshot, sign_in
from tests.browser.world import SEED

# axe-core comes from npm: node_tools installs it when missing.
pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("node_tools")]

SHORT = "Logs runs."
WARNING = "The description for Data Scientist at Middle is very short"


def test_a_member_checks_a_short_description_sends_it_anyway_and_a_reviewer_sees_the_warning(
    site, browser, live_server, seeded_catalog, member, reviewer
):
    page = site.page
    sign_in(page.context, site.base_url, member)
    site.goto(f"/skills/{SEED}/suggest/")
    role = page.locator("fieldset").filter(has=page.locator("legend", has_text="Data Scientist"))
    role.locator("details").filter(has_text="Middle").locator("summary").click()
    role.locator("details[open] textarea").fill(SHORT)
    page.locator("textarea[name=rationale]").fill("Say it in fewer words.")

    # Check: the form comes back with the warning, next to the cell too, and nothing is sent.
    page.get_by_role("button", name="Check", exact=True).click()
    page.wait_for_load_state("load")
    checks = page.locator("#checks")
    expect(checks).to_contain_text("The checks found")
    expect(checks).to_contain_text(WARNING)
    cell = role.locator("details[open]").filter(has_text="Middle")
    expect(cell.locator(".review-warnings")).to_contain_text(WARNING)
    expect(cell.locator("textarea")).to_have_value(SHORT)
    assert Proposal.objects.count() == 0
    assert axe_violations(page) == []
    screenshot(page, "suggest-checked")

    # A warning never blocks: send it as it is.
    page.get_by_role("button", name="Send proposal").click()
    page.wait_for_url("**/proposals/*/")
    proposal = Proposal.objects.get(author=member)
    assert [c.description for c in proposal.changes.all()] == [SHORT]
    assert site.errors == []

    # The reviewer sees the warning beside the change, and can still approve.
    reviewer_context = browser.new_context()
    sign_in(reviewer_context, live_server.url, reviewer)
    review = reviewer_context.new_page()
    review.goto(site.url(f"/proposals/{proposal.pk}/"))
    expect(review.locator("#checks")).to_contain_text(WARNING)
    card = review.locator("#change-data-scientist-middle")
    expect(card.locator(".review-warnings")).to_contain_text(WARNING)
    expect(card).to_contain_text("1 warning")
    assert axe_violations(review) == []
    screenshot(review, "proposal-with-warnings")
    review.get_by_role("button", name="Approve…").click()
    review.get_by_role("button", name="Confirm: approve and apply").click()
    review.wait_for_url(f"**/proposals/{proposal.pk}/")
    expect(review.locator("main")).to_contain_text("Approved")
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.APPROVED
    reviewer_context.close()
