"""Interface translations: complete catalogs, compiled, in step with the sources, and served by language.

The catalogs are read with a small parser below (no gettext tools needed), and
"would makemessages find anything new?" is answered by extracting the messages
the same way makemessages does (templatize for templates, the gettext keywords
for Python), without running xgettext.
"""

import ast
import gettext
import html
import io
import json
import re
import tokenize
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils.translation.template import templatize

from proposals import services
from proposals.services import ChangeInput
from skills.models import Expectation, Skill

BASE_DIR = Path(settings.BASE_DIR)
LOCALE_DIR = BASE_DIR / "locale"
# Django language code → locale directory, and how many plural forms the language has.
CATALOGS = {"de": ("de", 2), "es": ("es", 2), "zh-hans": ("zh_Hans", 1)}
SEED = "ml-experiment-tracking"
SEED_DATES = {
    "en": "February 22, 2026",
    "de": "22. Februar 2026",
    "es": "22 de febrero de 2026",
    "zh-hans": "2026年2月22日",
}
# One label of the skill page in each language ("Last updated").
LAST_UPDATED = {"en": "Last updated", "de": "Zuletzt aktualisiert", "es": "Última actualización", "zh-hans": "最后更新"}


# --- A small .po reader ---------------------------------------------------------------------------------


@dataclass
class Entry:
    msgid: str
    line: int
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.msgctxt, self.msgid)

    def __str__(self) -> str:
        context = f" [{self.msgctxt}]" if self.msgctxt else ""
        return f"line {self.line}{context}: {self.msgid!r}"


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}
_KEYWORD_RE = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+"(.*)"$')


def _unquote(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: _ESCAPES.get(m[1], "\\" + m[1]), text)


def read_po(path: Path) -> tuple[Entry, list[Entry]]:
    """The header entry and the live (not obsolete) entries of a .po file."""
    entries: list[Entry] = []
    current: Entry | None = None
    flags: set[str] = set()
    target: tuple[str, int | None] | None = None
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#~"):
            # A blank line ends an entry; "#~" lines are obsolete entries, which gettext ignores.
            if current is not None:
                entries.append(current)
            current, flags, target = None, set(), None
            continue
        if line.startswith("#,"):
            flags |= {flag.strip() for flag in line[2:].split(",")}
            continue
        if line.startswith("#"):
            continue
        match = _KEYWORD_RE.match(line)
        if match:
            keyword, index, value = match[1], match[2], _unquote(match[3])
            if current is None and keyword in ("msgctxt", "msgid"):
                current = Entry(msgid="", line=number, flags=flags)
            if current is None:
                raise AssertionError(f"{path}:{number}: {keyword} outside an entry")
            if keyword.startswith("msgstr"):
                slot = int(index) if index is not None else 0
                current.msgstr[slot] = value
                target = ("msgstr", slot)
            else:
                setattr(current, keyword, value)
                target = (keyword, None)
            continue
        if line.startswith('"') and line.endswith('"') and current is not None and target is not None:
            value = _unquote(line[1:-1])
            if target[0] == "msgstr":
                current.msgstr[target[1]] += value
            else:
                setattr(current, target[0], getattr(current, target[0]) + value)
            continue
        raise AssertionError(f"{path}:{number}: cannot read {raw!r}")
    if current is not None:
        entries.append(current)
    headers = [entry for entry in entries if entry.msgid == "" and entry.msgctxt is None]
    assert len(headers) == 1, f"{path}: expected one header entry"
    return headers[0], [entry for entry in entries if entry is not headers[0]]


def po_path(language: str) -> Path:
    return LOCALE_DIR / CATALOGS[language][0] / "LC_MESSAGES" / "django.po"


def header_fields(header: Entry) -> dict[str, str]:
    pairs = (line.split(":", 1) for line in header.msgstr[0].splitlines() if ":" in line)
    return {name.strip(): value.strip() for name, value in pairs}


# Python-format placeholders: %(name)s, %(n)d, %s ...; "%%" is a literal percent sign.
_PLACEHOLDER_RE = re.compile(r"%(?:\([^)]*\))?[#0 +-]*\d*(?:\.\d+)?[sdifFeEgGxXorc]")
_TAG_RE = re.compile(r"</?([a-zA-Z][\w-]*)[^>]*>")


