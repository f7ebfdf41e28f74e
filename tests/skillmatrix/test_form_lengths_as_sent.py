"""Every form of the project's apps holds a text field's limit for the text as sent, as the API does
(tests/skillmatrix/test_parsers.py): whitespace Django strips does not make an over-long value fit.

The forms are found in each app's forms module, so a new form is tried as soon as it is written:
FORMS must then say how to build it (a test checks that none is missing).
"""

import importlib
import inspect

import pytest
from django import forms
from django.contrib import admin
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from proposals import services
from proposals.models import HIDE_REASON_MAX_LENGTH, TEXT_MAX_LENGTH, Comment, Proposal
from proposals.selectors import suggest_slots
from skills.admin import TranslationsAdmin
from skills.models import Level, Role
from teams import services as team_services
from teams.models import TEAM_NAME_MAX_LENGTH, Membership, Team
from tests.factories import make_catalog

APPS = ("accounts", "growth", "proposals", "skills", "teams")
PADDINGS = {"space": " ", "tab": "\t", "form feed": "\x0c", "vertical tab": "\x0b", "NBSP": "\xa0", "U+2028": "\u2028"}


def project_forms() -> list[type[forms.BaseForm]]:
    found = []
    for app in APPS:
        module = importlib.import_module(f"{app}.forms")
        found += [
            cls
            for _name, cls in inspect.getmembers(module, inspect.isclass)
            if issubclass(cls, forms.BaseForm) and cls.__module__ == module.__name__
        ]
    return found


def catalog_kwargs() -> dict:
    make_catalog(skills=1, roles=1, levels=list(Level.objects.order_by("position")))
    return {}


# How to build each form (the arguments its views give it), by name.
FORMS = {
    "SignupForm": dict,
    "ResetPasswordForm": dict,
    "EmailSettingsForm": lambda: {"reviewer": True},
    "PlanSettingsForm": lambda: {"roles": list(Role.objects.prefetch_related("role_levels__level"))},
    "SuggestForm": lambda: {"slots": suggest_slots(skill=make_catalog(skills=1, roles=1)["skills"][0])},
    "ApproveForm": dict,
    "UndoForm": dict,
    "RebaseForm": dict,
    "RejectForm": dict,
    "CommentForm": dict,
    "HideForm": dict,
    "ProposalFilterForm": lambda: {"skills": []},
    "PairForm": lambda: {"choices": [], "labels": ("a", "b"), "prompt": "?"},
    "RolePairForm": lambda: {"choices": [], "labels": ("a", "b"), "prompt": "?"},
    "TeamForm": dict,
    "InviteForm": dict,
    "AssessmentForm": lambda: {"levels": list(Level.objects.order_by("position"))},
}


def test_every_form_is_known():
    assert {cls.__name__ for cls in project_forms()} == set(FORMS)


def value_at_limit(field: forms.Field) -> str:
    if isinstance(field, forms.EmailField):
        return "a" * (field.max_length - len("@example.com")) + "@example.com"
    start = "https://example.com/" if isinstance(field, forms.URLField) else ""
    return (start + "a" * field.max_length)[: field.max_length]


def assert_limits_hold(form_class, kwargs: dict, names=None) -> int:
    """Each length-limited text field (of `names`, if given) alone at, over and padded over its limit."""
    limited = {
        name: field
        for name, field in form_class(**kwargs).fields.items()
        if isinstance(field, forms.CharField) and field.max_length and (names is None or name in names)
    }
    for name, field in limited.items():
        at_limit = value_at_limit(field)
        form = form_class({name: at_limit}, **kwargs)
        assert name not in form.errors, (name, form.errors.get(name))
        too_long = {"plain": at_limit + "a", "only whitespace": " " * (field.max_length + 1)}
        for kind, padding in PADDINGS.items():
            too_long |= {f"{kind} before": padding + at_limit, f"{kind} after": at_limit + padding}
        for kind, value in too_long.items():
            form = form_class({name: value}, **kwargs)
            errors = form.errors.as_data().get(name, [])
            assert [error.code for error in errors] == ["max_length"], (name, kind, form.errors.get(name))
            assert f"at most {field.max_length} characters" in str(form.errors[name]), (name, kind)
    return len(limited)


