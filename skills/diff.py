"""Word-level differences between two texts, for the level picker and the audit trail."""

import difflib
import re
from dataclasses import dataclass
from typing import Literal

from django.conf import settings
from django.utils import translation
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext

# A token is a word (with inner apostrophes, hyphens, dots and slashes, so that
# "W&B", "CI/CD" and "e.g." stay whole), a run of other symbols, or whitespace.
# Keeping whitespace as tokens lets the segments join back to the exact texts.
TOKEN = re.compile(r"\s+|[\w&]+(?:[-'\u2019./][\w&]+)*|[^\w\s]+")

Op = Literal["equal", "insert", "delete"]

# Unchanged runs of up to this many characters ("the", "for", "and") may fold
# into the changes around them; longer ones stay as anchors for the reader.
ISLAND_MAX = 4


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
    return _merge_small_equalities(segments)


def _append(segments: list[Segment], op: Op, text: str) -> None:
    if not text:
        return
    if segments and segments[-1].op == op:
        segments[-1] = Segment(op, segments[-1].text + text)
    else:
        segments.append(Segment(op, text))


def _merge_small_equalities(segments: list[Segment]) -> list[Segment]:
    """Fold short unchanged islands into the changes around them.

    A raw word diff of a rewritten sentence keeps every shared "the" and "for"
    and reads as confetti. As in diff-match-patch's semantic cleanup, an
    unchanged run no longer than the changes on both sides of it becomes part
    of them, so "a b" → "c d" reads as one replacement. Longer runs stay.
    """
    segments = _group_changes(segments)
    index = 1
    while index < len(segments) - 1:
        segment = segments[index]
        if segment.op == "equal":
            left = _run_size(reversed(segments[:index]))
            right = _run_size(segments[index + 1 :])
            short = len(segment.text.strip()) <= ISLAND_MAX
            if short and left and right and len(segment.text) <= min(left, right):
                folded = [Segment("delete", segment.text), Segment("insert", segment.text)]
                segments = _group_changes([*segments[:index], *folded, *segments[index + 1 :]])
                index = 1
                continue
        index += 1
    return segments


def _run_size(segments) -> int:
    """The size of the change run at the start of `segments`: its longer side."""
    deleted = inserted = 0
    for segment in segments:
        if segment.op == "equal":
            break
        if segment.is_delete:
            deleted += len(segment.text)
        else:
            inserted += len(segment.text)
    return max(deleted, inserted)


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
    # The texts compared are the catalog's English (pages mark the diff lang="en"); the hidden labels are in the
    # page's language, and say so when that is another.
    language = translation.get_language() or settings.LANGUAGE_CODE
    label = '<span class="visually-hidden">{} </span>'
    if language != settings.LANGUAGE_CODE:
        label = f'<span class="visually-hidden" lang="{language}">{{}} </span>'

    def parts():
        for segment in segments:
            if segment.is_insert:
                yield (format_html(f"<ins>{label}{{}}</ins>", added, segment.text),)
            elif segment.is_delete:
                yield (format_html(f"<del>{label}{{}}</del>", removed, segment.text),)
            else:
                yield (segment.text,)

    return format_html_join("", "{}", parts())


def step_changes(current, upcoming) -> tuple[list[Segment], list[str]]:
    """What changes from a cell to the same role's cell at the next level: the word diff of the texts,
    and labels for the required flag and the proficiency (the level picker and the growth plan)."""
    return word_diff(current.description, upcoming.description), step_labels(current, upcoming)


def step_labels(current, upcoming) -> list[str]:
    """step_changes' labels alone (in the active language), for a caller that keeps the diff itself."""
    changes = []
    if upcoming.required and not current.required:
        changes.append(gettext("Becomes required"))
    elif current.required and not upcoming.required:
        changes.append(gettext("Becomes optional"))
    if upcoming.proficiency != current.proficiency:
        changes.append(
            gettext("Proficiency: %(old)s → %(new)s")
            % {"old": current.get_proficiency_display(), "new": upcoming.get_proficiency_display()}
        )
    return changes