def placeholders(text: str) -> list[str]:
    return sorted(_PLACEHOLDER_RE.findall(text.replace("%%", "")))


def tags(text: str) -> list[str]:
    return sorted(match[0] for match in _TAG_RE.finditer(text))


LANGUAGES = list(CATALOGS)


# --- (a) every message translated, nothing fuzzy, placeholders kept --------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalog_header(language):
    header, entries = read_po(po_path(language))
    fields = header_fields(header)
    directory, nplurals = CATALOGS[language]
    assert "fuzzy" not in header.flags
    assert fields["Language"] == directory
    assert "charset=UTF-8" in fields["Content-Type"]
    assert re.match(rf"nplurals={nplurals};", fields["Plural-Forms"]), fields["Plural-Forms"]
    assert len(entries) > 400, "the catalog looks truncated"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated_and_none_is_fuzzy(language):
    _, entries = read_po(po_path(language))
    nplurals = CATALOGS[language][1]
    problems = []
    for entry in entries:
        if "fuzzy" in entry.flags:
            problems.append(f"fuzzy {entry}")
        expected_forms = list(range(nplurals)) if entry.msgid_plural is not None else [0]
        if sorted(entry.msgstr) != expected_forms:
            problems.append(f"plural forms {sorted(entry.msgstr)} instead of {expected_forms}: {entry}")
        if any(not entry.msgstr.get(form, "").strip() for form in expected_forms):
            problems.append(f"untranslated {entry}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_placeholders_and_markup(language):
    _, entries = read_po(po_path(language))
    problems = []
    for entry in entries:
        if entry.msgid_plural is None:
            translation = entry.msgstr.get(0, "")
            if placeholders(translation) != placeholders(entry.msgid):
                problems.append(f"placeholders {placeholders(translation)} ≠ {placeholders(entry.msgid)}: {entry}")
            if tags(translation) != tags(entry.msgid):
                problems.append(f"markup {tags(translation)} ≠ {tags(entry.msgid)}: {entry}")
            continue
        allowed = set(placeholders(entry.msgid)) | set(placeholders(entry.msgid_plural))
        forms = [entry.msgstr[index] for index in sorted(entry.msgstr)]
        for form in forms:
            if not set(placeholders(form)) <= allowed:
                problems.append(f"unknown placeholder in {form!r}: {entry}")
            if tags(form) != tags(entry.msgid_plural):
                problems.append(f"markup {tags(form)} ≠ {tags(entry.msgid_plural)}: {entry}")
        # The last form serves "many": it must say everything the English plural says.
        if forms and set(placeholders(forms[-1])) != set(placeholders(entry.msgid_plural)):
            problems.append(f"plural form drops a placeholder: {entry}")
        if len(forms) > 1 and not set(placeholders(entry.msgid)) <= set(placeholders(forms[0])):
            problems.append(f"singular form drops a placeholder: {entry}")
    assert not problems, "\n".join(problems)


def test_catalogs_hold_the_same_messages():
    keys = {language: {entry.key for entry in read_po(po_path(language))[1]} for language in LANGUAGES}
    assert keys["de"] == keys["es"] == keys["zh-hans"]


# --- (b) the compiled .mo files are those of the .po files ---------------------------------------------------


def expected_catalog(header: Entry, entries: list[Entry]) -> dict:
    # msgfmt leaves POT-Creation-Date out of the compiled header.
    catalog: dict = {"": re.sub(r"(?m)^POT-Creation-Date:.*\n", "", header.msgstr[0])}
    for entry in entries:
        key = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt is not None else entry.msgid
        if entry.msgid_plural is None:
            catalog[key] = entry.msgstr[0]
        else:
            for index, text in entry.msgstr.items():
                catalog[(key, index)] = text
    return catalog


@pytest.mark.parametrize("language", LANGUAGES)
def test_compiled_catalog_matches_the_po_file(language):
    """Run `manage.py compilemessages` (and commit the .mo) after editing a .po file."""
    header, entries = read_po(po_path(language))
    mo_path = po_path(language).with_suffix(".mo")
    assert mo_path.exists(), f"{mo_path} is missing: run manage.py compilemessages"
    with mo_path.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)._catalog
    expected = expected_catalog(header, entries)
    missing = sorted(str(key) for key in expected.keys() - compiled.keys())
    extra = sorted(str(key) for key in compiled.keys() - expected.keys())
    different = sorted(str(key) for key in expected.keys() & compiled.keys() if expected[key] != compiled[key])
    assert not (missing or extra or different), (
        f"{mo_path} is out of date (run manage.py compilemessages): "
        f"missing {missing[:5]}, extra {extra[:5]}, different {different[:5]}"
    )


