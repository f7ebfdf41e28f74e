"""Every reading page at a phone's width and a laptop's, in the four languages: nothing scrolls sideways, nothing
fails, the header keeps to one row on the laptop and folds into a menu on the phone, the search box's placeholder
is readable, the role matrix keeps its skill column, and the level picker lands below the sticky header.

Screenshots of every page go to test-artifacts/screenshots/layout-*.png.
"""

import pytest
from django.utils import formats, timezone, translation
from playwright.sync_api import expect

from proposals.models import Comment
from tests.browser.helpers import screenshot, settled, sign_in
from tests.browser.world import SEED, build_world, page_path

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1280, "height": 800}
LANGUAGES = ["en", "de", "es", "zh-hans"]

# The pages a member reads; {open} is an open proposal's id.
PAGES = [
    ("skill", f"/skills/{SEED}/"),
    ("role", "/roles/data-scientist/"),
    ("role-level", "/roles/data-scientist/middle/"),
    ("history", f"/skills/{SEED}/history/"),
    ("skill-compare", f"/skills/{SEED}/compare/?a=junior&b=senior"),
    ("role-compare", "/roles/compare/?a=data-scientist&b=llm-engineer"),
    ("proposals", "/proposals/"),
    ("proposal", "/proposals/{open}/"),
    ("plan", "/me/plan/"),
    ("search", "/search/?q=experiment"),
    ("account", "/accounts/profile/"),
]

SIDEWAYS = "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"

# The header's row: the brand, the main links, the search box, the member's links; on a phone, the menu button.
ROW_ON_A_LAPTOP = ".site-header .brand, .site-nav a, .header-search, .account-nav > *"
ROW_ON_A_PHONE = ".site-header .brand, .site-menu__toggle"
ROW_ITEMS = """(selector) => [...document.querySelectorAll(selector)]
    .filter(el => el.checkVisibility())
    .map(el => { const r = el.getBoundingClientRect(); return {name: el.className || el.textContent.trim(),
                                                                top: r.top, bottom: r.bottom}; })"""

# Visible search boxes whose placeholder is wider than the room inside them (less 12px: Chromium's search field
# keeps some of its width to itself).
CUT_PLACEHOLDERS = """() => [...document.querySelectorAll('input[type=search][placeholder]')]
    .filter(input => input.checkVisibility())
    .map(input => {
        const style = getComputedStyle(input);
        const context = document.createElement('canvas').getContext('2d');
        context.font = style.font;
        const room = input.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
        return {placeholder: input.placeholder, text: context.measureText(input.placeholder).width, room};
    })
    .filter(box => box.text + 12 > box.room)"""


def _one_row(page, selector: str) -> list[dict]:
    """The items, when they do not all overlap one another vertically (share one row); else nothing."""
    items = page.evaluate(ROW_ITEMS, selector)
    assert len(items) > 1, selector
    return [] if max(item["top"] for item in items) < min(item["bottom"] for item in items) else items


@pytest.mark.parametrize("language", LANGUAGES)
def test_reading_pages_fit_a_phone_and_a_laptop(site, seeded_catalog, member, author, reviewer, language):
    world = build_world(author=author, reviewer=reviewer, member=member)
    sign_in(site.page.context, site.base_url, member)
    page = site.page
    problems = []
    for width, viewport in (("390", PHONE), ("1280", LAPTOP)):
        page.set_viewport_size(viewport)
        for name, path in PAGES:
            path = page_path(path, world)
            site.goto(f"{path}{'&' if '?' in path else '?'}lang={language}")
            settled(page)
            where = f"{name} at {width} in {language}"
            if (size := page.evaluate(SIDEWAYS))[0] > size[1]:
                problems.append(f"{where}: scrolls sideways {size}")
            if cut := page.evaluate(CUT_PLACEHOLDERS):
                problems.append(f"{where}: placeholder cut {cut}")
            toggle = page.locator(".site-menu__toggle")
            if viewport is LAPTOP:
                if toggle.is_visible():
                    problems.append(f"{where}: the menu button shows on a laptop")
                if rows := _one_row(page, ROW_ON_A_LAPTOP):
                    problems.append(f"{where}: header on more than one row {rows}")
            elif rows := _one_row(page, ROW_ON_A_PHONE):
                problems.append(f"{where}: the brand and the menu button are not on one row {rows}")
            screenshot(page, f"layout-{name}-{width}-{language}")
    assert problems == []
    assert site.errors == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_phone_menu_opens_with_everything_in_it(site, seeded_catalog, member, language):
    sign_in(site.page.context, site.base_url, member)
    page = site.page
    page.set_viewport_size(PHONE)
    site.goto(f"/skills/{SEED}/?lang={language}")
    menu = page.locator("details.site-menu")
    expect(page.locator(".site-nav")).to_be_hidden()
    page.locator(".site-menu__toggle").click()
    expect(menu).to_have_attribute("open", "")
    parts = [
        ".site-nav",
        "#header-search-q",
        ".account-nav a[href='/me/plan/']",
        ".account-nav a[href='/accounts/profile/']",
    ]
    for part in parts:
        expect(page.locator(part)).to_be_visible()
    expect(page.locator(".account-nav__signout button")).to_be_visible()
    assert page.evaluate(CUT_PLACEHOLDERS) == []
    size = page.evaluate(SIDEWAYS)
    assert size[0] <= size[1], size
    screenshot(page, f"layout-menu-open-390-{language}")
    page.keyboard.press("Escape")
    expect(menu).not_to_have_attribute("open", "")
    expect(page.locator(".site-nav")).to_be_hidden()
    # The language switcher waits in the footer.
    expect(page.locator(".site-footer .language-switcher select")).to_be_visible()
    assert site.errors == []


