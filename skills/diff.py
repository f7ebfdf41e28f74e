"""Word-level differences between two texts, for the level picker and the audit trail."""

import difflib
import re
from dataclasses import dataclass
from typing import Literal

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext

# A token is a word (with inner apostrophes, hyphens, dots and slashes, so that
# "W&B", "CI/CD" and "e.g." stay whole), a run of other symbols, or whitespace.
# Keeping whitespace as tokens lets the segments join back to the exact texts.
TOKEN = re.compile(r"\s+|[\w&]+(?:[-'\u2019./][\w&]+)*|[^\w\s]+")

Op = Literal["equal", "insert", "delete"]


@dataclass(frozen=True, slots=True)
class Segment:
    op: Op
    text: str

    @property
    def is_insert(self) -> bool:
        return self.op == "insert"

    @property
    def is_delete(self) -> bool:
        return self.op == "delete"


def tokenize(text: str) -> list[str]:
    return TOKEN.findall(text or "")


def word_diff(old: str, new: str) -> list[Segment]:
    """Segments that turn `old` into `new`.

    Joining the equal and delete segments gives `old`; joining the equal and
    insert segments gives `new`. A replaced run is given as its deletion
    followed by its insertion; neighbours with the same op are merged.
    """
    a, b = tokenize(old), tokenize(new)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    segments: list[Segment] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            _append(segments, "equal", "".join(a[i1:i2]))
            continue
        if tag in ("delete", "replace"):
            _append(segments, "delete", "".join(a[i1:i2]))
        if tag in ("insert", "replace"):
            _append(segments, "insert", "".join(b[j1:j2]))
    return _absorb_whitespace(segments)


def _append(segments: list[Segment], op: Op, text: str) -> None:
    if not text:
        return
    if segments and segments[-1].op == op:
        segments[-1] = Segment(op, segments[-1].text + text)
    else:
        segments.append(Segment(op, text))


def _absorb_whitespace(segments: list[Segment]) -> list[Segment]:
    """Fold a lone space between two replacements into them, so "a b" → "c d" reads as one change."""
    result: list[Segment] = []
    for index, segment in enumerate(segments):
        if segment.op == "equal" and segment.text.isspace() and _between_replacements(segments, index):
            _append(result, "delete", segment.text)
            _append(result, "insert", segment.text)
        else:
            _append(result, segment.op, segment.text)
    return _group_changes(result)


def _between_replacements(segments: list[Segment], index: int) -> bool:
    if not (0 < index < len(segments) - 1):
        return False
    if segments[index - 1].op == "equal" or segments[index + 1].op == "equal":
        return False
    ops = {segment.op for segment in _run(reversed(segments[:index]))} | {
        segment.op for segment in _run(segments[index + 1 :])
    }
    return ops == {"insert", "delete"}


def _run(segments):
    for segment in segments:
        if segment.op == "equal":
            return
        yield segment


def _group_changes(segments: list[Segment]) -> list[Segment]:
    """Within each run of changes, put every deletion before every insertion."""
    grouped: list[Segment] = []
    run: list[Segment] = []
    for segment in [*segments, Segment("equal", "")]:
        if segment.op != "equal":
            run.append(segment)
            continue
        _append(grouped, "delete", "".join(s.text for s in run if s.is_delete))
        _append(grouped, "insert", "".join(s.text for s in run if s.is_insert))
        run = []
        _append(grouped, "equal", segment.text)
    return grouped


def has_changes(segments: list[Segment]) -> bool:
    return any(segment.op != "equal" for segment in segments)


def diff_html(segments: list[Segment]) -> SafeString:
    """Escaped HTML: <del> and <ins> around the changes, with a hidden label for screen readers."""
    added, removed = gettext("added:"), gettext("removed:")

    def parts():
        for segment in segments:
            if segment.is_insert:
                yield (format_html('<ins><span class="visually-hidden">{} </span>{}</ins>', added, segment.text),)
            elif segment.is_delete:
                yield (format_html('<del><span class="visually-hidden">{} </span>{}</del>', removed, segment.text),)
            else:
                yield (segment.text,)

    return format_html_join("", "{}", parts())
