"""Review checks: warnings computed from the catalog for a proposal's changes; they inform and never block."""

import re
import time

import pytest
from django.conf import settings
from django.utils import translation

from proposals import review_checks, selectors, services
from proposals.models import Proposal, ProposalStatus
from proposals.review_checks import (
    SHORT_DESCRIPTION_CHARS,
    SHORT_DESCRIPTION_WORDS,
    SIMILARITY_THRESHOLD,
    Code,
    check_changes,
    similarity,
    words,
)
from proposals.services import ChangeInput
from skills.models import Expectation, Level, Proficiency, Role
from tests.factories import UserFactory, make_catalog
from tests.proposals.helpers import change_for, key, suggest_data

# --- The pure function, on objects in memory ---------------------------------------

LEVELS = [
    Level(pk=pk, name=name, slug=name.lower(), short=name[:3], position=pk)
    for pk, name in enumerate(["Junior", "Middle", "Senior", "Lead", "Principal"], start=1)
]
JUNIOR, MIDDLE, SENIOR, LEAD, PRINCIPAL = LEVELS
DS = Role(pk=1, name="Data Scientist", slug="data-scientist")
MLE = Role(pk=2, name="ML Engineer", slug="ml-engineer")
RANKS = [Proficiency.AWARENESS, Proficiency.WORKING, Proficiency.ADVANCED, Proficiency.EXPERT, Proficiency.EXPERT]


def text(tag: str) -> str:
    """A long enough description whose words no other tag shares (apart from the first two)."""
    return f"Distinct expectation {tag}alpha {tag}beta {tag}gamma {tag}delta {tag}epsilon {tag}zeta."


def catalog(roles=(DS, MLE), levels=LEVELS, overrides: dict | None = None) -> list[Expectation]:
    """A clean catalog: distinct texts, proficiency rising, required from Senior; overrides by (role, level)."""
    cells = []
    for role in roles:
        for level in levels:
            values = {
                "description": text(f"{role.slug}{level.pk}"),
                "required": level.position >= 3,
                "proficiency": RANKS[level.position - 1],
            }
            values |= (overrides or {}).get((role.slug, level.slug), {})
            cells.append(Expectation(role=role, level=level, **values))
    return cells


def cell_of(cells, role, level) -> Expectation:
    return next(c for c in cells if c.role is role and c.level is level)


def change(cells, role, level, **values) -> ChangeInput:
    current = next((c for c in cells if c.role is role and c.level is level), None)
    base = {"description": text(f"new{role.pk}{level.pk}"), "required": False, "proficiency": Proficiency.WORKING}
    if current is not None:
        base = {"description": current.description, "required": current.required, "proficiency": current.proficiency}
    return ChangeInput(role=role, level=level, **(base | values))


def codes(warnings) -> list[tuple[str, str, str]]:
    return [(w.code.value, w.role.slug, w.level.slug) for w in warnings]


def test_a_clean_change_raises_nothing():
    cells = catalog()
    assert check_changes(cells=cells, changes=[]) == []
    assert check_changes(cells=cells, changes=[change(cells, DS, SENIOR, description=text("fresh"))]) == []


def test_a_very_short_description_warns():
    cells = catalog()
    warnings = check_changes(cells=cells, changes=[change(cells, DS, SENIOR, description="Knows MLflow.")])
    assert codes(warnings) == [("short_description", "data-scientist", "senior")]
    assert warnings[0].message == (
        "The description for Data Scientist at Senior is very short; say what the role is expected to do at this level."
    )


@pytest.mark.parametrize(
    ("description", "short"),
    [
        ("one two three four " + "x" * 40, True),  # 5 words, long enough in characters
        ("one two three four five six", True),  # 6 words, 27 characters
        ("aaaaa bbbbb ccccc ddddd eeeee ffffff ggg", False),  # 7 words, exactly 40 characters
        ("aaaaa bbbbb ccccc ddddd eeeee ffffff gg", True),  # 39 characters
        ("Tracks runs, compares them and explains the choice.", False),
    ],
)
def test_short_means_under_the_character_or_word_bound(description, short):
    assert (SHORT_DESCRIPTION_CHARS, SHORT_DESCRIPTION_WORDS) == (40, 6)
    cells = catalog()
    warnings = check_changes(cells=cells, changes=[change(cells, DS, SENIOR, description=description)])
    assert codes(warnings) == ([("short_description", "data-scientist", "senior")] if short else [])


