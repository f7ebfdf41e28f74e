"""The data behind the page checks: the shipped catalog plus community activity on the seed skill."""

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from growth import selectors as growth_selectors
from growth import services as growth_services
from proposals import services
from proposals.services import ChangeInput
from skills.models import Expectation, Level, Role
from tests.skills.helpers import Clock, at

SEED = "ml-experiment-tracking"
SHORT_TEXT = "Logs runs."  # the review checks call it very short


@dataclass
class World:
    open_proposal: int
    approved_proposal: int
    warned_proposal: int
    past_day: str  # the catalog was imported on that day (its audit events are backdated)
    day_before: str  # the day before the import: nothing existed yet


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


def plan_with_a_changed_tick(member) -> None:
    """The member as a Middle Data Scientist with two items ticked, one of them edited since."""
    growth_services.plan_settings_save(
        user=member, role=Role.objects.get(slug="data-scientist"), level=Level.objects.get(slug="middle")
    )
    first, second = growth_selectors.plan_for(user=member).items[:2]
    growth_services.tick_set(user=member, cell=first.next)
    growth_services.tick_set(user=member, cell=second.next)
    Expectation.objects.filter(pk=first.next.pk).update(description=first.next.description + " Also mentors others.")


def build_world(*, author, reviewer, member) -> World:
    """The catalog as imported a week ago; today an approved proposal (so the history has a change by a proposal),
    an open one, an open one the review checks warn about, comments, and the member's growth plan."""
    past_day = timezone.localdate() - timedelta(days=7)
    Clock().stamp(at(past_day))
    plan_with_a_changed_tick(member)
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
    senior = cell("data-scientist", "senior")
    warned = services.proposal_create(
        author=author,
        skill=senior.skill,
        rationale="Say it in fewer words.",
        changes=[change(senior, SHORT_TEXT)],
    )
    services.comment_create(author=author, skill=junior.skill, body="Should this mention **DVC**?")
    services.comment_create(author=reviewer, skill=junior.skill, body="See [the docs](https://example.com/dvc).")
    services.comment_create(author=reviewer, proposal=proposal, body="Looks right to me.")
    return World(
        open_proposal=proposal.pk,
        approved_proposal=approved.pk,
        warned_proposal=warned.pk,
        past_day=past_day.isoformat(),
        day_before=(past_day - timedelta(days=1)).isoformat(),
    )


# Every main page, with who looks at it (None: an anonymous visitor). {open}, {approved} and {warned} are
# proposal ids; {past} is the day the catalog was imported, {before} the day before.
MAIN_PAGES = [
    ("home", None, "/"),
    ("search", None, "/search/?q=experiment"),
    ("skill", None, f"/skills/{SEED}/"),
    ("skill-level-picker", None, f"/skills/{SEED}/?level=middle"),
    ("cell", None, f"/skills/{SEED}/data-scientist/junior/"),
    ("skill-history", None, f"/skills/{SEED}/history/"),
    ("roles", None, "/roles/"),
    ("role", None, "/roles/data-scientist/"),
    ("role-level", None, "/roles/data-scientist/middle/"),
    ("role-level-top", None, "/roles/data-scientist/principal/"),
    ("proposals", None, "/proposals/"),
    ("proposal", None, "/proposals/{open}/"),
    ("proposal-approved", None, "/proposals/{approved}/"),
    ("sign-in", None, "/accounts/login/"),
    ("sign-up", None, "/accounts/signup/"),
    ("password-reset", None, "/accounts/password/reset/"),
    ("not-found", None, "/skills/no-such-skill/"),
    ("skill-compare", None, f"/skills/{SEED}/compare/"),
    ("skill-compare-levels", None, f"/skills/{SEED}/compare/?a=junior&b=senior"),
    ("skill-compare-redline", None, f"/skills/{SEED}/compare/?a=junior&b=senior&redline=1"),
    ("skill-compare-roles", None, f"/skills/{SEED}/compare/?role_a=data-scientist&role_b=llm-engineer"),
    ("role-compare", None, "/roles/compare/"),
    ("role-compare-roles", None, "/roles/compare/?a=data-scientist&b=llm-engineer"),
    ("skill-as-of", None, f"/skills/{SEED}/?as_of={{past}}"),
    ("role-as-of", None, "/roles/data-scientist/?as_of={past}"),
    ("as-of-invalid", None, f"/skills/{SEED}/?as_of=yesterday"),
    ("as-of-missing", None, f"/skills/{SEED}/?as_of={{before}}"),
    ("home-member", "member", "/"),
    ("skill-member", "member", f"/skills/{SEED}/"),
    ("suggest", "member", f"/skills/{SEED}/suggest/"),
    ("account", "member", "/accounts/profile/"),
    ("plan", "member", "/me/plan/"),
    ("plan-print", "member", "/me/plan/print/"),
    ("proposal-reviewer", "reviewer", "/proposals/{open}/"),
    # Approved moments ago: the reviewer can still undo it.
    ("proposal-approved-reviewer", "reviewer", "/proposals/{approved}/"),
    ("proposal-warnings", "reviewer", "/proposals/{warned}/"),
    ("review-queue", "reviewer", "/proposals/?status=open"),
]


# The pages that answer with an error status on purpose; every other main page answers 200.
ERROR_STATUS = {"not-found": 404, "as-of-invalid": 400, "as-of-missing": 404}


def page_path(path: str, world: World) -> str:
    return path.format(
        open=world.open_proposal,
        approved=world.approved_proposal,
        warned=world.warned_proposal,
        past=world.past_day,
        before=world.day_before,
    )
