"""What every page says about itself: no "cell" in the words a reader sees (in any language), a title that ends with
the site's name, a favicon, and one date format per language."""

import datetime
import re
from html.parser import HTMLParser

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.utils import formats, translation
from django.utils.translation import gettext

from tests.browser.world import SEED, build_world, page_path
from tests.helpers import ROOT

LANGUAGES = ["en", "de", "es", "zh-hans"]

# The word for a matrix cell in each language; none may reach a reader in any language.
CELL = re.compile(r"\bcells?\b|zelle|celda|单元格", re.IGNORECASE)

# Who reads what: None is a visitor. {open} and {warned} are proposal ids.
PAGES = [
    (None, "/"),
    (None, "/search/?q=experiment"),
    (None, f"/skills/{SEED}/"),
    (None, f"/skills/{SEED}/?level=middle"),
    (None, f"/skills/{SEED}/?level=principal"),
    (None, f"/skills/{SEED}/data-scientist/junior/"),
    (None, f"/skills/{SEED}/history/"),
    (None, f"/skills/{SEED}/compare/?a=junior&b=senior"),
    (None, "/roles/"),
    (None, "/roles/data-scientist/"),
    (None, "/roles/data-scientist/middle/"),
    (None, "/roles/compare/?a=data-scientist&b=llm-engineer"),
    (None, "/proposals/"),
    (None, "/proposals/{open}/"),
    (None, "/accounts/login/"),
    (None, "/accounts/signup/"),
    (None, "/accounts/password/reset/"),
    (None, "/skills/no-such-skill/"),
    ("member", "/me/plan/"),
    ("member", "/me/skills/"),
    ("member", "/teams/"),
    ("member", "/accounts/profile/"),
    ("member", f"/skills/{SEED}/suggest/"),
    ("reviewer", "/proposals/{warned}/"),
]

# Attributes whose words a reader sees or hears; data-* values are the widgets' messages.
READ_ATTRIBUTES = {"title", "aria-label", "placeholder", "alt", "value", "content", "label"}


class Reading(HTMLParser):
    """The words of a page as its reader meets them: text (not script or style) and the attributes read out."""

    def __init__(self):
        super().__init__()
        self.words: list[str] = []
        self.title: list[str] = []
        self._skip = 0
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        self._in_title = tag == "title"
        for name, value in attrs:
            if value and (name in READ_ATTRIBUTES or name.startswith("data-")) and not value.startswith(("/", "http")):
                self.words.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip -= 1
        if tag == "title":
            self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title.append(data)
        if not self._skip:
            self.words.append(data)


def read(html: str) -> Reading:
    reading = Reading()
    reading.feed(html)
    return reading


@pytest.fixture
def world(seeded_catalog, member, author, reviewer):
    return build_world(author=author, reviewer=reviewer, member=member)


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_page_says_cell_and_every_title_ends_with_the_site_name(world, member, reviewer, language):
    readers = {None: Client(), "member": Client(), "reviewer": Client()}
    readers["member"].force_login(member)
    readers["reviewer"].force_login(reviewer)
    with translation.override(language):
        site_name = gettext("Skill Matrix")
    cells, titles = {}, {}
    for who, path in PAGES:
        path = page_path(path, world)
        response = readers[who].get(f"{path}{'&' if '?' in path else '?'}lang={language}")
        assert response.status_code in (200, 404), path
        reading = read(response.content.decode())
        if found := sorted({match.group(0) for match in CELL.finditer(" ".join(reading.words))}):
            cells[path] = found
        title = " ".join("".join(reading.title).split())
        if not title.endswith(f" · {site_name}") or title == f"· {site_name}":
            titles[path] = title
    assert cells == {}
    assert titles == {}


def test_the_500_page_title_ends_with_the_site_name(db):
    title = " ".join(read(render_to_string("500.html")).title[0].split())
    assert title == "Something went wrong · Skill Matrix"


def test_the_home_page_title_names_the_site_once(client, seeded_catalog):
    title = " ".join("".join(read(client.get("/").content.decode()).title).split())
    assert title == "Engineering skills by role and level · Skill Matrix"


def test_the_api_docs_title_ends_with_the_site_name(client):
    assert "<title>API documentation · Skill Matrix</title>" in client.get("/api/docs/").content.decode()


def _po_entries(language: str):
    """(msgid, msgstrs) of a compiled language's catalog, from its .po file."""
    text = (ROOT / "locale" / language / "LC_MESSAGES" / "django.po").read_text(encoding="utf-8")
    for block in text.split("\n\n"):
        if block.lstrip().startswith("#~"):
            continue
        ids = re.findall(r'^msgid(?:_plural)? ((?:".*"\n?)+)', block, re.M)
        strs = re.findall(r"^msgstr(?:\[\d\])? ((?:\".*\"\n?)+)", block, re.M)
        join = lambda part: "".join(re.findall(r'"(.*)"', part))  # noqa: E731
        yield " ".join(join(i) for i in ids), [join(s) for s in strs]


@pytest.mark.parametrize("language", ["de", "es", "zh_Hans"])
def test_no_message_says_cell_in_any_language(language):
    found = [(msgid, msgstrs) for msgid, msgstrs in _po_entries(language) if CELL.search(msgid + " ".join(msgstrs))]
    assert found == []


def test_every_page_links_the_favicon(client, db):
    page = client.get("/roles/").content.decode()
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in page


@pytest.mark.parametrize(
    "path,content_type", [("/favicon.ico", "image/x-icon"), ("/static/favicon.svg", "image/svg+xml")]
)
def test_the_favicon_is_served(client, settings, path, content_type):
    settings.WHITENOISE_USE_FINDERS = True  # as make run serves it (production serves collected files)
    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Type"].startswith(content_type)
    assert b"".join(response.streaming_content)


def test_the_favicon_ico_is_an_icon():
    assert (ROOT / "static" / "root" / "favicon.ico").read_bytes()[:4] == b"\x00\x00\x01\x00"
    assert (ROOT / "static" / "favicon.svg").read_text().startswith("<svg")


# How a day reads in each language: the same as the browser's Intl.DateTimeFormat(…, {dateStyle: "long"}), which
# the comment widget uses (tests/browser/test_layout_at_widths.py compares the two).
LONG_DATES = {
    "en": "February 22, 2026",
    "de": "22. Februar 2026",
    "es": "22 de febrero de 2026",
    "zh-hans": "2026年2月22日",
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_one_date_format_per_language(language):
    day = datetime.datetime(2026, 2, 22, 15, 4)
    with translation.override(language):
        date = formats.date_format(day, "DATE_FORMAT")
        with_time = formats.date_format(day, "DATETIME_FORMAT")
    assert date == LONG_DATES[language]
    assert with_time.startswith(date) and with_time != date


def test_templates_write_days_in_the_named_formats():
    """A human-readable date in a template is DATE_FORMAT or DATETIME_FORMAT; other formats are machine-readable."""
    machine = {"'Y-m-d'", '"Y-m-d"', "'Y-m-d\\TH:i:sO'"}
    odd = []
    for template in (ROOT / "templates").rglob("*.html"):
        for argument in re.findall(r"\|date:(\"[^\"]*\"|'[^']*')", template.read_text()):
            if argument.strip("\"'") not in ("DATE_FORMAT", "DATETIME_FORMAT") and argument not in machine:
                odd.append(f"{template.relative_to(ROOT)}: {argument}")
        if re.search(r"naturaltime|naturalday|timesince", template.read_text()):
            odd.append(f"{template.relative_to(ROOT)}: a relative date")
    assert odd == []
