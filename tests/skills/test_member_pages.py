"""Members' pages cached whole (skills/freshness/pages.py): each member's own copy, right on the very next
request after any write, theirs or anyone's, and the same page the view renders without the copy."""

import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import caches
from django.utils import timezone

from accounts.models import EmailSettings
from growth import services as growth_services
from proposals import access
from proposals import services as proposal_services
from proposals.models import Comment, Watch
from skills import freshness
from skills.freshness import members
from skills.freshness.pages import _TOKEN_RE, MEMBER_PAGE_CACHE
from skills.models import Level, Skill
from tests.factories import ExpectationFactory, SkillFactory, UserFactory, make_levels, make_role

pytestmark = pytest.mark.django_db

PAGES = ("skill", "role", "role-level", "search")


@pytest.fixture
def cell():
    levels = make_levels()
    role = make_role(levels, name="Data Scientist")
    skill = SkillFactory(name="Experiment Tracking")
    return ExpectationFactory(skill=skill, role=role, level=levels[1], description="Tracks experiments by hand.")


def url_of(cell, page: str) -> str:
    return {
        "skill": cell.skill.get_absolute_url(),
        "role": cell.role.get_absolute_url(),
        "role-level": f"/roles/{cell.role.slug}/{cell.level.slug}/",
        "search": "/search/?q=experiment",
    }[page]


def strip(content: bytes) -> str:
    """The page but for its CSRF tokens (each answer carries a fresh mask of the visitor's)."""
    return _TOKEN_RE.sub(b"", content).decode()


def page(client, url: str) -> str:
    """The page as the member gets it next, after checking it is the page the view renders without a copy."""
    response = client.get(url)
    assert response.status_code == 200
    served = strip(response.content)
    caches[MEMBER_PAGE_CACHE].clear()
    rendered = strip(client.get(url).content)
    assert served == rendered
    return served


def primed(client, url: str) -> str:
    """The page, once rendered and once served from the member's copy."""
    client.get(url)
    return strip(client.get(url).content)


@pytest.fixture
def signed_in(client, member):
    client.force_login(member)
    return client


# --- Served from the member's own copy -----------------------------------------------


@pytest.mark.parametrize("name", PAGES)
def test_a_members_page_is_served_from_their_copy_and_agrees_with_the_view(
    signed_in, cell, django_assert_num_queries, name
):
    url = url_of(cell, name)
    first = signed_in.get(url)
    assert first.status_code == 200
    assert "Signed in as" in first.content.decode()
    with django_assert_num_queries(3):  # the session, the user, the revisions
        again = signed_in.get(url)
    assert strip(again.content) == strip(first.content)
    # The ordinary path (no copy) renders the very same page.
    caches[MEMBER_PAGE_CACHE].clear()
    assert strip(signed_in.get(url).content) == strip(first.content)


@pytest.mark.parametrize("name", PAGES)
def test_each_member_gets_their_own_page(client, cell, member, author, name):
    url = url_of(cell, name)
    client.force_login(member)
    primed(client, url)
    client.force_login(author)
    theirs = client.get(url).content.decode()
    assert '<span class="account-nav__user">author</span>' in theirs
    assert '<span class="account-nav__user">member</span>' not in theirs


