"""Markdown for catalog texts and user comments: rendered, then sanitized.

Python-Markdown passes raw HTML through, so its output is never trusted:
nh3 (ammonia) keeps only the tags, attributes and URL schemes listed here,
drops <script>/<style> with their content, and marks every link
rel="nofollow noopener" so that user links earn no ranking and cannot reach
back into the page.
"""

import functools
import re
import threading

import markdown as markdown_lib
import nh3
from django import template
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

EXTENSIONS = ["fenced_code", "tables", "sane_lists"]

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


# A Markdown instance loads its extensions when made (a quarter of a millisecond, four times the
# conversion of a short text): each thread keeps one and resets it between texts.
_local = threading.local()


def _converter() -> markdown_lib.Markdown:
    converter = getattr(_local, "converter", None)
    if converter is None:
        converter = _local.converter = markdown_lib.Markdown(extensions=EXTENSIONS, output_format="html")
    return converter.reset()


# One line of words and plain punctuation, starting with a letter: nothing in it means anything to
# Markdown (no list or heading marker, no emphasis, link, code or escape) or to HTML (no <, > or &),
# so its HTML is the line in a paragraph. Most catalog cells are such a sentence or two, and a
# skill page shows up to hundreds of them: a fast path for _sanitized_html (Markdown, then nh3).
# tests/test_markdown.py checks that both ways give the same HTML.
PLAIN_LINE = re.compile(r"[^\W\d_](?:[^\W_]| (?! )|[,.;:?!'\"()/%+=-])*(?<! )")


def render_markdown(text: str | None) -> SafeString:
    if not text:
        return mark_safe("")
    text = str(text)
    if PLAIN_LINE.fullmatch(text):
        return mark_safe(f"<p>{text}</p>")  # nothing to escape or sanitize (PLAIN_LINE)
    return mark_safe(_sanitized_html(text))  # sanitized by nh3 (_sanitized_html)


# The same text always gives the same HTML, and the texts read most are few (a skill's comments,
# shown to every member on every visit): each process keeps the last few thousand.
@functools.lru_cache(maxsize=4096)
def _sanitized_html(text: str) -> str:
    html = _shift_headings(_converter().convert(text))
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