def test_a_description_without_words_is_empty():
    cells = catalog()
    warnings = check_changes(cells=cells, changes=[change(cells, DS, SENIOR, description="**  --  **")])
    assert codes(warnings) == [("empty_description", "data-scientist", "senior")]
    assert "is empty" in warnings[0].message


def test_an_identical_description_at_another_level_of_the_role_warns():
    cells = catalog()
    middle = cell_of(cells, DS, MIDDLE).description
    # Case, spacing and punctuation do not make it different.
    copy = "  " + middle.upper().replace(" ", "   ").rstrip(".") + "!"
    warnings = check_changes(cells=cells, changes=[change(cells, DS, SENIOR, description=copy)])
    assert codes(warnings) == [("identical_description", "data-scientist", "senior")]
    assert warnings[0].message == "For Data Scientist, the description at Senior is identical to the one at Middle."


def test_an_identical_description_of_another_role_at_the_level_warns():
    cells = catalog()
    theirs = cell_of(cells, MLE, SENIOR).description
    warnings = check_changes(cells=cells, changes=[change(cells, DS, SENIOR, description=theirs)])
    assert codes(warnings) == [("identical_description", "data-scientist", "senior")]
    assert (
        warnings[0].message == "At Senior, the description for Data Scientist is identical to the one for ML Engineer."
    )


def test_descriptions_of_another_role_at_another_level_are_not_compared():
    cells = catalog()
    theirs = cell_of(cells, MLE, MIDDLE).description
    assert check_changes(cells=cells, changes=[change(cells, DS, SENIOR, description=theirs)]) == []


def test_a_nearly_identical_description_warns_from_the_threshold():
    assert SIMILARITY_THRESHOLD == 0.9
    ten = "one two three four five six seven eight nine ten"
    nine = "one two three four five six seven eight nine"
    # Ten words, one replaced: 2 * 9 / 20 = 0.9, at the threshold. Nine words, one replaced: 16 / 18 = 0.89, under it.
    assert similarity(words(ten), words(ten.replace("five", "FIVE!"))) == 1.0
    assert similarity(words(ten), words(ten.replace("five", "cinq"))) == pytest.approx(0.9)
    assert similarity(words(nine), words(nine.replace("five", "cinq"))) < SIMILARITY_THRESHOLD

    cells = catalog(overrides={("data-scientist", "middle"): {"description": ten}})
    near = check_changes(cells=cells, changes=[change(cells, DS, SENIOR, description=ten.replace("five", "cinq"))])
    assert codes(near) == [("similar_description", "data-scientist", "senior")]
    assert near[0].message == (
        "For Data Scientist, the description at Senior is nearly identical to the one at Middle."
    )
    cells = catalog(overrides={("data-scientist", "middle"): {"description": nine}})
    far = nine.replace("five", "cinq")
    assert check_changes(cells=cells, changes=[change(cells, DS, SENIOR, description=far)]) == []


def test_a_nearly_identical_description_of_another_role_warns():
    cells = catalog()
    theirs = cell_of(cells, MLE, LEAD).description + " Also reviews."
    warnings = check_changes(cells=cells, changes=[change(cells, DS, LEAD, description=theirs)])
    assert codes(warnings) == [("similar_description", "data-scientist", "lead")]
    assert "nearly identical to the one for ML Engineer" in warnings[0].message


def test_two_changed_cells_alike_warn_once():
    cells = catalog()
    same = text("shared")
    warnings = check_changes(
        cells=cells,
        changes=[change(cells, DS, SENIOR, description=same), change(cells, DS, LEAD, description=same)],
    )
    assert codes(warnings) == [("identical_description", "data-scientist", "senior")]
    assert warnings[0].message == "For Data Scientist, the description at Senior is identical to the one at Lead."


