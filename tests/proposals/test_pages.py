"""Community pages: every page and form tried by each user of the cast, the flows behind them, query counts."""

import re
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.authtoken.models import Token

from proposals import pages, selectors, services
from proposals.models import Comment, Proposal, ProposalChange, ProposalStatus, Watch
from proposals.throttling import WriteRateThrottle
from skills.models import Expectation, Proficiency
from tests.factories import UserFactory, make_catalog
from tests.proposals.helpers import change_for, key, suggest_data

CAST = ["anonymous", "member", "author", "reviewer", "staff"]


def user_of(request, who):
    return None if who == "anonymous" else request.getfixturevalue(who)


def client_for(user=None, **kwargs) -> Client:
    client = Client(**kwargs)
    if user is not None:
        client.force_login(user)
    return client


def text(response) -> str:
    return response.content.decode()


@pytest.fixture
def comment(author, skill):
    return services.comment_create(author=author, skill=skill, body="Mine.")


# --- Every page, every user ------------------------------------------------------------

PAGES = [
    # (url template, statuses for anonymous, member, author, reviewer, staff)
    ("/proposals/", [200, 200, 200, 200, 200]),
    ("/proposals/?queue=1", [302, 403, 403, 200, 200]),
    ("/proposals/{proposal}/", [200, 200, 200, 200, 200]),
    ("/proposals/999999/", [404, 404, 404, 404, 404]),
    ("/proposals/99999999999999999999999/", [404, 404, 404, 404, 404]),
    ("/skills/{skill}/suggest/", [302, 200, 200, 200, 200]),
    ("/skills/no-such-skill/suggest/", [302, 404, 404, 404, 404]),
    ("/skills/{skill}/", [200, 200, 200, 200, 200]),
    ("/accounts/profile/", [302, 200, 200, 200, 200]),
    ("/accounts/login/", [200, 302, 302, 302, 302]),
]


@pytest.mark.parametrize(
    ("url", "who", "expected"),
    [
        pytest.param(url, who, statuses[i], id=f"{url} as {who}")
        for url, statuses in PAGES
        for i, who in enumerate(CAST)
    ],
)
def test_pages_answer_each_user_with_the_exact_status(request, proposal, skill, url, who, expected):
    response = client_for(user_of(request, who)).get(url.format(skill=skill.slug, proposal=proposal.pk))
    assert response.status_code == expected
    if expected == 302 and who == "anonymous":
        assert response["Location"].startswith("/accounts/login/?next=")


def test_anonymous_is_sent_to_sign_in_and_back(client, skill):
    response = client.get(f"/skills/{skill.slug}/suggest/?role=a&level=b")
    assert response["Location"] == f"/accounts/login/?next=/skills/{skill.slug}/suggest/%3Frole%3Da%26level%3Db"


# (url template, form data, statuses for anonymous, member, author, reviewer, staff)
POSTS = [
    # Staff is a superuser: a reviewer without being in the group.
    ("/proposals/{proposal}/approve/", {"confirm": "true"}, [302, 403, 403, 302, 302]),
    ("/proposals/{proposal}/reject/", {"reason": "unclear", "note": ""}, [302, 403, 403, 302, 302]),
    # The proposal is open: there is no approval to undo.
    ("/proposals/{proposal}/undo/", {}, [302, 403, 403, 409, 409]),
    ("/proposals/{proposal}/withdraw/", {}, [302, 403, 302, 403, 403]),
    ("/proposals/{proposal}/rebase/", {"keep": "on"}, [302, 403, 302, 403, 403]),
    ("/proposals/{proposal}/comments/", {"body": "Hi."}, [302, 302, 302, 302, 302]),
    ("/skills/{skill}/comments/", {"body": "Hi."}, [302, 302, 302, 302, 302]),
    ("/skills/{skill}/watch/", {"action": "watch"}, [302, 302, 302, 302, 302]),
    ("/skills/{skill}/suggest/", "suggest", [302, 302, 302, 302, 302]),
    ("/comments/{comment}/edit/", {"body": "Edited."}, [302, 403, 302, 403, 403]),
    ("/comments/{comment}/delete/", {}, [302, 403, 302, 403, 403]),
    ("/comments/{comment}/hide/", {"reason": "Spam"}, [302, 403, 403, 302, 302]),
    ("/accounts/profile/token/", {}, [302, 200, 200, 200, 200]),
    ("/accounts/profile/token/revoke/", {}, [302, 302, 302, 302, 302]),
]


@pytest.mark.parametrize(
    ("url", "data", "who", "expected"),
    [
        pytest.param(url, data, who, statuses[i], id=f"POST {url} as {who}")
        for url, data, statuses in POSTS
        for i, who in enumerate(CAST)
    ],
)
def test_forms_answer_each_user_with_the_exact_status(
    request, proposal, skill, cell, comment, url, data, who, expected
):
    if data == "suggest":
        data = suggest_data(skill, **{key(cell): {"description": f"Suggested by {who}."}})
    response = client_for(user_of(request, who)).post(
        url.format(skill=skill.slug, proposal=proposal.pk, comment=comment.pk), data
    )
    assert response.status_code == expected
    if expected == 302 and who == "anonymous":
        assert response["Location"].startswith("/accounts/login/?next=")