# --- (c) makemessages would find nothing new -----------------------------------------------------------------

# What `manage.py makemessages` is run without (--ignore=.venv --ignore=.tools --ignore=node_modules --ignore=.cache),
# plus what it always skips: hidden directories, STATIC_ROOT, the catalogs themselves.
IGNORED_DIRS = {".venv", ".tools", "node_modules", ".cache", "staticfiles", "locale"}
# xgettext's Python keywords plus those makemessages adds: name → (context argument, singular, plural).
KEYWORDS = {
    "gettext": (None, 0, None),
    "_": (None, 0, None),
    "gettext_lazy": (None, 0, None),
    "gettext_noop": (None, 0, None),
    "ngettext": (None, 0, 1),
    "ngettext_lazy": (None, 0, 1),
    "pgettext": (0, 1, None),
    "pgettext_lazy": (0, 1, None),
    "npgettext": (0, 1, 2),
    "npgettext_lazy": (0, 1, 2),
}


def source_files(extensions: tuple[str, ...]):
    for path in sorted(BASE_DIR.rglob("*")):
        parts = path.relative_to(BASE_DIR).parts
        if any(part.startswith(".") or part in IGNORED_DIRS for part in parts[:-1]):
            continue
        if path.is_file() and path.suffix in extensions and not path.name.startswith("."):
            yield path


def _message(args: list[str | None], spec: tuple[int | None, int, int | None]) -> tuple[str | None, str] | None:
    context, singular, _plural = spec
    needed = [index for index in (context, singular) if index is not None]
    if any(index >= len(args) or args[index] is None for index in needed):
        return None
    return (args[context] if context is not None else None, args[singular])


def messages_in_python(source: str) -> set[tuple[str | None, str]]:
    found = set()
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
        if name not in KEYWORDS:
            continue
        args = [
            arg.value if isinstance(arg, ast.Constant) and isinstance(arg.value, str) else None for arg in node.args
        ]
        message = _message(args, KEYWORDS[name])
        if message:
            found.add(message)
    return found


def messages_in_template(source: str, origin: str) -> set[tuple[str | None, str]]:
    """What xgettext reads from templatize()'s output: calls of the gettext keywords with string literals."""
    found = set()
    # Only the calls matter, and each sits on one line: drop the indentation that would upset tokenize.
    code = "\n".join(line.strip() for line in templatize(source, origin).splitlines())
    tokens = list(tokenize.generate_tokens(io.StringIO(code).readline))
    for index, token in enumerate(tokens):
        if token.type != tokenize.NAME or token.string not in KEYWORDS:
            continue
        if index + 1 >= len(tokens) or tokens[index + 1].string != "(":
            continue
        args: list[str | None] = []
        for argument in tokens[index + 2 :]:
            if argument.string == ")":
                break
            if argument.type == tokenize.STRING:
                args.append(ast.literal_eval(argument.string))
            elif argument.type == tokenize.NAME:
                args.append(None)
        message = _message(args, KEYWORDS[token.string])
        if message:
            found.add(message)
    return found


def source_messages() -> set[tuple[str | None, str]]:
    found = set()
    for path in source_files((".py",)):
        found |= messages_in_python(path.read_text(encoding="utf-8"))
    for path in source_files((".html", ".txt")):
        found |= messages_in_template(path.read_text(encoding="utf-8"), str(path))
    return found


def test_source_extraction_reads_both_kinds_of_files():
    assert messages_in_python('x = pgettext_lazy("code", "A")\ny = _("Hello")') == {("code", "A"), (None, "Hello")}
    template = '{% load i18n %}{% translate "Hi" %}{% blocktranslate count counter=n %}{{ counter }} cell{% plural %}{{ counter }} cells{% endblocktranslate %}'  # noqa: E501
    assert messages_in_template(template, "t.html") == {(None, "Hi"), (None, "%(counter)s cell")}