def test_problems_the_proposal_does_not_touch_are_not_reported():
    # Already in the catalog: Middle equals Junior, Senior is short, proficiency falls Lead -> Principal,
    # Lead required but Principal optional.
    cells = catalog(
        overrides={
            ("data-scientist", "middle"): {"description": text("data-scientist1")},
            ("data-scientist", "senior"): {"description": "Short."},
            ("data-scientist", "principal"): {"proficiency": Proficiency.AWARENESS, "required": False},
        }
    )
    # A change elsewhere, and a change to Senior's proficiency only (its short text is not the proposal's doing).
    changes = [
        change(cells, MLE, JUNIOR, description=text("fresh")),
        change(cells, DS, SENIOR, proficiency=Proficiency.WORKING),
    ]
    assert check_changes(cells=cells, changes=changes) == []


def test_proficiency_falling_as_the_level_rises_warns():
    cells = catalog()  # Data Scientist: Working at Middle, Advanced at Senior
    warnings = check_changes(cells=cells, changes=[change(cells, DS, SENIOR, proficiency=Proficiency.AWARENESS)])
    assert codes(warnings) == [("proficiency_falls", "data-scientist", "senior")]
    assert warnings[0].message == "For Data Scientist, proficiency falls from Working at Middle to Awareness at Senior."


def test_raising_a_lower_level_above_the_next_warns_on_the_changed_cell():
    cells = catalog()
    warnings = check_changes(cells=cells, changes=[change(cells, DS, MIDDLE, proficiency=Proficiency.EXPERT)])
    assert codes(warnings) == [("proficiency_falls", "data-scientist", "middle")]
    assert warnings[0].message == "For Data Scientist, proficiency falls from Expert at Middle to Advanced at Senior."


@pytest.mark.parametrize("proficiency", [Proficiency.WORKING, Proficiency.ADVANCED, Proficiency.EXPERT])
def test_proficiency_level_or_rising_does_not_warn(proficiency):
    cells = catalog()  # Working at Middle, Expert at Lead
    assert check_changes(cells=cells, changes=[change(cells, DS, SENIOR, proficiency=proficiency)]) == []


def test_a_level_without_a_cell_is_skipped_when_comparing():
    cells = [c for c in catalog(roles=(DS,)) if c.level is not MIDDLE]
    # Junior (Awareness) is now followed by Senior: Awareness there is not a fall, Working at Junior -> still fine.
    assert check_changes(cells=cells, changes=[change(cells, DS, SENIOR, proficiency=Proficiency.AWARENESS)]) == []
    warnings = check_changes(cells=cells, changes=[change(cells, DS, JUNIOR, proficiency=Proficiency.EXPERT)])
    assert codes(warnings) == [("proficiency_falls", "data-scientist", "junior")]
    assert "at Junior to Advanced at Senior" in warnings[0].message


def test_required_at_one_level_but_not_the_next_warns():
    cells = catalog()  # required from Senior on
    warnings = check_changes(cells=cells, changes=[change(cells, DS, LEAD, required=False)])
    assert codes(warnings) == [("required_dropped", "data-scientist", "lead")]
    assert warnings[0].message == "For Data Scientist, this skill is required at Senior but optional at Lead."
    # Optional -> required as the level rises is the normal way.
    assert check_changes(cells=cells, changes=[change(cells, DS, MIDDLE, required=True)]) == []
    assert check_changes(cells=cells, changes=[change(cells, DS, SENIOR, required=True)]) == []


def test_requiring_a_lower_level_than_the_next_warns_on_the_changed_cell():
    cells = catalog(overrides={("data-scientist", "senior"): {"required": False}})
    warnings = check_changes(cells=cells, changes=[change(cells, DS, MIDDLE, required=True)])
    assert codes(warnings) == [("required_dropped", "data-scientist", "middle")]
    assert warnings[0].message == "For Data Scientist, this skill is required at Middle but optional at Senior."


def test_a_new_cell_is_checked_like_a_changed_one():
    cells = [c for c in catalog() if not (c.role is DS and c.level is SENIOR)]
    new = ChangeInput(role=DS, level=SENIOR, description="Too short.", required=False, proficiency="awareness")
    warnings = check_changes(cells=cells, changes=[new])
    assert codes(warnings) == [
        ("short_description", "data-scientist", "senior"),
        ("proficiency_falls", "data-scientist", "senior"),
    ]
    assert {w.code for w in warnings} <= set(Code)


