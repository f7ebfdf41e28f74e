"""The markdown filter's cost: bounded whatever the text, and a hard budget behind that.

How the cost grows with the text's length (about twice the time for twice the text, for every kind of the
corpus) is measured by `bench/markdown_corpus.py`, not here: a timed comparison belongs in the benchmark.

The corpus (tests/payloads/markdown_pathological.py) holds the constructs that make Markdown parsers
slow. The time checks render with the budget out of the way, so that they measure the parser; the
budget's own tests force it small.
"""

import time

import pytest
from django.test import override_settings

from skills.templatetags.markdown_tags import (
    NESTING_LIMIT,
    RAW_HTML_TAG_LIMIT,
    RenderingAbandoned,
    _sanitized_html,
    _to_html,
    escaped_text,
    render_markdown,
)
from tests.payloads import hazards
from tests.payloads.markdown_pathological import CORPUS, PATHOLOGICAL

NO_BUDGET = 600.0
LARGE = 10_000


def render_uncached(text: str) -> str:
    return _sanitized_html.__wrapped__(text)


def cpu_seconds(text: str) -> float:
    start = time.process_time()
    render_uncached(text)
    return time.process_time() - start


def completes(text: str) -> bool:
    """True when the text renders as Markdown (not as escaped text) given all the time it wants."""
    try:
        _to_html(text, NO_BUDGET)
    except RenderingAbandoned:
        return False
    return True


@pytest.fixture
def no_budget():
    with override_settings(MARKDOWN_RENDER_BUDGET=NO_BUDGET):
        yield


@pytest.mark.usefixtures("no_budget")
def test_every_pathological_text_renders_in_well_under_a_second():
    seconds = {kind: cpu_seconds(make(LARGE)) for kind, make in CORPUS.items()}
    slow = {kind: round(value, 3) for kind, value in seconds.items() if value >= 1.0}
    assert slow == {}
    # Python-Markdown spent about a minute on the first of them alone.
    assert sum(seconds.values()) < 10.0


def test_the_corpus_is_rendered_not_given_up():
    """Within the limits, the corpus renders as Markdown: the time checks above measure the parser."""
    beyond_limits = {
        "deep list by indentation",
        "ordered markers 1. 1.",
        "quote markers >>>",
        "quote markers > > >",
        "deepening quotes",
        "table, short rows",
    }
    given_up = {kind for kind, make in CORPUS.items() if not completes(make(LARGE))}
    assert given_up == beyond_limits


def test_a_few_thousand_brackets_render_as_brackets():
    assert str(render_markdown("[" * 5000)) == "<p>" + "[" * 5000 + "</p>"
    assert str(render_markdown("![" * 2500)) == "<p>" + "![" * 2500 + "</p>"


# --- The budget ----------------------------------------------------------------------------------------

TEXT_WITH_MARKUP = "**bold** & <script>alert(1)</script> [a](javascript:x)\n\nSecond  \nparagraph\n\n\n<b onclick=x>"


@pytest.fixture
def fresh_cache():
    _sanitized_html.cache_clear()
    yield
    _sanitized_html.cache_clear()


@pytest.mark.usefixtures("fresh_cache")
@override_settings(MARKDOWN_RENDER_BUDGET=0)
def test_out_of_budget_the_text_is_shown_escaped():
    html = str(render_markdown(TEXT_WITH_MARKUP))
    assert html == (
        "<p>**bold** &amp; &lt;script&gt;alert(1)&lt;/script&gt; [a](javascript:x)</p>\n"
        "<p>Second<br>\nparagraph</p>\n"
        "<p>&lt;b onclick=x&gt;</p>"
    )
    assert hazards(html) == []
    assert "<script" not in html and "<b " not in html


def test_in_budget_the_same_text_is_markdown(fresh_cache):
    html = str(render_markdown(TEXT_WITH_MARKUP))
    assert "<strong>bold</strong>" in html
    assert "<br>" in html
    assert "<script" not in html


@pytest.mark.parametrize("budget", [0.02, 0.05])
def test_the_budget_stops_the_work(fresh_cache, budget):
    """Not timed afterwards: the parser checks the clock as it goes and gives up, whatever the text."""
    for kind in ["open brackets [", "alternating *_", "table, many rows", "reference links", "setext headings"]:
        text = PATHOLOGICAL[kind](300_000)  # a few seconds' work in full
        with override_settings(MARKDOWN_RENDER_BUDGET=budget):
            start = time.monotonic()
            html = render_uncached(text)
            elapsed = time.monotonic() - start
        assert html == escaped_text(text), kind
        assert elapsed < budget + 0.5, (kind, elapsed)


def test_the_budget_is_a_setting(fresh_cache):
    text = "[" * 3000 + "*a*"
    with override_settings(MARKDOWN_RENDER_BUDGET=0):
        assert render_uncached(text) == escaped_text(text)
    assert render_uncached(text).endswith("<em>a</em></p>")


def test_an_abandoned_text_is_kept_escaped_by_the_cache(fresh_cache):
    with override_settings(MARKDOWN_RENDER_BUDGET=0):
        first = str(render_markdown("*a* " * 10))
    assert str(render_markdown("*a* " * 10)) == first == escaped_text("*a* " * 10)


def test_escaped_text_keeps_paragraphs_and_line_breaks():
    assert escaped_text("a < b\r\nc & d\n\n \n\ne\x00") == "<p>a &lt; b<br>\nc &amp; d</p>\n<p>e\ufffd</p>"
    assert escaped_text("") == ""
    assert escaped_text("\n \n") == ""


# --- The limits ----------------------------------------------------------------------------------------


def test_nesting_beyond_the_limit_is_shown_escaped_and_whole():
    text = "> " * (NESTING_LIMIT + 5) + "deep\n\nafter **it**"
    html = render_uncached(text)
    assert html == escaped_text(text)
    assert "deep" in html and "after **it**" in html


def test_nesting_within_the_limit_is_markdown():
    html = render_uncached("> " * (NESTING_LIMIT - 1) + "deep")
    assert html.count("<blockquote>") == NESTING_LIMIT - 1
    lists = "".join("  " * depth + "- item\n" for depth in range(NESTING_LIMIT // 2 - 1))
    assert render_uncached(lists).count("<ul>") == NESTING_LIMIT // 2 - 1


def test_a_wide_table_over_short_rows_is_shown_escaped():
    text = "|" + "a|" * 500 + "\n|" + "-|" * 500 + "\n" + "b\n" * 1000
    start = time.process_time()
    html = render_uncached(text)
    assert time.process_time() - start < 1.0
    assert html == escaped_text(text)


def test_an_ordinary_table_is_a_table():
    html = render_uncached("| a | b |\n|---|:-:|\n| 1 | 2 |\n| 3 |")
    assert html.count("<tr>") == 3
    assert html.count("<td>") == 4


def test_more_raw_html_than_the_limit_is_shown_as_text_and_markdown_still_renders():
    text = "<div>" * (RAW_HTML_TAG_LIMIT + 1) + "\n\n**b**"
    html = render_uncached(text)
    assert "&lt;div&gt;" in html
    assert "<strong>b</strong>" in html
    within = render_uncached("<sub>1</sub> " * (RAW_HTML_TAG_LIMIT // 2) + "**b**")
    assert within.count("<sub>") == RAW_HTML_TAG_LIMIT // 2