def test_catalogs_are_in_step_with_the_sources():
    """New strings need `manage.py makemessages -l de -l es -l zh_Hans ...`, translations and compilemessages."""
    in_sources = source_messages()
    in_catalog = {entry.key for entry in read_po(po_path("de"))[1]}
    missing = sorted(in_sources - in_catalog, key=str)
    stale = sorted(in_catalog - in_sources, key=str)
    assert not missing, f"{len(missing)} strings are not in the catalogs yet: {missing[:20]}"
    assert not stale, f"{len(stale)} catalog entries are no longer in the sources: {stale[:20]}"


# --- Pages in every language ------------------------------------------------------------------------------


class _PageText(HTMLParser):
    """Text nodes and the human-readable attributes of a page, whitespace collapsed."""

    ATTRIBUTES = {"title", "placeholder", "aria-label", "alt", "content", "label"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in {"script", "style"}:
            self._skip += 1
        for name, value in attrs:
            if value and (name in self.ATTRIBUTES or (name.startswith("data-") and name != "data-hidden-by")):
                self.texts.append(" ".join(value.split()))

    def handle_endtag(self, tag):
        if tag in {"script", "style"} and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        text = " ".join(data.split())
        if text and not self._skip:
            self.texts.append(text)


def page_texts(content: str) -> list[str]:
    parser = _PageText()
    parser.feed(content)
    return parser.texts


def english_only_strings(language: str) -> set[str]:
    """Whole interface strings that read differently once translated (plain text, no placeholders)."""
    _, entries = read_po(po_path(language))
    return {
        " ".join(entry.msgid.split())
        for entry in entries
        if entry.msgid_plural is None
        and entry.msgctxt is None
        and "%" not in entry.msgid
        and "<" not in entry.msgid
        and entry.msgstr.get(0)
        and entry.msgstr[0] != entry.msgid
    }


@pytest.fixture
def seeded_pages(seeded_catalog, member, reviewer, author):
    """The shipped catalog, one open proposal on the seed skill with a comment."""
    skill = Skill.objects.get(slug=SEED)
    cell = Expectation.objects.select_related("role", "level").filter(skill=skill).order_by("pk").first()
    proposal = services.proposal_create(
        author=author,
        skill=skill,
        rationale="Clearer wording.",
        changes=[
            ChangeInput(
                role=cell.role,
                level=cell.level,
                description=cell.description + " Shares dashboards with the team.",
                required=True,
                proficiency=cell.proficiency,
            )
        ],
    )
    services.comment_create(author=member, body="Looks right to me.", skill=skill)
    services.comment_create(author=member, body="Agreed.", proposal=proposal)
    return {"skill": skill, "cell": cell, "proposal": proposal}


def main_pages(world) -> list[tuple[str, int]]:
    skill, cell, proposal = world["skill"], world["cell"], world["proposal"]
    role = cell.role
    return [
        ("/", 200),
        ("/search/", 200),
        ("/search/?q=kube", 200),
        ("/search/?q=zzqxv", 200),
        (f"/skills/{skill.slug}/", 200),
        (f"/skills/{skill.slug}/?level={cell.level.slug}", 200),
        (f"/skills/{skill.slug}/?level=nope", 200),
        (f"/skills/{skill.slug}/{role.slug}/{cell.level.slug}/", 200),
        (f"/skills/{skill.slug}/history/", 200),
        ("/roles/", 200),
        (f"/roles/{role.slug}/", 200),
        (f"/roles/{role.slug}/{cell.level.slug}/", 200),
        ("/proposals/", 200),
        (f"/proposals/{proposal.pk}/", 200),
        (f"/skills/{skill.slug}/suggest/", 200),
        ("/accounts/profile/", 200),
        ("/no-such-page/", 404),
    ]


LEAKS = ("{%", "%}", "{{", "}}", "%(", "msgid", "msgstr")


@pytest.mark.parametrize("language", ["de", "es", "zh-hans"])
def test_main_pages_show_no_untranslated_interface_text(client, seeded_pages, reviewer, language):
    client.force_login(reviewer)
    english = english_only_strings(language)
    usernames = set(User.objects.values_list("username", flat=True))
    problems = []
    for url, status in main_pages(seeded_pages):
        response = client.get(url, headers={"accept-language": language})
        assert response.status_code == status, url
        content = response.content.decode()
        assert f'<html lang="{language}"' in content, url
        # The comment widget's message has a %(reason)s slot that static/js/comments.js fills in.
        scanned = re.sub(r'data-hidden-by="[^"]*"', "", content)
        problems += [f"{url}: template syntax or catalog text {leak!r}" for leak in LEAKS if leak in scanned]
        # The switcher names each language in that language ("English"); usernames are data ("author").
        content = re.sub(r"<option [^>]*lang=[^>]*>[^<]*</option>", "", content)
        problems += [
            f"{url}: English {text!r}" for text in page_texts(content) if text in english and text not in usernames
        ]
    assert not problems, "\n".join(problems)


def test_english_pages_show_the_english_strings(client, seeded_pages, reviewer):
    """The check above can fail: in English, interface strings are found on the same pages."""
    client.force_login(reviewer)
    english = english_only_strings("de")
    seen = set()
    for url, status in main_pages(seeded_pages):
        response = client.get(url, headers={"accept-language": "en"})
        assert response.status_code == status
        seen |= set(page_texts(response.content.decode())) & english
    assert {"Last updated", "Skip to main content", "Mandatory requirements", "Review"} <= seen
    assert len(seen) > 100


@pytest.mark.parametrize("language", ["en", "de", "es", "zh-hans"])
def test_catalog_text_stays_as_written(client, seeded_catalog, language):
    """The seed skill shows word for word as the file writes it: in English, or in the page's language where the file
    has a translation (skills/translations.py)."""
    catalog = json.loads((BASE_DIR / "fixtures/catalog.json").read_text())
    seed = next(s for s in catalog["skills"] if s["slug"] == SEED)

    def written(record: dict, name: str) -> str:
        return record.get("translations", {}).get(language, {}).get(name, record[name])

    response = client.get(f"/skills/{SEED}/", headers={"accept-language": language})
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())
    assert LAST_UPDATED[language] in text
    assert SEED_DATES[language] in text
    assert written(seed, "name") in text and written(seed, "summary") in text
    assert len(seed["cells"]) == 10
    for cell in seed["cells"]:
        assert " ".join(written(cell, "description").split()) in text
        if language != "en":
            assert " ".join(cell["description"].split()) not in text  # translated, not mixed with the English
    for role in catalog["roles"]:
        if role["slug"] in ("data-scientist", "llm-engineer"):
            assert written(role, "name") in text