def test_warnings_are_ordered_by_level_then_role():
    cells = catalog()
    changes = [
        change(cells, MLE, SENIOR, description="Short."),
        change(cells, DS, LEAD, description="Short too."),
        change(cells, DS, SENIOR, description="Also short."),
    ]
    assert codes(check_changes(cells=cells, changes=changes)) == [
        ("short_description", "data-scientist", "senior"),
        ("short_description", "ml-engineer", "senior"),
        ("short_description", "data-scientist", "lead"),
    ]


def test_messages_go_through_gettext_with_named_placeholders(monkeypatch):
    # A "translation" that moves the placeholders around, as a real one may: named placeholders still fill in.
    def translate(message: str) -> str:
        return "«" + " / ".join(reversed(re.findall(r"%\(\w+\)s", message))) + "»"

    monkeypatch.setattr(review_checks, "_", translate)
    cells = catalog()
    changes = [
        change(cells, DS, SENIOR, description=cell_of(cells, DS, MIDDLE).description, proficiency="awareness"),
        change(cells, DS, LEAD, description="Short.", required=False),
    ]
    messages = {w.code: w.message for w in check_changes(cells=cells, changes=changes)}
    assert messages[Code.IDENTICAL_DESCRIPTION] == "«Middle / Senior / Data Scientist»"
    assert messages[Code.PROFICIENCY_FALLS] == "«Senior / Awareness / Middle / Working / Data Scientist»"
    assert messages[Code.SHORT_DESCRIPTION] == "«Lead / Data Scientist»"
    assert messages[Code.REQUIRED_DROPPED] == "«Lead / Senior / Data Scientist»"


@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES])
def test_messages_fill_their_placeholders_in_every_language(language):
    cells = catalog()
    changes = [
        change(cells, DS, SENIOR, description=cell_of(cells, DS, MIDDLE).description + " x", proficiency="awareness"),
        change(cells, DS, LEAD, description="", required=False),
        change(cells, MLE, JUNIOR, description=cell_of(cells, DS, JUNIOR).description),
        change(cells, MLE, PRINCIPAL, description="Short."),
    ]
    with translation.override(language):
        warnings = check_changes(cells=cells, changes=changes)
    assert {w.code for w in warnings} == set(Code)
    for warning in warnings:
        assert "%(" not in warning.message
        assert warning.role.name in warning.message


def test_long_descriptions_stay_cheap():
    # A hostile proposal: a hundred 5,000-character changes, each nearly identical to its neighbours.
    roles = [Role(pk=pk, name=f"Role {pk}", slug=f"role-{pk}") for pk in range(1, 21)]
    cells = catalog(roles=roles)
    long_text = " ".join(f"word{i % 97}" for i in range(900))[:5000]
    changes = [change(cells, c.role, c.level, description=f"{long_text} {c.role.pk}{c.level.pk}") for c in cells]
    start = time.perf_counter()
    warnings = check_changes(cells=cells, changes=changes)
    assert time.perf_counter() - start < 5
    assert {w.code for w in warnings} == {Code.SIMILAR_DESCRIPTION}


# --- Pages and API ---------------------------------------------------------------------

CLEAN = "Compares runs side by side and explains to the team why one model was chosen over another."
SHORT = "Knows MLflow."


def page_text(response) -> str:
    return response.content.decode()


@pytest.fixture
def senior(skill, catalog):
    """The first role's Senior cell: Advanced, required; Middle below it is Working, optional."""
    return Expectation.objects.select_related("role", "level").get(
        skill=skill, role=catalog["roles"][0], level=catalog["levels"][2]
    )


@pytest.fixture
def short_proposal(author, skill, senior):
    return services.proposal_create(
        author=author,
        skill=skill,
        rationale="Shorter is better.",
        changes=[change_for(senior, description=SHORT, proficiency=Proficiency.AWARENESS)],
    )


