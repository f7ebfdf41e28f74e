"""The markdown filter: Python-Markdown, then the nh3 allowlist."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.template import Context, Template

from skills.templatetags.markdown_tags import render_markdown


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
