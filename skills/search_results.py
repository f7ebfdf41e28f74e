"""What the search page shows of the rows skills/selectors.py found: each skill with where it matched.

Presenters only, like skills/pages.py: no query of their own.
"""

import re
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from skills import selectors, translations
from skills.models import Expectation, Skill

MARKED = re.compile(f"{selectors.MARK_START}([^{selectors.MARK_START}{selectors.MARK_STOP}]*){selectors.MARK_STOP}")
MARKERS = re.compile(f"[{selectors.MARK_START}{selectors.MARK_STOP}]")
ELLIPSIS = "…"
# What ts_headline may leave glued to either end of its excerpt: the rest of a "word" it cut at a symbol (W&B,
# CI/CD, scikit-learn) and the punctuation after the last word.
GLUED_BEFORE = re.compile(r"\S*$")
GLUED_AFTER = re.compile(r"^\S*")


def highlight(text: str | None) -> SafeString:
    """Escape the snippet, then turn only the markers ts_headline put in into <mark> tags."""
    escaped = MARKED.sub(r"<mark>\1</mark>", escape((text or "").strip()))
    return mark_safe(MARKERS.sub("", escaped))  # escaped above: only our <mark> tags remain


def snippet(source: str, headline: str | None) -> str:
    """The `headline` that ts_headline cut out of `source` (markers kept), widened to whole words, with an ellipsis
    where text was left out before or after it.

    ts_headline counts words as its parser does: it may stop inside "W&B" or before a full stop. Widening to the
    spaces around the excerpt keeps every word whole.
    """
    if not headline:
        return ""
    plain = MARKERS.sub("", headline)
    start = source.find(plain)
    if not plain.strip() or start < 0:  # not cut out of the text (never seen): shown as it came
        return headline
    end = start + len(plain)
    before = GLUED_BEFORE.search(source[:start]).group(0)
    after = GLUED_AFTER.match(source[end:]).group(0)
    text = before + headline + after
    if source[: start - len(before)].strip():
        text = f"{ELLIPSIS} {text}"
    if source[end + len(after) :].strip():
        text = f"{text} {ELLIPSIS}"
    return text


@dataclass
class SkillHit:
    """A skill in the results, with where the search matched it."""

    skill: Skill
    name_html: SafeString
    snippet_html: SafeString
    cell: Expectation | None  # the role and level where it matched (None: only its name or summary did)
    by_role: bool  # the cell is that of a role whose name was typed

    @property
    def role_level(self) -> str:
        if self.cell is None:
            return ""
        return _("%(role)s · %(level)s") % {
            "role": translations.text(self.cell.role, "name"),
            "level": translations.text(self.cell.level, "name"),
        }


def skill_hit(skill: Skill, cell: Expectation | None) -> SkillHit:
    """`skill` (a row of selectors.search_skills) and its `cell` (selectors.search_cells), as a result."""
    summary = snippet(skill.summary, skill.summary_marked)
    if cell is not None:
        cell.skill = skill  # the cell's link needs it
    if cell is not None and (selectors.MARK_START in cell.snippet or selectors.MARK_START not in summary):
        text = snippet(cell.description, cell.snippet)
    else:
        text = summary
    return SkillHit(
        skill=skill,
        name_html=highlight(skill.name_marked),
        snippet_html=highlight(text),
        cell=cell,
        by_role=cell is not None and cell.in_named_role,
    )