@pytest.mark.parametrize("form_class", project_forms(), ids=lambda cls: cls.__name__)
def test_a_text_limit_holds_for_the_text_as_sent(levels, form_class):
    assert_limits_hold(form_class, FORMS[form_class.__name__]())


def translation_forms() -> list:
    return [
        forms.modelform_factory(model, form=model_admin.form, exclude=["translations"])
        for model, model_admin in admin.site._registry.items()
        if isinstance(model_admin, TranslationsAdmin)
    ]


@pytest.mark.parametrize("form_class", translation_forms())
def test_an_admin_translation_limit_holds_for_the_text_as_sent(db, form_class):
    names = [name for name in form_class.base_fields if name.startswith("translation_")]
    assert assert_limits_hold(form_class, {}, names) == len(names) > 0


# --- Through the pages ---------------------------------------------------------------------------------------
# The pages that post these forms answer an over-long value with the form again (400) and its field's error, or,
# where the page answers with a message, that message names the limit; nothing is stored.


@pytest.fixture
def site(levels, member, author, reviewer):
    catalog = make_catalog(skills=1, roles=1, levels=levels)
    skill = catalog["skills"][0]
    cell = skill.expectations.select_related("role", "level").first()
    change = services.ChangeInput(
        role=cell.role, level=cell.level, description="New.", required=False, proficiency="working"
    )
    proposal = services.proposal_create(author=author, skill=skill, rationale="Why.", changes=[change])
    comment = services.comment_create(author=author, skill=skill, body="Mine.")
    team = team_services.team_create(user=member, name="Platform")
    return {"skill": skill, "proposal": proposal, "comment": comment, "team": team}


# (who, url, other fields, field, limit, the rows a success adds)
PAGES = {
    "team name": (
        "member",
        lambda s: reverse("teams:create"),
        {},
        "name",
        TEAM_NAME_MAX_LENGTH,
        lambda: Team.objects.count(),
    ),
    "team invitation": (
        "member",
        lambda s: reverse("teams:invite", args=[s["team"].slug]),
        {},
        "user",
        254,
        lambda: Membership.objects.count(),
    ),
    "comment": (
        "member",
        lambda s: reverse("proposals:skill-comment", args=[s["skill"].slug]),
        {},
        "body",
        TEXT_MAX_LENGTH,
        lambda: Comment.objects.count(),
    ),
    "hiding reason": (
        "reviewer",
        lambda s: reverse("proposals:comment-hide", args=[s["comment"].pk]),
        {},
        "reason",
        HIDE_REASON_MAX_LENGTH,
        lambda: Comment.objects.filter(hidden=True).count(),
    ),
    "rejection note": (
        "reviewer",
        lambda s: reverse("proposals:reject", args=[s["proposal"].pk]),
        {"reason": "other"},
        "note",
        TEXT_MAX_LENGTH,
        lambda: Proposal.objects.exclude(status="open").count(),
    ),
}


# Text that names something: the longest value names nobody, and is refused for that, not its length.
LOOKUPS = {"team invitation"}


@pytest.mark.parametrize("page", PAGES)
def test_a_page_refuses_a_value_over_its_limit_as_sent_and_takes_one_at_it(site, request, page):
    who, url, data, name, limit, rows = PAGES[page]
    client = Client()
    client.force_login(request.getfixturevalue(who))
    before = rows()
    message = f"Ensure this value has at most {limit} characters (it has {limit + 1})."
    for kind, padding in {**PADDINGS, "plain": "a"}.items():
        response = client.post(url(site), {**data, name: padding + "a" * limit}, follow=True)
        assert response.status_code in (200, 400), kind
        assert escape(message) in response.content.decode(), kind
        assert rows() == before, kind
    response = client.post(url(site), {**data, name: "a" * limit}, follow=True)
    assert "characters (it has" not in response.content.decode()
    if page not in LOOKUPS:
        assert response.redirect_chain and response.status_code == 200, response.content[:500]
        assert rows() == before + 1
