"""The data behind the page checks: the shipped catalog plus community activity on the seed skill."""

from dataclasses import dataclass

from proposals import services
from proposals.services import ChangeInput
from skills.models import Expectation

SEED = "ml-experiment-tracking"


@dataclass
class World:
    open_proposal: int
    approved_proposal: int


def cell(role: str, level: str) -> Expectation:
    return Expectation.objects.select_related("role", "level").get(skill__slug=SEED, role__slug=role, level__slug=level)


def change(target: Expectation, description: str) -> ChangeInput:
    return ChangeInput(
        role=target.role,
        level=target.level,
        description=description,
        required=target.required,
        proficiency=target.proficiency,
        base_version=target.version,
    )


def build_world(*, author, reviewer) -> World:
    """An approved proposal (so the history has a change by a proposal), an open one, and comments."""
    junior = cell("data-scientist", "junior")
    approved = services.proposal_create(
        author=author,
        skill=junior.skill,
        rationale="Name the **tools** a junior meets first.",
        changes=[change(junior, junior.description + " Knows where the team's tracking server lives.")],
    )
    services.proposal_approve(proposal=approved, reviewer=reviewer)
    middle = cell("data-scientist", "middle")
    proposal = services.proposal_create(
        author=author,
        skill=middle.skill,
        rationale="Middle data scientists also *compare* runs, not only log them.",
        changes=[change(middle, middle.description + " Compares runs side by side before choosing a model.")],
    )
    services.comment_create(author=author, skill=junior.skill, body="Should this mention **DVC**?")
    services.comment_create(author=reviewer, skill=junior.skill, body="See [the docs](https://example.com/dvc).")
    services.comment_create(author=reviewer, proposal=proposal, body="Looks right to me.")
    return World(open_proposal=proposal.pk, approved_proposal=approved.pk)


# Every main page, with who looks at it (None: an anonymous visitor). {open} and {approved} are proposal ids.
MAIN_PAGES = [
    ("home", None, "/"),
    ("search", None, "/search/?q=experiment"),
    ("skill", None, f"/skills/{SEED}/"),
    ("skill-level-picker", None, f"/skills/{SEED}/?level=middle"),
    ("cell", None, f"/skills/{SEED}/data-scientist/junior/"),
    ("skill-history", None, f"/skills/{SEED}/history/"),
    ("roles", None, "/roles/"),
    ("role", None, "/roles/data-scientist/"),
    ("proposals", None, "/proposals/"),
    ("proposal", None, "/proposals/{open}/"),
    ("proposal-approved", None, "/proposals/{approved}/"),
    ("sign-in", None, "/accounts/login/"),
    ("sign-up", None, "/accounts/signup/"),
    ("password-reset", None, "/accounts/password/reset/"),
    ("not-found", None, "/skills/no-such-skill/"),
    ("skill-member", "member", f"/skills/{SEED}/"),
    ("suggest", "member", f"/skills/{SEED}/suggest/"),
    ("account", "member", "/accounts/profile/"),
    ("proposal-reviewer", "reviewer", "/proposals/{open}/"),
    ("review-queue", "reviewer", "/proposals/?status=open"),
]


def page_path(path: str, world: World) -> str:
    return path.format(open=world.open_proposal, approved=world.approved_proposal)