def expected_messages(role) -> list[str]:
    return [
        f"The description for {role.name} at Senior is very short; say what the role is expected to do at this level.",
        f"For {role.name}, proficiency falls from Working at Middle to Awareness at Senior.",
    ]


def test_the_proposal_page_shows_the_warnings_and_approving_is_not_blocked(client, reviewer, short_proposal, senior):
    client.force_login(reviewer)
    page = page_text(client.get(f"/proposals/{short_proposal.pk}/"))
    summary = page.split('id="checks"')[1].split("</div>")[0]
    assert "The checks found 2 things to look at" in summary
    assert f'href="#change-{senior.role.slug}-senior"' in summary
    assert "they never block approval" in summary
    card = page.split(f'id="change-{senior.role.slug}-senior"')[1].split("</article>")[0]
    assert "2 warnings" in card
    for message in expected_messages(senior.role):
        assert message in summary and message in card

    response = client.post(f"/proposals/{short_proposal.pk}/approve/", {"confirm": "true"})
    assert response.status_code == 302
    short_proposal.refresh_from_db()
    assert short_proposal.status == ProposalStatus.APPROVED
    # Decided: the catalog has moved on, the page shows no checks.
    assert 'id="checks"' not in page_text(client.get(f"/proposals/{short_proposal.pk}/"))


def test_a_proposal_without_problems_shows_no_warnings(client, author, skill, senior):
    proposal = services.proposal_create(
        author=author, skill=skill, rationale="Clearer.", changes=[change_for(senior, description=CLEAN)]
    )
    page = page_text(client.get(f"/proposals/{proposal.pk}/"))
    assert 'id="checks"' not in page
    assert "review-warnings" not in page


def test_the_api_detail_lists_the_warnings(api, short_proposal, senior):
    response = api().get(f"/api/proposals/{short_proposal.pk}/")
    assert response.status_code == 200
    role, codes_ = senior.role.slug, ["short_description", "proficiency_falls"]
    assert response.json()["warnings"] == [
        {"code": code, "role": role, "level": "senior", "message": message}
        for code, message in zip(codes_, expected_messages(senior.role), strict=True)
    ]


def test_the_api_creates_a_proposal_despite_warnings_and_answers_with_them(api, member, skill, senior):
    body = {
        "skill": skill.slug,
        "rationale": "Shorter.",
        "changes": [
            {
                "role": senior.role.slug,
                "level": "senior",
                "description": SHORT,
                "required": senior.required,
                "proficiency": "awareness",
                "base_version": senior.version,
            }
        ],
    }
    response = api(member).post("/api/proposals/", body, format="json")
    assert response.status_code == 201
    assert [w["code"] for w in response.json()["warnings"]] == ["short_description", "proficiency_falls"]
    assert Proposal.objects.filter(author=member, status=ProposalStatus.OPEN).count() == 1


def test_the_api_approves_despite_warnings_and_a_decided_proposal_has_none(api, reviewer, short_proposal):
    response = api(reviewer).post(f"/api/proposals/{short_proposal.pk}/approve/", format="json")
    assert response.status_code == 200
    assert response.json()["status"] == "approved"
    assert response.json()["warnings"] == []
    assert selectors.proposal_warnings(proposal=Proposal.objects.get(pk=short_proposal.pk)) == []


def suggest_post(skill, senior, description, **extra) -> dict:
    return suggest_data(skill, **{key(senior): {"description": description, "proficiency": "awareness"}}) | extra