# --- Choosing the language: ?lang=, Accept-Language, the switcher ---------------------------------------------


@pytest.mark.parametrize(
    ("query", "language"),
    [("de", "de"), ("es", "es"), ("zh", "zh-hans"), ("zh-hans", "zh-hans"), ("zh_Hans", "zh-hans"), ("en", "en")],
)
def test_lang_query_parameter_sets_the_language_and_keeps_it(client, seeded_catalog, query, language):
    response = client.get(f"/skills/{SEED}/", {"lang": query}, headers={"accept-language": "fr"})
    assert response.status_code == 200
    assert response["Content-Language"] == language
    assert f'<html lang="{language}"' in response.content.decode()
    assert SEED_DATES[language] in response.content.decode()
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == language
    # The next page, without ?lang=, stays in that language (the cookie).
    follow = client.get("/roles/", headers={"accept-language": "fr"})
    assert follow["Content-Language"] == language


def test_lang_query_parameter_beats_the_cookie_and_the_browser(client, seeded_catalog):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    response = client.get(f"/skills/{SEED}/?lang=de", headers={"accept-language": "zh-CN"})
    assert "22. Februar 2026" in response.content.decode()
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "de"


@pytest.mark.parametrize(
    "value", ["fr", "xx", "english", "de-", "zh-hans-cn-x-y-z", "d\x00e", "<script>", "é", "a" * 300]
)
def test_an_unknown_lang_value_is_ignored(client, seeded_catalog, value):
    response = client.get(f"/skills/{SEED}/", {"lang": value}, headers={"accept-language": "es"})
    assert response.status_code == 200
    assert response["Content-Language"] == "es"
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


