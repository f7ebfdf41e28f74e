"""Markdown for catalog texts and user comments: rendered, then sanitized.

markdown-it-py (CommonMark) turns the text into HTML in time linear in its length, whatever the
text: its inline parser caches what it has scanned, caps nesting and bounds its searches, where
Python-Markdown took quadratic time on runs of brackets (bench/MARKDOWN.md). On top of that every
rendering has a budget (RENDER_BUDGET, settings.MARKDOWN_RENDER_BUDGET): the parser's own rules
check the clock as they go, and a text that runs out of time, or nests its lists and quotes deeper
than anyone writes, is shown as escaped text instead (its paragraphs and line breaks kept).

Raw HTML in the text is passed through, so the output is never trusted: nh3 (ammonia) keeps only
the tags, attributes and URL schemes listed here, drops <script>/<style> with their content, and
marks every link rel="nofollow noopener" so that user links earn no ranking and cannot reach back
into the page.
"""

import functools
import html as html_lib
import re
import time

import nh3
from django import template
from django.conf import settings
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

register = template.Library()

ALLOWED_TAGS = {
    "a",
    "abbr",
    "blockquote",
    "br",
    "code",
    "del",
    "em",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "li",
    "ol",
    "p",
    "pre",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "ol": {"start"},
    "td": {"align"},
    "th": {"align"},
}
URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "nofollow noopener"

# Page headings own h1 and h2: headings in a text start at h3.
HEADING = re.compile(r"<(/?)h([1-6])\b", re.IGNORECASE)


def _shift_headings(html: str) -> str:
    return HEADING.sub(lambda m: f"<{m.group(1)}h{min(int(m.group(2)) + 2, 6)}", html)


# CommonMark with tables (GFM's), raw HTML passed on to nh3. Strikethrough stays off: Python-Markdown,
# which rendered these texts before, had none, and ~~ in the texts means what it says.
RENDER_BUDGET = 0.25  # seconds of one rendering; settings.MARKDOWN_RENDER_BUDGET overrides
# Lists and quotes nested deeper than this (a list level counts two) are not rendered as Markdown.
# markdown-it's own limit (maxNesting, above this) would silently drop the rest of the text.
NESTING_LIMIT = 20
# Block tokens (paragraphs, items, table cells...) a text may make: a few per character, and some to
# start with. A table fills in the cells its rows leave out, so a wide header over short rows would
# otherwise make work and HTML far beyond the text's length.
BLOCK_TOKENS_PER_CHARACTER = 3
BLOCK_TOKENS_BASE = 1000
# nh3's HTML parser looks through the open elements for each tag it meets, which is quadratic in
# nested raw HTML (<div><div>...). A text with more "<" than this has its HTML shown as text (its
# Markdown still rendered); Markdown's own nesting is bounded by NESTING_LIMIT.
RAW_HTML_TAG_LIMIT = 500


class RenderingAbandoned(Exception):
    """The text ran out of its budget or its limits: it is shown escaped."""


def _check(state) -> None:
    if time.monotonic() > state.env["deadline"]:
        raise RenderingAbandoned


def _block_guard(state, start_line: int, end_line: int, silent: bool) -> bool:
    # First of the block rules, and of the lists of rules that may end a paragraph, a quote, a list
    # or a table: so called before each block and at each line inside one (a table's rows too).
    if state.level >= NESTING_LIMIT or len(state.tokens) > state.env["block_tokens"]:
        raise RenderingAbandoned
    _check(state)
    return False


def _inline_guard(state, silent: bool) -> bool:
    # First of the inline rules: called at each position the inline parser stops at, in
    # look-aheads (a link's label) too.
    _check(state)
    return False


def _any_link(url: str) -> bool:
    return True


def _parser(*, html: bool) -> MarkdownIt:
    parser = MarkdownIt("commonmark", {"html": html, "maxNesting": NESTING_LIMIT + 3}).enable("table")
    # Links of every scheme are links here, as they were with Python-Markdown: nh3 drops the href of
    # those outside URL_SCHEMES, and the text stays a link's text rather than the Markdown around it.
    parser.validateLink = _any_link
    terminators = ["paragraph", "reference", "blockquote", "list"]
    parser.block.ruler.before("table", "guard", _block_guard, {"alt": terminators})
    parser.inline.ruler.before("text", "guard", _inline_guard)
    parser.inline.ruler2.before("balance_pairs", "guard", _check)  # pairs emphasis, once a paragraph
    return parser


# One parser of each kind serves every thread: a rendering keeps its state, deadline included, in its
# own env.
PARSER = _parser(html=True)
PARSER_WITHOUT_HTML = _parser(html=False)


def _budget() -> float:
    return float(getattr(settings, "MARKDOWN_RENDER_BUDGET", RENDER_BUDGET))


def _to_html(text: str, budget: float) -> str:
    """markdown-it's HTML for the text, or RenderingAbandoned once it is out of budget or limits."""
    deadline = time.monotonic() + budget
    parser = PARSER if text.count("<") <= RAW_HTML_TAG_LIMIT else PARSER_WITHOUT_HTML
    env = {"deadline": deadline, "block_tokens": BLOCK_TOKENS_BASE + BLOCK_TOKENS_PER_CHARACTER * len(text)}
    tokens = parser.parse(text, env)
    if time.monotonic() > deadline:
        raise RenderingAbandoned
    html = parser.renderer.render(tokens, parser.options, env)
    if time.monotonic() > deadline:
        raise RenderingAbandoned
    return html.rstrip("\n")


def escaped_text(text: str) -> str:
    """The text as HTML that means nothing but the text: escaped, in paragraphs, line breaks kept."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "\ufffd").split("\n")
    paragraphs, current = [], []
    for line in [*lines, ""]:
        if line.strip():
            current.append(html_lib.escape(line.strip(), quote=False))
        elif current:
            paragraphs.append("<p>" + "<br>\n".join(current) + "</p>")
            current = []
    return "\n".join(paragraphs)


# One line of words and plain punctuation, starting with a letter: nothing in it means anything to
# Markdown (no list or heading marker, no emphasis, link, code or escape) or to HTML (no <, > or &),
# so its HTML is the line in a paragraph. Most catalog cells are such a sentence or two, and a
# skill page shows up to hundreds of them: a fast path for _sanitized_html (Markdown, then nh3).
# tests/skills/test_markdown.py checks that both ways give the same HTML.
PLAIN_LINE = re.compile(r"[^\W\d_](?:[^\W_]| (?! )|[,.;:?!'\"()/%+=-])*(?<! )")


def render_markdown(text: str | None) -> SafeString:
    if not text:
        return mark_safe("")
    text = str(text)
    if PLAIN_LINE.fullmatch(text):
        return mark_safe(f"<p>{text}</p>")  # nothing to escape or sanitize (PLAIN_LINE)
    return mark_safe(_sanitized_html(text))  # sanitized by nh3 (_sanitized_html)


# The same text always gives the same HTML, and the texts read most are few (a skill's comments,
# shown to every member on every visit): each process keeps the last few thousand. A text that ran
# out of budget is kept as its escaped form, so it costs its budget once per process, not per view.
@functools.lru_cache(maxsize=4096)
def _sanitized_html(text: str) -> str:
    try:
        html = _shift_headings(_to_html(text, _budget()))
    except RenderingAbandoned:
        return escaped_text(text)  # escaped: nothing in it is markup
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=LINK_REL,
        strip_comments=True,
    )


@register.filter(name="markdown", is_safe=True)
def markdown_filter(text: str | None) -> SafeString:
    """{{ cell.description|markdown }}: Markdown to sanitized HTML."""
    return render_markdown(text)