def test_the_header_is_one_row_for_visitors_too(site, seeded_catalog):
    page = site.page
    page.set_viewport_size(LAPTOP)
    for language in LANGUAGES:
        site.goto(f"/skills/{SEED}/?lang={language}")
        assert _one_row(page, ROW_ON_A_LAPTOP) == [], language
        assert page.evaluate(CUT_PLACEHOLDERS) == [], language
    assert site.errors == []


def test_the_account_menu_opens_and_closes(site, seeded_catalog, member):
    sign_in(site.page.context, site.base_url, member)
    page = site.page
    page.set_viewport_size(LAPTOP)
    site.goto(f"/skills/{SEED}/")
    account = page.get_by_role("link", name="Account", exact=True)
    expect(account).to_be_hidden()
    page.locator(".account-menu__toggle").click()
    expect(account).to_be_visible()
    screenshot(page, "layout-account-menu-1280")
    page.locator("h1").click()
    expect(account).to_be_hidden()
    assert site.errors == []


def test_the_role_matrix_keeps_its_skill_column_on_a_phone(site, seeded_catalog):
    page = site.page
    page.set_viewport_size(PHONE)
    site.goto("/roles/data-scientist/?lang=de")
    wrap = page.locator(".matrix-domain .table-wrap").first
    wrap.scroll_into_view_if_needed()
    wrap.evaluate("wrap => { wrap.scrollLeft = 200; }")
    assert wrap.evaluate("wrap => wrap.scrollLeft") > 0, "the levels do not scroll"
    skill = wrap.locator("tbody th").first
    expect(skill).to_be_visible()
    left = [wrap.bounding_box()["x"], skill.bounding_box()["x"]]
    assert abs(left[0] - left[1]) <= 2, left
    screenshot(page, "layout-role-matrix-scrolled-390")
    assert site.errors == []


def _below_the_header(page, selector: str) -> None:
    header = page.locator(".site-header").bounding_box()
    target = page.locator(selector).bounding_box()
    assert header["y"] + header["height"] <= target["y"] + 1, (header, target)
    assert target["y"] < page.viewport_size["height"], target


@pytest.mark.parametrize("viewport", [PHONE, LAPTOP], ids=["390", "1280"])
def test_the_level_picker_lands_below_the_header(site, seeded_catalog, viewport):
    page = site.page
    page.set_viewport_size(viewport)
    site.goto(f"/skills/{SEED}/")
    # The page updates by itself: no button to press.
    expect(page.locator("[data-level-picker-submit]")).to_be_hidden()
    page.get_by_label("Your current level").select_option("middle")
    page.wait_for_url("**/?level=middle#compare")
    page.wait_for_load_state("load")
    _below_the_header(page, "#compare-title")
    screenshot(page, f"layout-level-picker-{viewport['width']}")
    assert site.errors == []


def test_the_level_picker_works_without_script(browser, live_server, seeded_catalog):
    context = browser.new_context(java_script_enabled=False, viewport=LAPTOP)
    page = context.new_page()
    page.goto(f"{live_server.url}/skills/{SEED}/")
    page.get_by_label("Your current level").select_option("senior")
    page.locator("[data-level-picker-submit]").click()
    page.wait_for_url("**/?level=senior#compare")
    _below_the_header(page, "#compare-title")
    context.close()


def test_the_top_level_fills_its_card(site, seeded_catalog):
    page = site.page
    page.set_viewport_size(LAPTOP)
    site.goto(f"/skills/{SEED}/?level=principal#compare")
    columns = page.locator(".compare__cols")
    assert columns.count() > 0
    for index in range(columns.count()):
        row = columns.nth(index)
        assert row.locator(".compare__col").count() == 1
        assert abs(row.bounding_box()["width"] - row.locator(".compare__col").bounding_box()["width"]) <= 1
    _below_the_header(page, "#compare-title")
    screenshot(page, "layout-level-picker-top-1280")
    assert site.errors == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_dates_written_by_script_read_as_the_servers(site, seeded_catalog, member, author, reviewer, language):
    build_world(author=author, reviewer=reviewer, member=member)
    site.goto(f"/skills/{SEED}/?lang={language}")
    settled(site.page)
    comment = Comment.objects.filter(skill__slug=SEED).latest("created")
    with translation.override(language):
        expected = formats.date_format(timezone.localtime(comment.created), "DATE_FORMAT")
    shown = site.page.locator(f"#comment-{comment.pk} time")
    expect(shown).to_have_text(expected)
    assert site.errors == []


def test_the_favicon_is_served(site):
    for path in ("/favicon.ico", "/static/favicon.svg"):
        response = site.page.request.get(site.url(path))
        assert response.status == 200, path