@pytest.mark.parametrize(
    "url",
    [
        "/proposals/{proposal}/approve/",
        "/proposals/{proposal}/reject/",
        "/proposals/{proposal}/withdraw/",
        "/proposals/{proposal}/rebase/",
        "/proposals/{proposal}/undo/",
        "/proposals/{proposal}/comments/",
        "/skills/{skill}/comments/",
        "/skills/{skill}/watch/",
        "/comments/{comment}/edit/",
        "/comments/{comment}/delete/",
        "/comments/{comment}/hide/",
        "/accounts/profile/token/",
        "/accounts/profile/token/revoke/",
    ],
)
@pytest.mark.parametrize("who", ["author", "reviewer"])
def test_a_get_never_writes(request, proposal, skill, comment, url, who):
    user = request.getfixturevalue(who)
    Token.objects.create(user=user)
    before = (
        Proposal.objects.get(pk=proposal.pk).status,
        Comment.objects.filter(pk=comment.pk, hidden=False).count(),
        Comment.objects.count(),
        Watch.objects.count(),
        Token.objects.get(user=user).key,
    )
    response = client_for(user).get(url.format(skill=skill.slug, proposal=proposal.pk, comment=comment.pk))
    assert response.status_code == 405
    after = (
        Proposal.objects.get(pk=proposal.pk).status,
        Comment.objects.filter(pk=comment.pk, hidden=False).count(),
        Comment.objects.count(),
        Watch.objects.count(),
        Token.objects.get(user=user).key,
    )
    assert after == before


def test_unknown_comments_and_proposals_are_404_for_posts(client, member):
    client.force_login(member)
    assert client.post("/comments/999999/edit/", {"body": "x"}).status_code == 404
    assert client.post("/proposals/999999/approve/").status_code == 404
    assert client.post("/skills/no-such-skill/comments/", {"body": "x"}).status_code == 404


# --- CSRF -------------------------------------------------------------------------------