def test_the_check_step_shows_the_warnings_and_saves_nothing(client, member, skill, senior, monkeypatch):
    # One proposal an hour: checking does not count against the rate.
    monkeypatch.setattr(
        "proposals.throttling.WriteRateThrottle.THROTTLE_RATES", {"proposals": "1/hour", "comments": "20/min"}
    )
    client.force_login(member)
    url = f"/skills/{skill.slug}/suggest/"
    for _attempt in range(2):
        response = client.post(url, suggest_post(skill, senior, SHORT, check="1"))
        assert response.status_code == 200
    page = page_text(response)
    assert Proposal.objects.count() == 0
    summary = page.split('id="checks"')[1].split("</div>")[0]
    assert "The checks found 2 things to look at" in summary
    assert "send the proposal as it is" in summary
    prefix = f"c{senior.role.pk}_{senior.level.pk}"
    assert f'href="#cell-{prefix}"' in summary
    cell_html = page.split(f'id="cell-{prefix}"')[1].split("</details>")[0]
    assert cell_html.startswith(" open>")
    for message in expected_messages(senior.role):
        assert message in summary and message in cell_html
    # What the member typed is still there, ready to send as it is.
    assert f"{SHORT}</textarea>" in cell_html
    assert f'formaction="{url}#checks"' in page

    response = client.post(url, suggest_post(skill, senior, SHORT))
    assert response.status_code == 302
    proposal = Proposal.objects.get(author=member)
    assert [c.description for c in proposal.changes.all()] == [SHORT]


def test_the_check_step_says_when_it_finds_nothing(client, member, skill, senior):
    client.force_login(member)
    data = suggest_post(skill, senior, CLEAN, check="1")
    data[f"c{senior.role.pk}_{senior.level.pk}-proficiency"] = senior.proficiency
    response = client.post(f"/skills/{skill.slug}/suggest/", data)
    assert response.status_code == 200
    assert "The checks found nothing to look at in your changes." in page_text(response)
    assert Proposal.objects.count() == 0


def test_the_check_step_of_an_invalid_form_shows_its_errors(client, member, skill):
    client.force_login(member)
    response = client.post(f"/skills/{skill.slug}/suggest/", suggest_data(skill) | {"check": "1"})
    assert response.status_code == 400
    assert "Change at least one expectation" in page_text(response)
    assert 'id="checks"' not in page_text(response)


# --- Query counts ----------------------------------------------------------------------

# Anonymous proposal page: proposal, changes, the skill's cells (for the checks), comment count (no comments: no
# comment page). tests/proposals/test_pages.py pins the page with comments.
PAGE_QUERIES = 4
# API detail: proposal, changes, the skill's cells (for the checks).
API_QUERIES = 3


def _short_everywhere(levels, n):
    catalog = make_catalog(skills=1, roles=n // 5, levels=levels)
    skill = catalog["skills"][0]
    cells = list(Expectation.objects.filter(skill=skill).select_related("role", "level"))
    return services.proposal_create(
        author=UserFactory(),
        skill=skill,
        rationale="Everything shorter.",
        changes=[change_for(c, description=f"Short {c.pk}.") for c in cells],
    )


@pytest.mark.parametrize("n", [5, 100])
def test_the_proposal_page_with_warnings_costs_the_same_queries_at_any_size(
    client, levels, n, django_assert_num_queries
):
    proposal = _short_everywhere(levels, n)
    with django_assert_num_queries(PAGE_QUERIES):
        response = client.get(f"/proposals/{proposal.pk}/")
    assert page_text(response).count("is very short") == 2 * n  # in the summary and on each card


@pytest.mark.parametrize("n", [5, 100])
def test_the_api_detail_with_warnings_costs_the_same_queries_at_any_size(api, levels, n, django_assert_num_queries):
    proposal = _short_everywhere(levels, n)
    with django_assert_num_queries(API_QUERIES):
        response = api().get(f"/api/proposals/{proposal.pk}/")
    assert [w["code"] for w in response.json()["warnings"]] == ["short_description"] * n


@pytest.mark.parametrize("n", [5, 100])
def test_the_check_step_reads_no_more_than_the_form(client, member, levels, n, django_assert_num_queries):
    catalog = make_catalog(skills=1, roles=n // 5, levels=levels)
    skill = catalog["skills"][0]
    client.force_login(member)
    changed = {f"{role.slug}__{level.slug}": {"description": "Short."} for role in catalog["roles"] for level in levels}
    data = suggest_data(skill, **changed) | {"check": "1"}
    # session, user, skill, the form's cells and role levels: the checks reuse the cells the form loaded.
    with django_assert_num_queries(5):
        response = client.post(f"/skills/{skill.slug}/suggest/", data)
    assert response.status_code == 200
    assert page_text(response).count("is very short") == 2 * n