def test_the_copys_forms_carry_the_members_own_token(cell, member):
    from django.test import Client

    url = cell.skill.get_absolute_url()
    visitor = Client(enforce_csrf_checks=True)
    visitor.force_login(member)
    visitor.get(url)
    served = visitor.get(url).content.decode()
    tokens = {part.split('"', 1)[0] for part in served.split('name="csrfmiddlewaretoken" value="')[1:]}
    assert len(tokens) == 1  # one mask for every form of the page, as a render gives
    token = served.split('action="/skills/', 1)[1].split('name="csrfmiddlewaretoken" value="', 1)[1].split('"')[0]
    response = visitor.post(f"/skills/{cell.skill.slug}/watch/", {"action": "watch", "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert Watch.objects.filter(user=member, skill=cell.skill).exists()


# --- Right on the very next request after any write -----------------------------------


def test_a_new_comment_by_anyone_shows_at_once(signed_in, cell, author):
    url = cell.skill.get_absolute_url()
    assert "Tried it on two teams." not in primed(signed_in, url)
    Comment.objects.create(skill=cell.skill, author=author, body="Tried it on two teams.")
    assert "Tried it on two teams." in page(signed_in, url)


def test_the_members_own_comment_shows_with_its_edit_button(signed_in, cell):
    url = cell.skill.get_absolute_url()
    primed(signed_in, url)
    response = signed_in.post(f"/skills/{cell.skill.slug}/comments/", {"body": "My own note."})
    assert response.status_code == 302
    # The very next page (which also shows the "posted" message), then the member's copy.
    for shown in (signed_in.get(url).content.decode(), page(signed_in, url)):
        assert "My own note." in shown
        assert "/edit/" in shown


def test_a_watch_shows_at_once(signed_in, cell, author):
    url = cell.skill.get_absolute_url()
    assert 'aria-pressed="false"' in primed(signed_in, url)
    assert signed_in.post(f"/skills/{cell.skill.slug}/watch/", {"action": "watch"}).status_code == 302
    assert 'aria-pressed="true"' in signed_in.get(url).content.decode()
    assert 'aria-pressed="true"' in page(signed_in, url)
    Watch.objects.create(skill=cell.skill, user=author)  # someone else's watch moves the count
    assert "2 watchers" in page(signed_in, url)


@pytest.mark.parametrize("name", ["skill", "role", "role-level"])
def test_a_decided_proposal_shows_at_once(signed_in, cell, author, reviewer, name):
    url = url_of(cell, name)
    text = "Compares runs in a tracking server."
    assert text not in primed(signed_in, url)
    proposal = proposal_services.proposal_create(
        author=author,
        skill=cell.skill,
        rationale="Sharper.",
        changes=[
            proposal_services.ChangeInput(
                role=cell.role, level=cell.level, description=text, required=True, proficiency="expert"
            )
        ],
    )
    proposal_services.proposal_approve(proposal=proposal, reviewer=reviewer)
    shown = page(signed_in, url)
    if name == "role":
        assert "Expert" in shown  # the matrix shows the proficiency
    else:
        assert text in shown


@pytest.mark.parametrize("name", PAGES)
def test_a_renamed_skill_shows_at_once(signed_in, cell, name):
    url = url_of(cell, name)
    assert "Tracking" in primed(signed_in, url)  # search marks the word found: "<mark>Experiment</mark> Tracking"
    Skill.objects.filter(pk=cell.skill_id).update(name="Experiment Ledgers")
    assert "Ledgers" in page(signed_in, url)


@pytest.mark.parametrize("name", PAGES)
def test_a_renamed_member_sees_their_new_name_at_once(signed_in, cell, member, name):
    url = url_of(cell, name)
    assert '<span class="account-nav__user">member</span>' in primed(signed_in, url)
    get_user_model().objects.filter(pk=member.pk).update(username="member-renamed")
    assert '<span class="account-nav__user">member-renamed</span>' in page(signed_in, url)


def test_a_member_made_a_reviewer_can_hide_comments_at_once(signed_in, cell, member, author):
    url = cell.skill.get_absolute_url()
    Comment.objects.create(skill=cell.skill, author=author, body="Hide me if you can.")
    assert "/hide/" not in primed(signed_in, url)
    reviewers, _ = Group.objects.get_or_create(name=access.REVIEWERS_GROUP)
    member.groups.add(reviewers)
    assert "/hide/" in page(signed_in, url)
    member.groups.remove(reviewers)
    assert "/hide/" not in page(signed_in, url)


def test_a_member_made_superuser_reviews_at_once(signed_in, cell, member, author):
    url = cell.skill.get_absolute_url()
    Comment.objects.create(skill=cell.skill, author=author, body="Hide me if you can.")
    assert "/hide/" not in primed(signed_in, url)
    get_user_model().objects.filter(pk=member.pk).update(is_superuser=True)
    assert "/hide/" in page(signed_in, url)


def test_a_renamed_reviewers_group_ends_its_members_review_at_once(client, cell, reviewer, author):
    client.force_login(reviewer)
    url = cell.skill.get_absolute_url()
    Comment.objects.create(skill=cell.skill, author=author, body="Hide me if you can.")
    assert "/hide/" in primed(client, url)
    Group.objects.filter(name=access.REVIEWERS_GROUP).update(name="Former reviewers")
    assert "/hide/" not in page(client, url)


@pytest.mark.parametrize("name", PAGES)
def test_a_tick_leaves_every_page_as_the_view_renders_it(signed_in, cell, member, name):
    url = url_of(cell, name)
    before = primed(signed_in, url)
    below = Level.objects.get(position=cell.level.position - 1)  # the cell is at the next level of the plan
    growth_services.plan_settings_save(user=member, role=cell.role, level=below)
    growth_services.tick_set(user=member, cell=cell)
    assert page(signed_in, url) == before  # nothing on these pages shows a tick


@pytest.mark.parametrize("name", PAGES)
def test_a_language_change_shows_at_once(signed_in, cell, name):
    url = url_of(cell, name)
    assert '<html lang="en"' in primed(signed_in, url)
    assert signed_in.post("/i18n/setlang/", {"language": "de", "next": url}).status_code == 302
    assert '<html lang="de"' in page(signed_in, url)


def test_a_changed_profile_leaves_the_page_as_the_view_renders_it(signed_in, cell, member):
    url = cell.skill.get_absolute_url()
    primed(signed_in, url)
    EmailSettings.objects.update_or_create(user=member, defaults={"language": "es"})
    get_user_model().objects.filter(pk=member.pk).update(email="new@example.com", first_name="Mem")
    page(signed_in, url)


def test_the_edit_button_goes_when_the_edit_window_closes(signed_in, cell, member):
    url = cell.skill.get_absolute_url()
    comment = Comment.objects.create(skill=cell.skill, author=member, body="Quick, edit me.")
    # The window closes a second from now: no write, only the clock.
    Comment.objects.filter(pk=comment.pk).update(
        created=timezone.now() - access.COMMENT_EDIT_WINDOW + timedelta(seconds=1)
    )
    assert f"/comments/{comment.pk}/edit/" in primed(signed_in, url)
    time.sleep(1.1)
    assert f"/comments/{comment.pk}/edit/" not in page(signed_in, url)


# --- The members counter -----------------------------------------------------------------


def test_who_members_are_and_what_they_may_do_moves_the_members_counter(member):
    User = get_user_model()
    group = Group.objects.create(name="Editors")

    def members() -> str:
        return freshness.revisions().key((freshness.MEMBERS,))

    before = members()
    for write in (
        lambda: member.groups.add(group),
        lambda: Group.objects.filter(pk=group.pk).update(name="Writers"),
        lambda: member.groups.remove(group),
        lambda: User.objects.filter(pk=member.pk).update(is_staff=True),
        lambda: User.objects.filter(pk=member.pk).update(is_active=False),
        lambda: User.objects.filter(pk=member.pk).update(username="someone"),
    ):
        write()
        after = members()
        assert after != before
        before = after
    # Signing in writes last_login alone: every member's copies stay.
    User.objects.filter(pk=member.pk).update(last_login=timezone.now())
    assert members() == before


def test_a_new_member_moves_nothing(member):
    before = freshness.revisions().key((freshness.MEMBERS,))
    UserFactory(username="newcomer")
    assert freshness.revisions().key((freshness.MEMBERS,)) == before


# --- Who the member is, kept per process (skills/freshness/members.py) ----------------------


@pytest.fixture
def kept_members(monkeypatch):
    """Sessions and users kept as under the revision listener (whose counters, here, come from the database)."""
    monkeypatch.setattr(members, "listening", lambda: True)
    members.forget()
    yield
    members.forget()


@pytest.mark.parametrize("name", PAGES)
def test_a_members_copy_costs_only_the_revisions_when_who_they_are_is_kept(
    kept_members, signed_in, cell, django_assert_num_queries, name
):
    url = url_of(cell, name)
    first = signed_in.get(url)
    # The revisions (none under the listener). A skill page's own counters are read when the view asks for them,
    # after the session's check has read the others.
    with django_assert_num_queries(2 if name == "skill" else 1):
        again = signed_in.get(url)
    assert strip(again.content) == strip(first.content)
    assert "Signed in as" in again.content.decode()


def test_a_kept_member_renamed_shows_at_once(kept_members, signed_in, cell, member):
    url = cell.role.get_absolute_url()
    primed(signed_in, url)
    get_user_model().objects.filter(pk=member.pk).update(username="member-renamed")
    assert '<span class="account-nav__user">member-renamed</span>' in signed_in.get(url).content.decode()


def test_a_kept_member_made_inactive_is_signed_out_at_once(kept_members, signed_in, cell, member):
    url = cell.role.get_absolute_url()
    assert "Signed in as" in primed(signed_in, url)
    get_user_model().objects.filter(pk=member.pk).update(is_active=False)
    assert "Signed in as" not in signed_in.get(url).content.decode()


def test_a_changed_password_ends_the_kept_members_other_sessions_at_once(kept_members, signed_in, cell, member):
    url = cell.role.get_absolute_url()
    assert "Signed in as" in primed(signed_in, url)
    member.set_password("a brand new secret phrase")
    member.save(update_fields=["password"])
    assert "Signed in as" not in signed_in.get(url).content.decode()


def test_an_ended_session_is_not_kept(kept_members, signed_in, cell):
    from django.contrib.sessions.models import Session

    url = cell.role.get_absolute_url()
    assert "Signed in as" in primed(signed_in, url)
    Session.objects.all().delete()  # signed out elsewhere, or cleared by an administrator
    assert "Signed in as" not in signed_in.get(url).content.decode()


def test_a_changed_session_is_read_afresh(kept_members, signed_in, cell, author):
    from django.contrib.auth import SESSION_KEY
    from django.contrib.sessions.models import Session

    url = cell.role.get_absolute_url()
    primed(signed_in, url)
    # The same session now signs in someone else (as a sign-in on another process would write it).
    session = Session.objects.get()
    data = session.get_decoded()
    data[SESSION_KEY] = str(author.pk)
    data.pop("_auth_user_hash")
    Session.objects.filter(pk=session.pk).update(session_data=signed_in.session.encode(data))
    assert '<span class="account-nav__user">member</span>' not in signed_in.get(url).content.decode()


def test_a_kept_session_expires_on_time(kept_members, signed_in, cell, django_assert_num_queries):
    url = cell.role.get_absolute_url()
    primed(signed_in, url)
    session_key = signed_in.cookies[settings.SESSION_COOKIE_NAME].value
    key, row = [(key, row) for key, row in members._sessions._items.items() if key[0] == session_key][-1]
    row.expire_date = timezone.now() - timedelta(seconds=1)  # as the kept row stands once its time has passed
    with django_assert_num_queries(2):  # the revisions, and the session read afresh
        signed_in.get(url)
    assert members._sessions.get(key).expire_date > timezone.now()
