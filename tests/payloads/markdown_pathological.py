"""Markdown that is cheap to type and may be dear to render: the corpus for the renderer's time bounds.

Each kind makes a text of about n characters from one construct that a Markdown parser may handle in
worse than linear time (brackets, emphasis delimiters, backticks, link references, nested containers,
raw HTML, entities, tables...). Most follow the pathological inputs that CommonMark implementations
test themselves against. Used by tests/skills/test_markdown.py and bench/markdown_corpus.py.
"""

import json
from collections.abc import Callable
from pathlib import Path

SIZES = (1_000, 2_000, 5_000, 10_000)
CATALOG = Path(__file__).resolve().parents[2] / "fixtures" / "catalog.json"


def _fill(unit: str, n: int) -> str:
    """unit repeated to about n characters."""
    return unit * max(1, n // len(unit))


def _nested_list(n: int) -> str:
    lines, depth = [], 0
    while sum(map(len, lines)) < n:
        lines.append("  " * depth + "- a\n")
        depth += 1
    return "".join(lines)


def _nested_quote_lines(n: int) -> str:
    lines, depth = [], 1
    while sum(map(len, lines)) < n:
        lines.append("> " * depth + "a\n")
        depth += 1
    return "".join(lines)


def _backtick_runs(n: int) -> str:
    # Code spans of every length from 1 up, none closed: a naive search for each closer is quadratic.
    parts, size, i = [], 0, 1
    while size < n:
        parts.append("e" + "`" * i)
        size += i + 1
        i += 1
    return "".join(parts)


def _reference_definitions(n: int) -> str:
    lines, i = [], 0
    while sum(map(len, lines)) < n:
        lines.append(f"[r{i}]: /u{i}\n")
        i += 1
    return "".join(lines)


def _reference_links(n: int) -> str:
    half = n // 2
    definitions = _reference_definitions(half)
    count = definitions.count("\n")
    uses, size, i = [], 0, 0
    while size < half:
        use = f"[r{i % count}] "
        uses.append(use)
        size += len(use)
        i += 1
    return definitions + "\n" + "".join(uses)


def _table_rows(n: int) -> str:
    # A header with many columns, then rows of one cell each: a table that fills in missing cells
    # would turn a few kilobytes into megabytes of <td>.
    columns = max(2, n // 20)
    head = "|" + "a|" * columns + "\n|" + "-|" * columns + "\n"
    return head + _fill("b\n", max(2, n - len(head)))


def _table_many(n: int) -> str:
    return "a|b\n-|-\n" + _fill("c|d\n", n)


def _nested_strong_emphasis(n: int) -> str:
    k = max(1, n // 16)
    return "*a **a " * k + "b" + " a** a*" * k


def _nested_brackets(n: int) -> str:
    k = max(1, n // 2)
    return "[" * k + "a" + "]" * k


def _nested_emphasis(n: int) -> str:
    k = max(1, n // 2)
    return "*" * k + "a" + "*" * k


PATHOLOGICAL: dict[str, Callable[[int], str]] = {
    # Brackets: links and images.
    "open brackets [": lambda n: _fill("[", n),
    "brackets [...] nested": _nested_brackets,
    "open then close [[]]": lambda n: "[" * (n // 2) + "]" * (n // 2),
    "image openers ![": lambda n: _fill("![", n),
    "closers and parens ](": lambda n: _fill("](", n),
    "link openers, emphasis closers": lambda n: _fill("[ a_", n),
    "unclosed links [a](<b": lambda n: _fill("[a](<b", n),
    "unclosed links [a](b": lambda n: _fill("[a](b", n),
    "open parens in a destination": lambda n: "[a](" + _fill("(", n),
    "long link title": lambda n: '[a](/u "' + _fill("b", n),
    "escaped brackets \\[": lambda n: _fill("\\[", n),
    "backslashes": lambda n: _fill("\\", n),
    # Emphasis delimiters.
    "stars *": lambda n: _fill("*", n),
    "underscores _": lambda n: _fill("_", n),
    "strong openers **a": lambda n: _fill("**a", n),
    "alternating *_": lambda n: _fill("*_", n),
    "emphasis openers _a": lambda n: _fill("_a ", n),
    "emphasis closers a_": lambda n: _fill("a_ ", n),
    "mismatched *a_": lambda n: _fill("*a_ ", n),
    "closers in threes a**b c*": lambda n: "a**b" + _fill("c* ", n),
    "nested strong emphasis": _nested_strong_emphasis,
    "nested emphasis *...*": _nested_emphasis,
    "strikethrough openers ~~a": lambda n: _fill("~~a", n),
    # Code.
    "backticks `": lambda n: _fill("`", n),
    "backtick runs": _backtick_runs,
    "fences ```": lambda n: _fill("```\n", n),
    # Link references.
    "long reference label": lambda n: "[" + _fill("a", n) + "]: /u\n",
    "long reference destination": lambda n: "[a]: " + _fill("b", n) + "\n\n[a]",
    "reference definitions": _reference_definitions,
    "reference links": _reference_links,
    # Containers.
    "deep list by indentation": _nested_list,
    "list markers - - -": lambda n: _fill("- ", n),
    "ordered markers 1. 1.": lambda n: _fill("1. ", n),
    "quote markers >>>": lambda n: _fill(">", n),
    "quote markers > > >": lambda n: _fill("> ", n),
    "deepening quotes": _nested_quote_lines,
    "headings # # #": lambda n: _fill("# ", n),
    "setext headings": lambda n: _fill("a\n=\n", n),
    "hard breaks": lambda n: _fill("a  \n", n),
    # Raw HTML and entities.
    "less-than <": lambda n: _fill("<", n),
    "tag openers <a": lambda n: _fill("<a", n),
    "tags <b>": lambda n: _fill("<b>", n),
    "tags <div>": lambda n: _fill("<div>", n),
    "tags <table><tr><td>": lambda n: _fill("<table><tr><td>", n),
    "comment openers <!--": lambda n: _fill("<!--", n),
    "autolink openers <http://": lambda n: _fill("<http://", n),
    "entity openers &#": lambda n: _fill("&#", n),
    "entity openers &#x": lambda n: _fill("&#x", n),
    "entities &amp;": lambda n: _fill("&amp;", n),
    "nul characters": lambda n: _fill("\x00", n),
    # Tables.
    "pipes |": lambda n: _fill("|", n),
    "table, short rows": _table_rows,
    "table, many rows": _table_many,
}


def catalog_descriptions() -> list[str]:
    """Every cell description of the shipped catalog, in file order."""
    data = json.loads(CATALOG.read_text(encoding="utf-8"))
    return [cell["description"] for skill in data["skills"] for cell in skill["cells"] if cell.get("description")]


def _realistic(n: int) -> str:
    """Catalog descriptions as a comment would quote them: paragraphs, a list, emphasis, a link, code."""
    descriptions = catalog_descriptions()
    parts, size, i = [], 0, 0
    while size < n:
        text = descriptions[i % len(descriptions)]
        match i % 4:
            case 0:
                part = text + "\n\n"
            case 1:
                part = "".join(f"- {sentence.strip()}.\n" for sentence in text.split(".") if sentence.strip()) + "\n"
            case 2:
                part = f"> **Quoted:** *{text}* See [the docs](https://example.com/{i}) and `code {i}`.\n\n"
            case _:
                part = f"### Part {i}\n\n{text}\n\n"
        parts.append(part)
        size += len(part)
        i += 1
    return "".join(parts)[:n]


REALISTIC: dict[str, Callable[[int], str]] = {"catalog descriptions as Markdown": _realistic}

CORPUS: dict[str, Callable[[int], str]] = {**PATHOLOGICAL, **REALISTIC}