@pytest.mark.parametrize(
    ("accept", "language"),
    [
        ("es", "es"),
        ("es-MX,es;q=0.9,en;q=0.5", "es"),
        ("de-AT,de;q=0.9", "de"),
        ("zh-CN,zh;q=0.9", "zh-hans"),
        ("zh-Hans", "zh-hans"),
        ("zh", "zh-hans"),
        ("fr-FR,fr;q=0.9", "en"),
        ("", "en"),
    ],
)
def test_browser_language_is_used(client, seeded_catalog, accept, language):
    response = client.get(f"/skills/{SEED}/", headers={"accept-language": accept})
    assert response["Content-Language"] == language
    assert SEED_DATES[language] in response.content.decode()
    assert LAST_UPDATED[language] in response.content.decode()


def test_the_cookie_beats_the_browser(client, seeded_catalog):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "de"
    response = client.get(f"/skills/{SEED}/", headers={"accept-language": "es"})
    assert response["Content-Language"] == "de"


def switcher(content: str) -> dict:
    form = re.search(r'<form class="language-switcher" action="([^"]+)" method="post">(.*?)</form>', content, re.S)
    assert form, "no language switcher"
    body = form[2]
    return {
        "action": form[1],
        "next": html.unescape(re.search(r'name="next" value="([^"]*)"', body)[1]),
        "options": re.findall(r'<option value="([^"]+)"', body),
        "selected": re.search(r'<option value="([^"]+)"[^>]*selected', body)[1],
        "csrf": 'name="csrfmiddlewaretoken"' in body,
    }


def test_switcher_posts_to_set_language_with_the_current_page(client, seeded_catalog):
    content = client.get(f"/skills/{SEED}/?level=middle&lang=es").content.decode()
    form = switcher(content)
    assert form["action"] == "/i18n/setlang/"
    assert form["csrf"]
    assert form["options"] == ["en", "de", "es", "zh-hans"]
    assert form["selected"] == "es"
    # Back to the same page, without the ?lang= that would undo the choice.
    assert form["next"] == f"/skills/{SEED}/?level=middle"
    assert switcher(client.get("/roles/").content.decode())["next"] == "/roles/"


def test_switching_language_keeps_the_page(seeded_catalog):
    client = Client(enforce_csrf_checks=True)
    page = f"/skills/{SEED}/?level=middle"
    client.get(page)
    response = client.post(
        "/i18n/setlang/",
        {"language": "zh-hans", "next": page, "csrfmiddlewaretoken": client.cookies["csrftoken"].value},
    )
    assert response.status_code == 302
    assert response["Location"] == page
    again = client.get(response["Location"])
    assert again["Content-Language"] == "zh-hans"
    assert SEED_DATES["zh-hans"] in again.content.decode()


def test_switching_language_refuses_a_foreign_next(client, seeded_catalog):
    response = client.post("/i18n/setlang/", {"language": "de", "next": "https://evil.example/"})
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_scripts_get_their_messages_in_the_page_language(client, seeded_catalog, member):
    client.force_login(member)
    content = client.get(f"/skills/{SEED}/?lang=de").content.decode()
    assert 'data-loading="Kommentare werden geladen…"' in content
    assert 'data-hidden-by="Von einem Prüfer ausgeblendet: %(reason)s"' in content
    assert 'data-failed="Der Server war nicht erreichbar. Bitte versuchen Sie es erneut."' in content
    assert ">Beobachten</button>" in content


def test_api_errors_follow_the_language(client, db):
    response = client.get("/api/no-such-thing/?lang=de")
    assert response.status_code == 404
    assert response.json() == {"detail": "Nicht gefunden."}


def test_lang_parameter_adds_no_queries(client, seeded_catalog):
    url = f"/skills/{SEED}/"
    client.get(url)  # warm caches (content types, sessions, rendered pages)
    client.get(url, {"lang": "de"})
    with CaptureQueriesContext(connection) as plain:
        client.get(url)
    with CaptureQueriesContext(connection) as with_lang:
        client.get(url, {"lang": "de"})
    assert len(with_lang) == len(plain)
