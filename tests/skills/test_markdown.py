"""The markdown filter: markdown-it-py (CommonMark), then the nh3 allowlist."""

import json
import random
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.template import Context, Template

from skills.templatetags.markdown_tags import PLAIN_LINE, _sanitized_html, render_markdown


def test_renders_basic_markdown():
    html = render_markdown("Uses **MLflow** and *W&B*.\n\n- one\n- two\n\n`code`")
    assert "<strong>MLflow</strong>" in html
    assert "<em>W&amp;B</em>" in html
    assert "<li>one</li>" in html
    assert "<code>code</code>" in html


def test_links_get_nofollow_noopener():
    html = render_markdown("[docs](https://example.com/x)")
    assert 'href="https://example.com/x"' in html
    assert 'rel="nofollow noopener"' in html


def test_a_rel_in_the_source_is_replaced():
    html = render_markdown('<a href="https://example.com" rel="follow me">x</a>')
    assert 'rel="nofollow noopener"' in html
    assert "follow me" not in html


@pytest.mark.parametrize(
    ("source", "forbidden"),
    [
        ("<script>alert(1)</script>", "alert(1)"),
        ('<img src="x" onerror="alert(1)">', "onerror"),
        ("[click](javascript:alert(1))", "javascript:"),
        ('<a href="data:text/html,<script>x</script>">x</a>', "data:"),
        ('<p style="color:red" onclick="x()">hi</p>', "style="),
        ('<p onclick="x()">hi</p>', "onclick"),
        ("<iframe src='https://evil.example'></iframe>", "<iframe"),
        ("<style>body{display:none}</style>", "display:none"),
        ('<form action="/x"><input name="q"></form>', "<form"),
    ],
)
def test_dangerous_html_is_removed(source, forbidden):
    assert forbidden not in render_markdown(source)


def test_headings_start_below_the_page_headings():
    html = render_markdown("# Title\n\n## Part")
    assert "<h3>Title</h3>" in html
    assert "<h4>Part</h4>" in html
    assert "<h1" not in html


def test_empty_and_none_render_nothing():
    assert render_markdown("") == ""
    assert render_markdown(None) == ""


def test_filter_in_a_template_is_not_escaped_twice():
    html = Template("{% load markdown_tags %}{{ text|markdown }}").render(Context({"text": "a **b** <i>c</i>"}))
    assert "<strong>b</strong>" in html
    assert "&lt;strong&gt;" not in html


def test_one_text_leaves_nothing_behind_for_the_next():
    """Each thread reuses one converter: state from a text (stashed code blocks, tables) must not leak."""
    first = render_markdown("```\ncode()\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |")
    assert "<pre>" in first and "<table>" in first
    assert str(render_markdown("Plain words.")) == "<p>Plain words.</p>"


def test_threads_convert_side_by_side():
    texts = [f"**Text {i}**\n\n```\nblock {i}\n```" for i in range(40)]
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda text: str(render_markdown(text)), texts * 5))
    for i, html in enumerate(results):
        number = i % 40
        assert f"<strong>Text {number}</strong>" in html
        assert f"block {number}" in html
        assert html.count("<pre>") == 1


# --- Plain lines skip the converter ---------------------------------------------------

PLAIN_PIECES = [
    "Designs",
    "push",
    "notifications",
    "Ärger",
    "naïve",
    "数据",
    "v2",
    "2026",
    "HAProxy",
    ",",
    ".",
    ";",
    ":",
    "?",
    "!",
    "'",
    '"',
    "(",
    ")",
    "/",
    "%",
    "+",
    "=",
    "-",
    "http://example.com/x",
]
MEANINGFUL = ["_", "*", "#", "<", ">", "&", "`", "[", "]", "\\", "|", "~", "\t", "\n", "  ", "1.", "- ", "\u00a0"]


def _converted(text: str) -> str:
    """The text through Markdown and nh3, the way every text went before the plain-line shortcut."""
    return _sanitized_html(text)


def test_plain_lines_give_the_html_markdown_would():
    rng = random.Random(7)
    plain = 0
    for _ in range(20000):
        pieces = rng.choices(PLAIN_PIECES + MEANINGFUL, k=rng.randint(1, 7))
        text = rng.choice(["", " "]).join(pieces)
        plain += bool(PLAIN_LINE.fullmatch(text))
        assert str(render_markdown(text)) == _converted(text), text
    assert 1000 < plain < 19000  # both ways were tried on many texts, not on a few


CATALOG_FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "catalog.json"


def _texts(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _texts(item)
    elif isinstance(value, list):
        for item in value:
            yield from _texts(item)


def test_every_shipped_catalog_text_gives_the_html_markdown_would():
    texts = set(_texts(json.loads(CATALOG_FIXTURE.read_text())))
    for text in texts:
        assert str(render_markdown(text)) == _converted(text), text
    assert sum(bool(PLAIN_LINE.fullmatch(text)) for text in texts) > 100  # the shortcut had its share


@pytest.mark.parametrize(
    "text",
    [
        "Owns the roadmap for relevance judgments and reports on it in terms the business understands.",
        "Prefers boring, well-understood flows over clever ones (and says why).",
        "Keeps 99% of builds green: p50 under 5 minutes.",
    ],
)
def test_a_catalog_sentence_takes_the_shortcut(text):
    assert PLAIN_LINE.fullmatch(text)
    assert str(render_markdown(text)) == _converted(text) == f"<p>{text}</p>"


@pytest.mark.parametrize(
    "text",
    [
        "1. a numbered list",
        "- a list",
        "Uses __MLflow__ daily",
        "Uses _MLflow_ daily",
        "Two spaces  inside",
        "Ends with a space ",
        " Starts with a space",
        "Two\nlines",
        "Has <b>HTML</b>",
        "Has &amp; an entity",
        "A [link](https://example.com)",
        "# A heading",
        "Tom & Jerry",
    ],
)
def test_anything_markdown_or_html_might_read_is_converted(text):
    assert not PLAIN_LINE.fullmatch(text)
    assert str(render_markdown(text)) == _converted(text)
