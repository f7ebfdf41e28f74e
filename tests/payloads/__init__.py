"""Hostile input for the tests: the XSS corpus, and a helper that plants it everywhere users can write."""

from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from proposals import services
from proposals.services import ChangeInput
from skills.models import Expectation, Skill

SEED = "ml-experiment-tracking"
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "srcdoc", "background", "poster"}
ACTIVE_TAGS = {"iframe", "frame", "frameset", "object", "embed", "applet", "base", "style", "link", "meta"}


def xss_payloads() -> list[str]:
    """tests/payloads/xss.txt: one payload a line, "\\n" for a line break, "## " starts a comment line."""
    lines = Path(__file__).with_name("xss.txt").read_text(encoding="utf-8").splitlines()
    return [line.replace("\\n", "\n") for line in lines if line.strip() and not line.startswith("## ")]


@dataclass
class Planted:
    proposals: list[int] = field(default_factory=list)
    cells: list[tuple[str, str]] = field(default_factory=list)


def plant(payloads: list[str], *, author, reviewer) -> Planted:
    """Every payload as a comment on the seed skill, as a proposal's rationale and as a proposed description.

    Proposals of ten changes each (one per cell of the seed skill) are approved one after the other, so the
    payloads also become catalog text and history diffs; the last proposal stays open. Each proposal gets a
    payload comment, and one comment is hidden with a payload as the reason.
    """
    skill = Skill.objects.get(slug=SEED)
    planted = Planted()
    for payload in payloads:
        services.comment_create(author=author, skill=skill, body=payload)
    chunks = [payloads[i : i + 10] for i in range(0, len(payloads), 10)]
    for number, chunk in enumerate(chunks):
        cells = list(Expectation.objects.filter(skill=skill).select_related("role", "level").order_by("pk"))
        changes = [
            ChangeInput(
                role=cell.role,
                level=cell.level,
                description=payload,
                required=cell.required,
                proficiency=cell.proficiency,
                base_version=cell.version,
            )
            for cell, payload in zip(cells, chunk, strict=False)
        ]
        proposal = services.proposal_create(author=author, skill=skill, rationale=chunk[0], changes=changes)
        comment = services.comment_create(author=author, proposal=proposal, body=chunk[-1])
        if number == 0:
            services.comment_hide(comment=comment, reviewer=reviewer, reason=chunk[1][:500])
        if number < len(chunks) - 1:
            services.proposal_approve(proposal=proposal, reviewer=reviewer)
        planted.proposals.append(proposal.pk)
    planted.cells = [(cell.role.slug, cell.level.slug) for cell in cells]
    return planted


class Hazards(HTMLParser):
    """Collects what could run script in an HTML document: the markup a sanitizer must never let through."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}>")
            if name == "style":
                self.found.append(f"<{tag} style>")
            cleaned = "".join(ch for ch in (value or "") if ch > " ").lower()
            if name in URL_ATTRIBUTES and cleaned.startswith(("javascript:", "vbscript:", "data:")):
                self.found.append(f"<{tag} {name}={value!r}>")
        if tag == "script":
            source = values.get("src") or ""
            if not source.startswith("/static/") and values.get("type") != "application/json":
                self.found.append(f"<script src={source!r}>")
        if tag in ACTIVE_TAGS and not self._is_page_head_tag(tag, values):
            self.found.append(f"<{tag}>")

    @staticmethod
    def _is_page_head_tag(tag, values) -> bool:
        # The page's own <link rel=stylesheet> and <meta name/charset> in the head.
        if tag == "link":
            return (values.get("href") or "").startswith("/static/") and values.get("rel") in {"stylesheet", "icon"}
        if tag == "meta":
            return "http-equiv" not in values
        return False


def hazards(html: str) -> list[str]:
    parser = Hazards()
    parser.feed(html)
    parser.close()
    return parser.found
