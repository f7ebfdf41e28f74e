"""Community journeys: a newcomer becomes a member and suggests a change, a reviewer applies it; stale proposals."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from proposals.models import Comment, Proposal, ProposalStatus, Watch
from skills.models import ExpectationEvent
from tests.browser.helpers import REPO, screenshot, settled, sign_in
from tests.browser.world import SEED, cell, change

pytestmark = pytest.mark.browser

PASSWORD = "a long and unusual passphrase 42"
NEW_TEXT = "Keeps a run log a colleague can reproduce without asking."


def mark_page(page) -> None:
    """A flag that survives in-page updates and disappears on any reload or navigation."""
    page.evaluate("window.__sameDocument = true")


def same_document(page) -> bool:
    return page.evaluate("window.__sameDocument === true")


def test_a_member_signs_up_watches_comments_and_suggests_and_a_reviewer_applies_it(
    site, browser, live_server, seeded_catalog, reviewer
):
    page = site.page
    mail.outbox.clear()

    # Sign up, then verify the address through the link in the mail.
    site.goto("/accounts/signup/")
    screenshot(page, "journey-sign-up")
    page.locator("input[name=email]").fill("ada@example.com")
    page.locator("input[name=username]").fill("ada")
    page.locator("input[name=password1]").fill(PASSWORD)
    page.locator("input[name=password2]").fill(PASSWORD)
    page.locator("form").filter(has=page.locator("input[name=password1]")).locator("button[type=submit]").click()
    page.wait_for_url("**/accounts/confirm-email/")
    assert [message.to for message in mail.outbox] == [["ada@example.com"]]
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.outbox[0].body).group(0)
    page.goto(link)
    page.locator("main form button[type=submit]").click()
    if "/accounts/login/" in page.url:  # not signed in by the confirmation: sign in
        page.locator("input[name=login]").fill("ada@example.com")
        page.locator("input[name=password]").fill(PASSWORD)
        page.locator("main form button[type=submit]").first.click()
    expect(page.locator("header")).to_contain_text("ada")

    # Watch the seed skill: the toggle answers in place.
    site.goto(f"/skills/{SEED}/")
    mark_page(page)
    watch = page.locator("#community").get_by_role("button", name="Watch", exact=True)
    watch.click()
    expect(page.locator("#community").get_by_role("button", name="Unwatch")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#community")).to_contain_text("1 watcher")
    assert Watch.objects.filter(user__username="ada", skill__slug=SEED).exists()

    # Comment through the widget: it appears without a reload.
    settled(page)
    page.get_by_label("Add a comment").fill("Does **Middle** include comparing runs?")
    page.get_by_role("button", name="Post comment").click()
    posted = page.locator(".comment-list li").filter(has_text="Does Middle include comparing runs?")
    expect(posted).to_be_visible()
    expect(posted.locator("strong").filter(has_text="Middle")).to_be_visible()
    assert same_document(page)
    assert Comment.objects.filter(author__username="ada", skill__slug=SEED).count() == 1
    screenshot(page, "journey-skill-after-comment")

    # Suggest a change to one cell.
    page.locator("#community").get_by_role("link", name="Suggest change").click()
    page.wait_for_url(f"**/skills/{SEED}/suggest/")
    target = page.locator("fieldset").filter(has=page.locator("legend", has_text="Data Scientist"))
    target.locator("details").filter(has_text="Middle").locator("summary").click()
    target.locator("details[open] textarea").fill(NEW_TEXT)
    page.locator("textarea[name=rationale]").fill("Reproducibility is what a middle data scientist adds.")
    screenshot(page, "journey-suggest")
    page.get_by_role("button", name=re.compile("Submit|Send|Propose", re.IGNORECASE)).click()
    page.wait_for_url("**/proposals/*/")
    proposal = Proposal.objects.get(author__username="ada")
    assert page.url.endswith(f"/proposals/{proposal.pk}/")
    assert [(c.role.slug, c.level.slug, c.description) for c in proposal.changes.all()] == [
        ("data-scientist", "middle", NEW_TEXT)
    ]
    expect(page.locator("main")).to_contain_text("Open")
    assert site.errors == []

    # A reviewer, in a browser of their own, finds it in the queue and approves it.
    reviewer_context = browser.new_context()
    sign_in(reviewer_context, live_server.url, reviewer)
    review = reviewer_context.new_page()
    review.goto(site.url("/proposals/?status=open"))
    # Each proposal is listed by what it changes.
    review.get_by_role("link", name="Rewrites 1 description").click()
    review.wait_for_url(f"**/proposals/{proposal.pk}/")
    review.get_by_role("button", name="Approve…").click()
    review.get_by_role("button", name="Confirm: approve and apply").click()
    review.wait_for_url(f"**/proposals/{proposal.pk}/")
    expect(review.locator("main")).to_contain_text("Approved")
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.APPROVED
    screenshot(review, "journey-approved")

    # The new text is in the catalog, and the history tells who changed it through which proposal.
    review.goto(site.url(f"/skills/{SEED}/data-scientist/middle/"))
    expect(review.locator("main")).to_contain_text(NEW_TEXT)
    review.goto(site.url(f"/skills/{SEED}/history/"))
    latest = review.locator(".timeline > li").first
    expect(latest).to_contain_text("Data Scientist")
    expect(latest).to_contain_text("reviewer")
    expect(latest.locator(f"a[href='/proposals/{proposal.pk}/']").first).to_be_visible()
    expect(latest.locator("ins").first).to_be_visible()
    screenshot(review, "journey-history")
    assert ExpectationEvent.objects.filter(description=NEW_TEXT).count() == 1
    reviewer_context.close()


def test_a_stale_proposal_shows_its_conflict(site, seeded_catalog, author, member, reviewer):
    from proposals import services

    target = cell("data-scientist", "senior")
    stale = services.proposal_create(
        author=author, skill=target.skill, rationale="Older idea.", changes=[change(target, "The older idea.")]
    )
    newer = services.proposal_create(
        author=member, skill=target.skill, rationale="Newer idea.", changes=[change(target, "The newer idea.")]
    )
    services.proposal_approve(proposal=newer, reviewer=reviewer)

    sign_in(site.page.context, site.base_url, reviewer)
    site.goto(f"/proposals/{stale.pk}/")
    warning = site.page.locator("#stale")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("Data Scientist")
    expect(warning).to_contain_text(f"written against version {target.version}, now version {target.version + 1}")
    expect(site.page.locator(".proposal-change--stale")).to_contain_text("Changed since written")
    screenshot(site.page, "proposal-stale")

    site.page.get_by_role("button", name="Approve…").click()
    site.page.get_by_role("button", name="Confirm: approve and apply").click()
    error = site.page.locator("#proposal-error")
    expect(error).to_contain_text("Nothing was applied")
    expect(error).to_contain_text("Data Scientist")
    stale.refresh_from_db()
    assert stale.status == ProposalStatus.OPEN
    assert cell("data-scientist", "senior").description == "The newer idea."
    # The refused approval answers 409, and the page says why; nothing else failed.
    assert [e for e in site.errors if not e.startswith("409 POST")] == []


def test_a_reviewer_confirms_an_approval_with_a_note_and_undoes_it(site, seeded_catalog, author, reviewer):
    from proposals import services

    target = cell("data-scientist", "senior")
    before = target.description
    proposal = services.proposal_create(
        author=author, skill=target.skill, rationale="Sharper.", changes=[change(target, "A sharper text.")]
    )
    sign_in(site.page.context, site.base_url, reviewer)
    site.goto("/proposals/?queue=1")
    site.page.get_by_role("link", name="Rewrites 1 description").click()
    site.page.wait_for_url(f"**/proposals/{proposal.pk}/")

    site.page.get_by_label("Note (optional)").fill("Matches the team's practice.")
    site.page.get_by_role("button", name="Approve…").click()
    expect(site.page.get_by_role("heading", level=1)).to_contain_text("Approve these changes to")
    assert cell("data-scientist", "senior").description == before  # nothing applied before the confirmation
    screenshot(site.page, "approve-confirmation")
    site.page.get_by_role("button", name="Confirm: approve and apply").click()
    site.page.wait_for_url(f"**/proposals/{proposal.pk}/")
    expect(site.page.locator("#decision")).to_contain_text("Matches the team's practice.")
    assert cell("data-scientist", "senior").description == "A sharper text."

    site.page.get_by_role("button", name="Undo approval").click()
    site.page.wait_for_url(f"**/proposals/{proposal.pk}/")
    expect(site.page.locator("#decision")).to_contain_text("then undone by reviewer")
    screenshot(site.page, "proposal-undone")
    assert cell("data-scientist", "senior").description == before
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.REVERTED
    assert site.errors == []


def test_switching_to_german_keeps_the_page(site, seeded_catalog):
    path = f"/skills/{SEED}/data-scientist/middle/"
    site.goto(path)
    site.page.get_by_label("Language").select_option("de")
    site.page.locator("form.language-switcher button[type=submit]").click()
    site.page.wait_for_load_state("load")
    assert site.page.url == site.url(path)
    expect(site.page.locator("html")).to_have_attribute("lang", "de")
    if (REPO / "locale" / "de" / "LC_MESSAGES" / "django.mo").exists():  # the German catalog, once compiled
        expect(site.page.locator("nav.site-nav")).to_contain_text("Rollen")
    expect(site.page.get_by_role("heading", level=1)).to_contain_text("Data Scientist")
    screenshot(site.page, "cell-german")
    assert site.errors == []