class FormParser(HTMLParser):
    """Every POST form of a page with its action and whether it carries the CSRF token."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._form = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self._form = {"action": attrs.get("action"), "csrf": ""}
            self.forms.append(self._form)
        elif tag == "input" and self._form is not None and attrs.get("name") == "csrfmiddlewaretoken":
            self._form["csrf"] = attrs.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None


def post_forms(html: str) -> list[dict]:
    parser = FormParser()
    parser.feed(html)
    return parser.forms


@pytest.mark.parametrize("who", ["author", "reviewer"])
def test_every_post_form_on_the_pages_carries_the_csrf_token(request, proposal, skill, cell, comment, who):
    client = client_for(request.getfixturevalue(who), enforce_csrf_checks=True)
    urls = [
        f"/proposals/{proposal.pk}/",
        f"/skills/{skill.slug}/",
        f"/skills/{skill.slug}/suggest/",
        "/accounts/profile/",
        cell.get_absolute_url(),
        "/proposals/",
    ]
    actions = set()
    for url in urls:
        forms = post_forms(text(client.get(url)))
        assert forms, url
        for form in forms:
            assert form["csrf"], f"{form['action']} on {url}"
            actions.add(form["action"])
    # The forms of this task are among them.
    assert f"/skills/{skill.slug}/comments/" in actions
    assert f"/proposals/{proposal.pk}/comments/" in actions
    assert "/accounts/logout/" in actions
    assert "/accounts/profile/token/" in actions


def test_posts_without_the_csrf_token_are_refused(reviewer, proposal, cell):
    client = client_for(reviewer, enforce_csrf_checks=True)
    assert client.post(f"/proposals/{proposal.pk}/approve/").status_code == 403
    assert Proposal.objects.get(pk=proposal.pk).status == ProposalStatus.OPEN

    page = text(client.get(f"/proposals/{proposal.pk}/"))
    form = next(f for f in post_forms(page) if f["action"] == f"/proposals/{proposal.pk}/approve/")
    confirmation = client.post(form["action"], {"csrfmiddlewaretoken": form["csrf"]})
    assert confirmation.status_code == 200
    assert Proposal.objects.get(pk=proposal.pk).status == ProposalStatus.OPEN
    form = next(f for f in post_forms(text(confirmation)) if f["action"] == f"/proposals/{proposal.pk}/approve/")
    response = client.post(form["action"], {"csrfmiddlewaretoken": form["csrf"], "confirm": "true"})
    assert response.status_code == 302
    assert Proposal.objects.get(pk=proposal.pk).status == ProposalStatus.APPROVED


# --- Suggest a change ----------------------------------------------------------------------


def test_suggest_shows_every_level_of_every_role_with_the_current_text(client, member, skill, catalog):
    client.force_login(member)
    page = text(client.get(f"/skills/{skill.slug}/suggest/"))
    assert page.count('<details class="suggest-cell') == 10
    for role in catalog["roles"]:
        assert f"<legend>{role.name}</legend>" in page
    some = Expectation.objects.filter(skill=skill).first()
    assert some.description in page
    assert 'name="rationale"' in page


def test_suggest_creates_a_proposal_of_the_changed_cells_only(client, member, skill, cell):
    client.force_login(member)
    data = suggest_data(skill, **{key(cell): {"description": "A much clearer text.", "proficiency": "expert"}})
    response = client.post(f"/skills/{skill.slug}/suggest/", data)
    proposal = Proposal.objects.get(author=member)
    assert response.status_code == 302
    assert response["Location"] == f"/proposals/{proposal.pk}/"
    change = proposal.changes.get()
    assert (change.role, change.level, change.description, change.proficiency, change.base_version) == (
        cell.role,
        cell.level,
        "A much clearer text.",
        Proficiency.EXPERT,
        cell.version,
    )
    assert proposal.rationale == "Clearer wording."
    followed = text(client.get(response["Location"]))
    assert "Thank you! Your proposal to change 1 expectation is open for review." in followed


def test_suggest_counts_a_flag_change_and_ignores_browser_line_breaks(client, member, skill, catalog):
    multi = Expectation.objects.filter(skill=skill, role=catalog["roles"][1]).select_related("role", "level").first()
    multi.description = "First line.\nSecond line."
    multi.save()
    flag = Expectation.objects.filter(skill=skill, role=catalog["roles"][0], required=False).select_related(
        "role", "level"
    )[0]
    client.force_login(member)
    data = suggest_data(
        skill,
        **{key(multi): {"description": "First line.\r\nSecond line.\r\n"}, key(flag): {"required": True}},
    )
    assert client.post(f"/skills/{skill.slug}/suggest/", data).status_code == 302
    change = ProposalChange.objects.get(proposal__author=member)
    assert (change.role_id, change.level_id, change.required) == (flag.role_id, flag.level_id, True)


def test_suggest_writes_a_new_cell(client, member, skill, cell):
    Expectation.objects.filter(pk=cell.pk).delete()
    client.force_login(member)
    page = text(client.get(f"/skills/{skill.slug}/suggest/"))
    assert "has no expectation for this skill at" in page
    data = suggest_data(skill, **{key(cell): {"description": "The first text.", "proficiency": "awareness"}})
    assert client.post(f"/skills/{skill.slug}/suggest/", data).status_code == 302
    change = ProposalChange.objects.get(proposal__author=member)
    assert (change.description, change.base_version) == ("The first text.", 0)


def test_suggest_preselects_the_cell_from_the_link(client, member, skill, cell):
    client.force_login(member)
    page = text(client.get(f"/skills/{skill.slug}/suggest/?role={cell.role.slug}&level={cell.level.slug}"))
    prefix = f"c{cell.role_id}_{cell.level_id}"
    assert f'id="cell-{prefix}" open' in page
    assert re.search(rf'<textarea[^>]*autofocus[^>]*id="id_{prefix}-description"', page)
    assert page.count(" open>") == 1
    unknown = text(client.get(f"/skills/{skill.slug}/suggest/?role=nobody&level=never"))
    assert "This skill has no expectation for the role and level in the link" in unknown


def test_suggest_errors_sit_next_to_the_fields_and_nothing_typed_is_lost(client, member, skill, cell, catalog):
    other = Expectation.objects.get(skill=skill, role=catalog["roles"][1], level=catalog["levels"][1])
    client.force_login(member)
    data = suggest_data(
        skill,
        rationale="",
        **{key(cell): {"description": "My careful new wording."}, key(other): {"description": ""}},
    )
    response = client.post(f"/skills/{skill.slug}/suggest/", data)
    page = text(response)
    assert response.status_code == 400
    assert not Proposal.objects.exists()
    assert "My careful new wording." in page
    prefix = f"c{other.role_id}_{other.level_id}"
    assert re.search(rf'id="id_{prefix}-description_error"><li>Write the description', page)
    assert re.search(r'id="id_rationale_error"><li>This field is required', page)
    assert f'id="cell-{prefix}" open' in page


def test_suggest_without_any_change_says_so(client, member, skill):
    client.force_login(member)
    response = client.post(f"/skills/{skill.slug}/suggest/", suggest_data(skill))
    assert response.status_code == 400
    assert "Change at least one expectation" in text(response)


def test_suggest_tells_which_cells_moved_while_the_member_was_editing(client, member, skill, cell):
    client.force_login(member)
    data = suggest_data(skill, **{key(cell): {"description": "Mine."}})
    cell.description = "Someone else's edit."
    cell.save()
    response = client.post(f"/skills/{skill.slug}/suggest/", data)
    page = text(response)
    assert response.status_code == 409
    assert f"These expectations changed while you were editing: {cell.role.name} · {cell.level.name}" in page
    assert "Someone else&#x27;s edit." in page  # the current text, to compare with
    assert "Mine." in page  # what the member typed
    assert not Proposal.objects.exists()
    # Sending again is a conscious choice against the new version.
    prefix = f"c{cell.role_id}_{cell.level_id}"
    assert f'name="{prefix}-version" value="{cell.version + 1}"' in page


def test_suggest_is_rate_limited_like_the_api(client, member, skill, cell, monkeypatch):
    monkeypatch.setattr(WriteRateThrottle, "THROTTLE_RATES", {"proposals": "1/hour", "comments": "20/min"})
    client.force_login(member)
    first = suggest_data(skill, **{key(cell): {"description": "One."}})
    assert client.post(f"/skills/{skill.slug}/suggest/", first).status_code == 302
    second = suggest_data(skill, **{key(cell): {"description": "Two, kept."}})
    response = client.post(f"/skills/{skill.slug}/suggest/", second)
    assert response.status_code == 429
    assert "Please wait" in text(response)
    assert "Two, kept." in text(response)
    assert Proposal.objects.count() == 1


# --- Proposals list --------------------------------------------------------------------------


def test_the_list_shows_what_each_proposal_changes_where_by_whom_and_how_long_ago(client, proposal, skill, catalog):
    Proposal.objects.filter(pk=proposal.pk).update(created=timezone.now() - timezone.timedelta(days=3, hours=5))
    page = text(client.get("/proposals/"))
    # The one-line summary is the link, not "Proposal #n".
    summary = f'<a href="/proposals/{proposal.pk}/" class="proposal-table__summary">'
    assert summary + "Rewrites 2 descriptions; proficiency Advanced → Expert</a>" in page
    assert '<span class="status status-open">Open</span>' in page
    assert ">author</td>" in page
    assert skill.name in page
    (first, second), levels = catalog["roles"], catalog["levels"]
    cells = page.split('data-label="Roles and levels">')[1].split("</td>")[0]
    assert f'{first.name}: <abbr title="{levels[0].name}">{levels[0].short}</abbr>' in cells
    assert f'{second.name}: <abbr title="{levels[2].name}">{levels[2].short}</abbr>' in cells
    assert re.search(r'data-label="Age"><time datetime="[^"]+" title="[^"]+">3\xa0days ago</time>', page)
    assert "1 proposal" in page


def test_the_summary_says_what_kinds_of_change_a_proposal_makes(author, skill, catalog):
    cells = {
        (c.role_id, c.level_id): c for c in Expectation.objects.filter(skill=skill).select_related("role", "level")
    }
    role, levels = catalog["roles"][0], catalog["levels"]
    junior, middle, senior = (cells[role.pk, level.pk] for level in levels[:3])
    changes = [
        change_for(junior, description=junior.description, proficiency=Proficiency.EXPERT, required=True),
        change_for(middle, description=middle.description, proficiency=Proficiency.AWARENESS),
        change_for(senior, required=False),
    ]
    proposal = services.proposal_create(author=author, skill=skill, rationale="Mixed.", changes=changes)
    assert pages.change_summary(list(proposal.changes.all())) == (
        "Rewrites 1 description; raises proficiency in 1 expectation; lowers proficiency in 1 expectation; "
        "makes 1 expectation required; makes 1 expectation optional"
    )
    ProposalChange.objects.filter(proposal=proposal).update(base_version=0)
    assert pages.change_summary(list(proposal.changes.all())) == "Adds 3 expectations"
    ProposalChange.objects.filter(proposal=proposal).update(base_version=1, base_description=None)
    assert pages.change_summary(list(proposal.changes.all())) == "Changes 3 expectations"


def test_the_list_filters_by_status_domain_and_skill(client, author, proposal, skill, levels):
    other = make_catalog(skills=1, roles=1, levels=levels)
    other_skill = other["skills"][0]
    other_cell = Expectation.objects.select_related("role", "level").filter(skill=other_skill).first()
    rejected = services.proposal_create(
        author=author, skill=other_skill, rationale="Other.", changes=[change_for(other_cell)]
    )
    Proposal.objects.filter(pk=rejected.pk).update(status="rejected", reason="unclear", decided_at=timezone.now())

    def ids(query):
        return set(map(int, re.findall(r'href="/proposals/(\d+)/"', text(client.get(f"/proposals/?{query}")))))

    assert ids("") == {proposal.pk, rejected.pk}
    assert ids("status=open") == {proposal.pk}
    assert ids("status=rejected") == {rejected.pk}
    assert ids(f"skill={other_skill.slug}") == {rejected.pk}
    assert ids(f"domain={skill.group.domain.slug}") == {proposal.pk}
    assert ids(f"domain={skill.group.domain.slug}&status=rejected") == set()


@pytest.mark.parametrize("query", ["status=nonsense", "skill=no-such-skill", "domain=%00"])
def test_unknown_filters_are_a_clear_400(client, proposal, query):
    response = client.get(f"/proposals/?{query}")
    assert response.status_code == 400
    assert "Some filters are not valid" in text(response)


def test_a_page_number_out_of_range_shows_the_last_page(client, proposal):
    assert client.get("/proposals/?page=999").status_code == 200
    assert client.get("/proposals/?page=abc").status_code == 200


def test_the_review_queue_lists_open_proposals_by_others_oldest_first(client, reviewer, author, skill, catalog):
    cells = list(Expectation.objects.filter(skill=skill).select_related("role", "level").order_by("pk"))
    older = services.proposal_create(author=author, skill=skill, rationale="First.", changes=[change_for(cells[0])])
    newer = services.proposal_create(author=author, skill=skill, rationale="Second.", changes=[change_for(cells[1])])
    own = services.proposal_create(author=reviewer, skill=skill, rationale="Mine.", changes=[change_for(cells[2])])
    closed = services.proposal_create(author=author, skill=skill, rationale="Gone.", changes=[change_for(cells[3])])
    services.proposal_withdraw(proposal=closed, user=author)
    Proposal.objects.filter(pk=older.pk).update(created=timezone.now() - timezone.timedelta(days=3))
    client.force_login(reviewer)
    page = text(client.get("/proposals/?queue=1"))
    listed = [int(pk) for pk in re.findall(r'href="/proposals/(\d+)/"', page)]
    assert listed == [older.pk, newer.pk]
    assert own.pk not in listed
    assert 'Review queue <span class="badge badge--count">2</span>' in text(client.get("/proposals/"))


def test_members_do_not_see_the_queue_tab(client, member, proposal):
    client.force_login(member)
    assert "?queue=1" not in text(client.get("/proposals/"))


# --- Proposal page ----------------------------------------------------------------------------


def test_the_page_shows_each_change_as_a_word_diff(client, proposal, cell):
    page = text(client.get(f"/proposals/{proposal.pk}/"))
    assert f"{cell.role.name} · {cell.level.name}" in page
    assert "<del>" in page and "<ins>" in page
    assert "Better text for" in page
    assert "Description, against the current text" in page
    # The second change raises the proficiency: old → new.
    assert re.search(r"<del><span class=\"visually-hidden\">removed: </span>\w+</del> → <ins>", page)
    assert "Expert" in page


def test_the_actions_each_user_sees(request, proposal):
    url = f"/proposals/{proposal.pk}/"
    approve, withdraw = f'action="{url}approve/"', f'action="{url}withdraw/"'
    for who, sees_review, sees_withdraw in [
        ("anonymous", False, False),
        ("member", False, False),
        ("author", False, True),
        ("reviewer", True, False),
        ("staff", True, False),  # a superuser
    ]:
        page = text(client_for(user_of(request, who)).get(url))
        assert (approve in page) is sees_review, who
        assert ('name="reason"' in page) is sees_review, who
        assert (withdraw in page) is sees_withdraw, who


def test_approving_through_the_page_asks_for_a_confirmation_then_applies_the_text(client, reviewer, proposal, cell):
    client.force_login(reviewer)
    first = client.post(f"/proposals/{proposal.pk}/approve/", {"revision": "1", "note": "Checked against *the docs*."})
    assert first.status_code == 200
    confirmation = text(first)
    assert "Approve these changes to" in confirmation
    assert f"{cell.role.name} · {cell.level.name}</strong>: Rewrites 1 description" in confirmation
    assert 'name="confirm" value="true"' in confirmation
    assert 'name="revision" value="1"' in confirmation
    assert "Checked against *the docs*.</textarea>" in confirmation  # the note typed is kept
    cell.refresh_from_db()
    assert cell.version == 1 and Proposal.objects.get(pk=proposal.pk).status == ProposalStatus.OPEN

    response = client.post(
        f"/proposals/{proposal.pk}/approve/",
        {"revision": "1", "note": "Checked against *the docs*.", "confirm": "true"},
    )
    assert response.status_code == 302
    cell.refresh_from_db()
    assert cell.description == f"Better text for {cell.role} at {cell.level}."
    page = text(client.get(response["Location"]))
    assert "Approved. The changes are now in the catalog. You can undo this for 10 minutes." in page
    assert "Approved by reviewer on" in page
    assert "Checked against <em>the docs</em>." in page  # the note, kept with the decision
    assert Proposal.objects.get(pk=proposal.pk).decision_note == "Checked against *the docs*."
    # Decided: the diff is against the text it replaced, from the audit trail.
    assert "Description, against the text it was written for" in page
    assert re.search(rf"<del><span class=\"visually-hidden\">removed: </span>{cell.skill.name}", page)
    assert f'action="/proposals/{proposal.pk}/approve/"' not in page


def test_a_conflict_on_approve_names_the_cells_and_applies_nothing(client, reviewer, proposal, cell):
    cell.description = "Edited in the admin meanwhile."
    cell.save()
    client.force_login(reviewer)
    response = client.post(f"/proposals/{proposal.pk}/approve/", {"confirm": "true"})
    page = text(response)
    assert response.status_code == 409
    assert (
        "Nothing was applied: these expectations changed since the proposal was written: "
        f"{cell.role.name} · {cell.level.name}" in page
    )
    assert Proposal.objects.get(pk=proposal.pk).status == ProposalStatus.OPEN
    assert Expectation.objects.filter(description__startswith="Better text").count() == 0
    assert "Some expectations changed after this proposal was written." in page


def test_approving_a_closed_proposal_is_a_409_with_its_state(client, reviewer, author, proposal):
    services.proposal_withdraw(proposal=proposal, user=author)
    client.force_login(reviewer)
    response = client.post(f"/proposals/{proposal.pk}/approve/")
    assert response.status_code == 409
    assert "This proposal is no longer open (it is withdrawn)." in text(response)


def test_rejecting_shows_the_decision(client, reviewer, proposal):
    client.force_login(reviewer)
    response = client.post(f"/proposals/{proposal.pk}/reject/", {"reason": "incorrect", "note": "See **the docs**."})
    assert response.status_code == 302
    page = text(client.get(f"/proposals/{proposal.pk}/"))
    assert "Rejected by reviewer on" in page
    assert "— reason: Incorrect" in page
    assert "See <strong>the docs</strong>." in page
    proposal.refresh_from_db()
    assert (proposal.status, proposal.reason, proposal.decided_by) == ("rejected", "incorrect", reviewer)


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"reason": "", "note": ""}, "reason", "This field is required."),
        ({"reason": "bogus", "note": ""}, "reason", "Select a valid choice."),
        ({"reason": "other", "note": "  "}, "note", "Say why when the reason is “other”."),
    ],
)
def test_reject_errors_sit_next_to_the_fields(client, reviewer, proposal, data, field, message):
    client.force_login(reviewer)
    response = client.post(f"/proposals/{proposal.pk}/reject/", data)
    assert response.status_code == 400
    assert re.search(rf'id="id_{field}_error"><li>{re.escape(message)}', text(response))
    assert Proposal.objects.get(pk=proposal.pk).status == ProposalStatus.OPEN


def test_the_author_withdraws(client, author, proposal):
    client.force_login(author)
    response = client.post(f"/proposals/{proposal.pk}/withdraw/")
    assert response.status_code == 302
    assert Proposal.objects.get(pk=proposal.pk).status == ProposalStatus.WITHDRAWN
    page = text(client.get(response["Location"]))
    assert "Withdrawn by the author on" in page
    assert '<span class="status status-withdrawn">Withdrawn</span>' in page
    assert client.post(f"/proposals/{proposal.pk}/withdraw/").status_code == 409


def test_a_stale_proposal_warns_and_its_author_updates_it(client, author, reviewer, proposal, cell):
    cell.description = "Moved on."
    cell.save()
    client.force_login(author)
    page = text(client.get(f"/proposals/{proposal.pk}/"))
    assert "Some expectations changed after this proposal was written." in page
    assert "written against version 1, now version 2" in page
    assert f'action="/proposals/{proposal.pk}/rebase/"' in page
    reviewer_page = text(client_for(reviewer).get(f"/proposals/{proposal.pk}/"))
    assert "The author can update the proposal to the current text." in reviewer_page
    assert f'action="/proposals/{proposal.pk}/rebase/"' not in reviewer_page

    assert client.post(f"/proposals/{proposal.pk}/rebase/", {"keep": "on"}).status_code == 302
    change = ProposalChange.objects.get(proposal=proposal, role=cell.role, level=cell.level)
    assert change.base_version == 2
    assert "Some expectations changed after" not in text(client.get(f"/proposals/{proposal.pk}/"))
    assert client_for(reviewer).post(f"/proposals/{proposal.pk}/approve/", {"confirm": "true"}).status_code == 302
    cell.refresh_from_db()
    assert cell.description == change.description


def test_a_stale_proposal_shows_what_the_approved_change_did(client, author, member, reviewer, proposal, cell):
    other = services.proposal_create(
        author=member,
        skill=cell.skill,
        rationale="Newer.",
        changes=[change_for(cell, description="The newer text.", required=not cell.required)],
    )
    services.proposal_approve(proposal=other, reviewer=reviewer)
    client.force_login(author)
    page = text(client.get(f"/proposals/{proposal.pk}/"))
    moved = page.split(f'id="moved-{cell.role.slug}-{cell.level.slug}"')[1].split("</li>")[0]
    assert f"changed by proposal #{other.pk}, approved by reviewer" in moved
    assert f'href="/proposals/{other.pk}/"' in moved
    # Before and after: the text this proposal was written against, and the text the other one left.
    assert re.search(r"<del>.*</del>.*<ins>.*The newer text</ins>", moved, re.DOTALL)
    assert cell.description.split()[0] in moved
    assert "Optional" in moved and "Required" in moved
    assert 'name="keep"' in page
    assert "I have read what changed since, and my proposal keeps it." in page


def test_a_stale_cell_changed_outside_a_proposal_shows_its_before_and_after(client, author, proposal, cell):
    cell.description = "Edited elsewhere."
    cell.save()
    client.force_login(author)
    moved = text(client.get(f"/proposals/{proposal.pk}/")).split('class="stale-move"')[1].split("</li>")[0]
    assert "changed by proposal" not in moved
    assert "<ins>" in moved and "Edited" in moved


def test_the_rebase_waits_for_the_authors_confirmation(client, author, proposal, cell):
    cell.description = "Moved on."
    cell.save()
    client.force_login(author)
    response = client.post(f"/proposals/{proposal.pk}/rebase/")
    assert response.status_code == 400
    assert re.search(
        r'id="id_rebase_keep_error"><li>Confirm that your proposal keeps what changed since, or withdraw it.',
        text(response),
    )
    proposal.refresh_from_db()
    assert proposal.revision == 1
    assert ProposalChange.objects.get(proposal=proposal, role=cell.role, level=cell.level).base_version == 1
    assert client.post(f"/proposals/{proposal.pk}/rebase/", {"keep": "on"}).status_code == 302
    assert ProposalChange.objects.get(proposal=proposal, role=cell.role, level=cell.level).base_version == 2


def test_a_rebase_that_would_change_nothing_explains_why(client, author, proposal, cell):
    cell.description = f"Better text for {cell.role} at {cell.level}."  # what the proposal wants, done elsewhere
    cell.save()
    client.force_login(author)
    response = client.post(f"/proposals/{proposal.pk}/rebase/", {"keep": "on"})
    assert response.status_code == 400
    assert "the change is identical to the current text" in text(response)


# --- Comments -----------------------------------------------------------------------------------


def test_a_comment_posted_without_javascript_lands_on_the_skill_page(client, member, skill):
    client.force_login(member)
    response = client.post(f"/skills/{skill.slug}/comments/", {"body": "**Useful** <script>alert(1)</script>"})
    comment = Comment.objects.get(author=member)
    assert response.status_code == 302
    assert response["Location"] == f"/skills/{skill.slug}/#comment-{comment.pk}"
    page = text(client.get(f"/skills/{skill.slug}/"))
    assert f'id="comment-{comment.pk}"' in page
    assert "<strong>Useful</strong>" in page
    assert "<script>alert" not in page


def test_a_comment_on_a_proposal_and_its_errors(client, member, proposal):
    client.force_login(member)
    response = client.post(f"/proposals/{proposal.pk}/comments/", {"body": "Agreed."})
    assert response.status_code == 302
    assert "<p>Agreed.</p>" in text(client.get(f"/proposals/{proposal.pk}/"))
    empty = client.post(f"/proposals/{proposal.pk}/comments/", {"body": "   "})
    assert empty.status_code == 400
    assert 'id="proposal-comment-body-error"' in text(empty)
    too_long = client.post(f"/skills/{proposal.skill.slug}/comments/", {"body": "x" * 5001})
    assert too_long.status_code == 400
    assert "x" * 5001 in text(too_long)  # kept for the member to shorten
    assert Comment.objects.count() == 1


def test_comments_are_rate_limited_with_the_text_kept(client, member, skill, monkeypatch):
    monkeypatch.setattr(WriteRateThrottle, "THROTTLE_RATES", {"proposals": "10/hour", "comments": "1/min"})
    client.force_login(member)
    assert client.post(f"/skills/{skill.slug}/comments/", {"body": " "}).status_code == 400  # mistakes are free
    assert client.post(f"/skills/{skill.slug}/comments/", {"body": "One."}).status_code == 302
    response = client.post(f"/skills/{skill.slug}/comments/", {"body": "Two, kept."})
    assert response.status_code == 429
    assert "Two, kept." in text(response)
    # The API shares the counter.
    api = client.post(f"/api/skills/{skill.slug}/comments/", {"body": "Three."}, content_type="application/json")
    assert api.status_code == 429


def test_the_author_edits_within_the_window_and_deletes(client, author, comment, skill):
    client.force_login(author)
    assert client.post(f"/comments/{comment.pk}/edit/", {"body": "Better."}).status_code == 302
    comment.refresh_from_db()
    assert (comment.body, comment.edited is not None) == ("Better.", True)
    Comment.objects.filter(pk=comment.pk).update(created=timezone.now() - timezone.timedelta(minutes=16))
    assert client.post(f"/comments/{comment.pk}/edit/", {"body": "Too late."}).status_code == 403
    response = client.post(f"/comments/{comment.pk}/delete/")
    assert response["Location"] == f"/skills/{skill.slug}/#comments"
    assert not Comment.objects.filter(pk=comment.pk).exists()


def test_the_comment_widget_is_wired_to_the_api(client, member, reviewer, proposal, skill):
    skill_page = text(client_for(member).get(f"/skills/{skill.slug}/"))
    assert f'data-api-url="/api/skills/{skill.slug}/comments/"' in skill_page
    assert 'data-can-hide="false"' in skill_page
    assert "/static/js/comments.js" in skill_page and "/static/js/inplace.js" in skill_page
    assert f'action="/skills/{skill.slug}/watch/" class="community-watch-form" data-inplace>' in skill_page
    proposal_page = text(client_for(reviewer).get(f"/proposals/{proposal.pk}/"))
    assert f'data-api-url="/api/proposals/{proposal.pk}/comments/"' in proposal_page
    assert 'data-can-hide="true"' in proposal_page
    assert 'data-comment-api-url="/api/comments/0/"' in proposal_page
    anonymous = text(client.get(f"/proposals/{proposal.pk}/"))
    assert f'href="/accounts/login/?next=/proposals/{proposal.pk}/%23comments">Sign in to comment' in anonymous


def test_no_inline_script_or_style_on_the_pages(client, reviewer, proposal, skill, cell):
    client.force_login(reviewer)
    for url in [f"/proposals/{proposal.pk}/", "/proposals/", f"/skills/{skill.slug}/suggest/", "/accounts/profile/"]:
        page = text(client.get(url))
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page), url
        assert "style=" not in page, url
        assert not re.search(r"\son[a-z]+=", page), url


def test_a_hidden_comment_shows_its_reason(client, member, reviewer, author, proposal):
    comment = services.comment_create(author=author, proposal=proposal, body="Spam spam.")
    client.force_login(reviewer)
    response = client.post(f"/comments/{comment.pk}/hide/", {"reason": "Off topic"})
    assert response.status_code == 302
    assert response["Location"] == f"/proposals/{proposal.pk}/#comment-{comment.pk}"
    page = text(client.get(f"/proposals/{proposal.pk}/"))
    assert "Hidden by a reviewer: Off topic" in page
    assert "Spam spam." in page  # reviewers can still read it, folded away
    assert "Show the hidden text" in page
    member_page = text(client_for(member).get(f"/proposals/{proposal.pk}/"))
    assert "Spam spam." not in member_page


def test_hiding_needs_a_reason(client, reviewer, comment):
    client.force_login(reviewer)
    response = client.post(f"/comments/{comment.pk}/hide/", {"reason": ""})
    assert response.status_code == 400
    assert not Comment.objects.get(pk=comment.pk).hidden


# --- Watching -------------------------------------------------------------------------------------


def test_the_watch_form_shows_the_count(client, member, skill):
    client.force_login(member)
    client.post(f"/skills/{skill.slug}/watch/", {"action": "watch"})
    page = text(client.get(f"/skills/{skill.slug}/"))
    assert ">1 watcher</p>" in page
    assert "data-one=" not in page  # the server renders the count, the script never recounts it
    assert 'name="action" value="unwatch"' in page


# --- Layout: header and sign-in pages ----------------------------------------------------------------


def test_the_header_offers_sign_in_or_the_account(client, member, proposal):
    anonymous = text(client.get(f"/proposals/{proposal.pk}/"))
    assert f'href="/accounts/login/?next=/proposals/{proposal.pk}/">Sign in</a>' in anonymous
    assert 'href="/accounts/signup/">Sign up</a>' in anonymous
    client.force_login(member)
    page = text(client.get("/proposals/"))
    assert '<span class="account-nav__user">member</span>' in page
    assert 'href="/accounts/profile/"' in page
    assert '<form method="post" action="/accounts/logout/"' in page
    assert "Sign in</a>" not in page


def test_signing_out_is_a_post(client, member):
    client.force_login(member)
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_the_allauth_pages_use_the_site_layout(client):
    for url in ["/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"]:
        page = text(client.get(url))
        assert 'class="site-header"' in page, url
        assert '<h1 class="auth-title">' in page, url
        assert 'class="card auth-form' in page, url
        assert 'class="field' in page, url


def test_the_cell_page_links_to_a_suggestion_for_that_cell(client, proposal, cell):
    page = text(client.get(cell.get_absolute_url()))
    assert (
        f'href="/skills/{cell.skill.slug}/suggest/?role={cell.role.slug}&amp;level={cell.level.slug}'
        f'#cell-c{cell.role_id}_{cell.level_id}">Suggest a change to this</a>'
    ) in page
    assert f'href="/proposals/{proposal.pk}/"' in page


# --- Query counts ---------------------------------------------------------------------------------------


def _proposals(skill, cell, authors, n):
    proposals = Proposal.objects.bulk_create(
        Proposal(author=authors[i % len(authors)], skill=skill, rationale=f"Reason {i}.") for i in range(n)
    )
    ProposalChange.objects.bulk_create(
        ProposalChange(proposal=p, role=cell.role, level=cell.level, description="New.", proficiency="working")
        for p in proposals
    )
    return proposals


# Anonymous: skills for the filter form, count, page, the page's changes (with their roles and levels).
LIST_QUERIES_ANONYMOUS = 4
# Signed in: session, user, reviewer check, skills for the filter form, count, page, its changes, the queue's count.
LIST_QUERIES_REVIEWER = 8


@pytest.mark.parametrize("n", [5, 50])
def test_the_list_costs_the_same_queries_at_any_size(client, reviewer, skill, cell, n, django_assert_num_queries):
    _proposals(skill, cell, [UserFactory() for _ in range(3)], n)
    with django_assert_num_queries(LIST_QUERIES_ANONYMOUS):
        response = client.get("/proposals/")
    assert text(response).count('<tr>\n        <th scope="row">') == min(n, selectors.PAGE_SIZE)
    client.force_login(reviewer)
    with django_assert_num_queries(LIST_QUERIES_REVIEWER):
        response = client.get("/proposals/?queue=1")
    assert f'<span class="badge badge--count">{n}</span>' in text(response)


# Anonymous: proposal (people, skill, counts), its changes with the current cells, the skill's cells (for the
# review checks, open proposals only), comment count, comment page.
DETAIL_QUERIES_ANONYMOUS = 5
# Reviewer: session, user, reviewer check, then the same five.
DETAIL_QUERIES_REVIEWER = 8


@pytest.mark.parametrize("n", [5, 50])
def test_the_proposal_page_costs_the_same_queries_at_any_size(client, reviewer, levels, n, django_assert_num_queries):
    catalog = make_catalog(skills=1, roles=n // 5, levels=levels)
    skill = catalog["skills"][0]
    cells = list(Expectation.objects.filter(skill=skill).select_related("role", "level"))
    author = UserFactory()
    proposal = services.proposal_create(
        author=author,
        skill=skill,
        rationale="Many.",
        changes=[change_for(c, description=f"New {c.pk}.") for c in cells],
    )
    people = [UserFactory() for _ in range(3)]
    Comment.objects.bulk_create(Comment(proposal=proposal, author=people[i % 3], body=f"Note {i}.") for i in range(n))
    with django_assert_num_queries(DETAIL_QUERIES_ANONYMOUS):
        response = client.get(f"/proposals/{proposal.pk}/")
    page = text(response)
    assert page.count('<article class="card proposal-change') == n
    assert page.count('<li id="comment-') == min(n, selectors.COMMENT_PAGE_SIZE)
    client.force_login(reviewer)
    with django_assert_num_queries(DETAIL_QUERIES_REVIEWER):
        response = client.get(f"/proposals/{proposal.pk}/")
    assert f'action="/proposals/{proposal.pk}/approve/"' in text(response)


@pytest.mark.parametrize("n", [5, 50])
def test_a_decided_proposal_page_reads_one_more_query_for_the_old_texts(
    client, reviewer, levels, n, django_assert_num_queries
):
    catalog = make_catalog(skills=1, roles=n // 5, levels=levels)
    skill = catalog["skills"][0]
    cells = list(Expectation.objects.filter(skill=skill).select_related("role", "level"))
    proposal = services.proposal_create(
        author=UserFactory(), skill=skill, rationale="Many.", changes=[change_for(c) for c in cells]
    )
    services.proposal_approve(proposal=proposal, reviewer=reviewer)
    Comment.objects.bulk_create(Comment(proposal=proposal, author=reviewer, body=f"Note {i}.") for i in range(n))
    # One more for the old texts from the audit trail, one fewer: a decided proposal has no review checks.
    with django_assert_num_queries(DETAIL_QUERIES_ANONYMOUS + 1 - 1):
        response = client.get(f"/proposals/{proposal.pk}/")
    assert text(response).count("Description, against the text it was written for") == n
