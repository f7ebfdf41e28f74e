"""Each skill page has counters of its own (skills 0014): a write on one skill renders that skill's page afresh and
leaves every other skill page as it was kept; a name every skill page shows moves them all.

The first half reads the counters the triggers move, table by table; the second watches the pages: a page
served from its kept copy costs only the revisions query (the listener is off in tests), one rendered afresh
reads its rows.
"""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import caches
from django.db import connection
from django.db.models import F, Value
from django.db.models.functions import Concat
from django.test import Client

from proposals import selectors as proposal_selectors
from proposals import services as proposal_services
from proposals.access import REVIEWERS_GROUP
from proposals.models import Comment, Proposal, ProposalChange, Watch
from skills import freshness, pages
from skills.freshness import pages as whole_pages
from skills.freshness import shared_pages
from skills.freshness.counters import counter_value
from skills.freshness.fragments import FRAGMENT_CACHE
from skills.models import Domain, Expectation, Level, Role, RoleLevel, Skill, SkillGroup
from tests.factories import ExpectationFactory, SkillFactory, UserFactory, make_levels, make_role

pytestmark = pytest.mark.django_db


def counters() -> dict[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, sum(weight), max(stamp) FROM skills_revision GROUP BY name")
        return {name: counter_value(total, stamp) for name, total, stamp in cursor.fetchall()}


def moved_by(write) -> set[str]:
    """The skill pages' counters `write()` moves: "names" and the pages' own (the others move as ever)."""
    before = counters()
    write()
    after = counters()
    return {name for name in after if after[name] != before.get(name) and (name == "names" or ":" in name)}


@pytest.fixture
def catalog():
    levels = make_levels()
    role = make_role(levels, name="Data Scientist")
    first = ExpectationFactory(role=role, level=levels[1], description="Tracks runs.").skill
    second = ExpectationFactory(role=role, level=levels[1], description="Schedules jobs.").skill
    return {"levels": levels, "role": role, "first": first, "second": second}


def own(skill) -> set[str]:
    return set(freshness.skill_page(skill.slug))


# --- the triggers ------------------------------------------------------------------------------------------


def test_an_expectation_moves_its_own_skills_counter_only(catalog):
    first = catalog["first"]
    cell = Expectation.objects.get(skill=first)
    assert moved_by(lambda: Expectation.objects.filter(pk=cell.pk).update(description="Edited.")) == {
        f"skill:{first.slug}"
    }
    # Moved to another skill (a merge): both pages change.
    third = SkillFactory()
    assert moved_by(lambda: Expectation.objects.filter(pk=cell.pk).update(skill=third)) == {
        f"skill:{first.slug}",
        f"skill:{third.slug}",
    }
    assert moved_by(lambda: Expectation.objects.filter(pk=cell.pk).delete()) == {f"skill:{third.slug}"}
    new_cell = lambda: ExpectationFactory(skill=first, role=catalog["role"], level=catalog["levels"][2])  # noqa: E731
    assert moved_by(new_cell) == {f"skill:{first.slug}"}  # and not the second skill's


def test_one_statement_over_many_skills_moves_each_of_them_once(catalog):
    skills = [catalog["first"], catalog["second"], SkillFactory(), SkillFactory()]
    before = counters()
    Skill.objects.filter(pk__in=[skill.pk for skill in skills]).update(summary="One statement.")
    after = counters()
    for skill in skills:
        name = f"skill:{skill.slug}"
        assert int(after[name].split(".")[0]) == int(before.get(name, "0.0").split(".")[0]) + 1


def test_a_skill_renamed_to_a_new_address_moves_the_old_and_the_new(catalog):
    first = catalog["first"]
    assert moved_by(lambda: Skill.objects.filter(pk=first.pk).update(slug="tracking-renamed")) == {
        f"skill:{first.slug}",
        "skill:tracking-renamed",
    }


def test_the_community_of_a_skill_moves_its_talk_counter_only(catalog):
    first, second = catalog["first"], catalog["second"]
    member = UserFactory()
    talk_first, talk_second = {f"talk:{first.slug}"}, {f"talk:{second.slug}"}
    assert moved_by(lambda: Comment.objects.create(skill=first, author=member, body="On the skill.")) == talk_first
    # Watches have a counter of their own: the page's watch box is filled in for each answer.
    watch_second = {f"watch:{second.slug}"}
    assert moved_by(lambda: Watch.objects.create(skill=second, user=member)) == watch_second
    assert moved_by(lambda: Watch.objects.filter(skill=second).delete()) == watch_second
    proposal = Proposal.objects.create(skill=second, author=member, rationale="Clearer.")
    # A comment on a proposal, and a change of one, belong to the proposal's skill.
    assert moved_by(lambda: Comment.objects.create(proposal=proposal, author=member, body="On it.")) == talk_second
    change = ProposalChange(
        proposal=proposal, role=catalog["role"], level=catalog["levels"][1], description="New.", proficiency="working"
    )
    assert moved_by(change.save) == talk_second
    assert moved_by(lambda: Proposal.objects.filter(pk=proposal.pk).delete()) == talk_second


@pytest.mark.parametrize(
    "write",
    [
        lambda: Domain.objects.filter(pk__in=Domain.objects.order_by("pk")[:1]).update(name="Renamed domain"),
        lambda: SkillGroup.objects.filter(pk__in=SkillGroup.objects.order_by("pk")[:1]).update(name="Renamed group"),
        lambda: Role.objects.update(name="Renamed role"),
        lambda: Level.objects.filter(slug="middle").update(name="Intermediate"),
        lambda: RoleLevel.objects.update(level=F("level")),
        lambda: get_user_model().objects.update(username=Concat(F("username"), Value("-renamed"))),
    ],
    ids=["domain", "group", "role", "level", "role-level", "username"],
)
def test_a_name_every_skill_page_shows_moves_names(catalog, write):
    UserFactory()
    assert moved_by(write) == {"names"}


def test_a_table_emptied_whole_moves_every_skill_page(catalog):
    with connection.cursor() as cursor:
        assert "names" in moved_by(lambda: cursor.execute("TRUNCATE proposals_watch"))


def test_a_members_other_details_move_no_skill_page(catalog):
    member = UserFactory()
    assert moved_by(lambda: get_user_model().objects.filter(pk=member.pk).update(first_name="Ada")) == set()


# --- the pages ---------------------------------------------------------------------------------------------


def kept(client, url: str, django_assert_num_queries) -> str:
    """The page as served from its kept copy: one query, the revisions (with the page's own counters)."""
    with django_assert_num_queries(1):
        return client.get(url).content.decode()


def test_a_comment_on_another_skill_leaves_a_kept_page_alone(catalog, django_assert_num_queries):
    client, first, second = Client(), catalog["first"], catalog["second"]
    client.get(first.get_absolute_url())
    client.get(second.get_absolute_url())
    Comment.objects.create(skill=second, author=UserFactory(), body="A comment on the second skill.")
    kept(client, first.get_absolute_url(), django_assert_num_queries)
    assert "A comment on the second skill." in client.get(second.get_absolute_url()).content.decode()


def test_an_approval_on_another_skill_leaves_a_kept_page_alone(catalog, django_assert_num_queries):
    client, first, second = Client(), catalog["first"], catalog["second"]
    cell = Expectation.objects.get(skill=second)
    author, reviewer = UserFactory(), UserFactory()
    reviewer.groups.add(Group.objects.get_or_create(name=REVIEWERS_GROUP)[0])
    change = proposal_services.ChangeInput(
        role=cell.role,
        level=cell.level,
        description="Schedules jobs and reads their logs.",
        required=cell.required,
        proficiency=cell.proficiency,
        base_version=cell.version,
    )
    proposal = proposal_services.proposal_create(author=author, skill=second, rationale="Logs.", changes=[change])
    client.get(first.get_absolute_url())
    client.get(second.get_absolute_url())
    proposal_services.proposal_approve(proposal=proposal, reviewer=reviewer)
    kept(client, first.get_absolute_url(), django_assert_num_queries)
    assert "Schedules jobs and reads their logs." in client.get(second.get_absolute_url()).content.decode()


def test_a_role_renamed_shows_on_every_skill_page_at_once(catalog):
    client = Client()
    pages = [catalog["first"].get_absolute_url(), catalog["second"].get_absolute_url()]
    for url in pages:
        assert "Data Scientist" in client.get(url).content.decode()
    Role.objects.filter(pk=catalog["role"].pk).update(name="Research Scientist")
    for url in pages:
        content = client.get(url).content.decode()
        assert "Research Scientist" in content and "Data Scientist" not in content


def test_a_watch_shows_on_the_watched_skills_page_for_its_member_at_once(catalog):
    member = UserFactory()
    client = Client()
    client.force_login(member)
    url = catalog["first"].get_absolute_url()
    assert "0 watchers" in client.get(url).content.decode()
    Watch.objects.create(skill=catalog["first"], user=member)
    assert "1 watcher" in client.get(url).content.decode()


def test_a_change_to_one_skill_after_a_pass_renders_only_that_page_again(
    catalog, monkeypatch, settings, django_assert_num_queries
):
    """The files of the pass stay: the changed skill's file is replaced by its next visitor, the others served."""
    first, second = catalog["first"], catalog["second"]
    monkeypatch.setattr(shared_pages, "_run_pass", lambda *args: None)  # run below, not on a thread
    settings.PRERENDER_PAGES = True
    client = Client()
    client.get(first.get_absolute_url())
    revision = freshness.revisions().key((freshness.NAMES,))
    meta = {
        "HTTP_HOST": "testserver",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "wsgi.url_scheme": "http",
        "HTTP_ACCEPT_LANGUAGE": "en",
    }
    assert shared_pages.prerender((freshness.NAMES,), revision, meta, pages.every_skill_path)["pages"] == 2
    Comment.objects.create(skill=second, author=UserFactory(), body="Said after the pass.")
    caches[FRAGMENT_CACHE].clear()  # as another process has it: nothing in memory, the files only
    kept(client, first.get_absolute_url(), django_assert_num_queries)  # from the pass's file
    assert "Said after the pass." in client.get(second.get_absolute_url()).content.decode()
    caches[FRAGMENT_CACHE].clear()
    assert "Said after the pass." in kept(client, second.get_absolute_url(), django_assert_num_queries)
    assert freshness.revisions().key((freshness.NAMES,)) == revision  # no new pass to wait for


# --- the watch box: a hole in the kept page ----------------------------------------------------------------


def strip(content: bytes) -> str:
    return whole_pages._TOKEN_RE.sub(b"", content).decode()


def test_a_watch_leaves_the_kept_page_and_fills_in_its_watch_box(catalog, monkeypatch, django_assert_num_queries):
    first = catalog["first"]
    url = first.get_absolute_url()
    anonymous, watcher = Client(), Client()
    member = UserFactory()
    watcher.force_login(member)
    assert "0 watchers" in anonymous.get(url).content.decode()
    assert 'aria-pressed="false"' in watcher.get(url).content.decode()
    Watch.objects.create(skill=first, user=member)
    rendered = []
    monkeypatch.setattr(pages, "skill_page_main", recorded(rendered, pages.skill_page_main))
    monkeypatch.setattr(proposal_selectors, "community_shared", recorded(rendered, proposal_selectors.community_shared))
    with django_assert_num_queries(2):  # the revisions, and the box's watchers (kept until the next watch)
        served = anonymous.get(url).content
    assert "1 watcher" in served.decode() and "0 watchers" not in served.decode()
    mine = watcher.get(url).content
    assert 'aria-pressed="true"' in mine.decode() and "1 watcher" in mine.decode()
    assert rendered == []  # neither the skill's part nor the community's was built again
    # What is served is what a render gives.
    caches[FRAGMENT_CACHE].clear()
    caches[freshness.MEMBER_PAGE_CACHE].clear()
    assert strip(anonymous.get(url).content) == strip(served)
    assert strip(watcher.get(url).content) == strip(mine)


def test_a_watch_changes_the_pages_etag(catalog):
    client, url = Client(), catalog["first"].get_absolute_url()
    client.get(url)  # the CSRF cookie, which the ETag covers
    etag = client.get(url)["ETag"]
    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    Watch.objects.create(skill=catalog["first"], user=UserFactory())
    again = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 200 and "1 watcher" in again.content.decode()


def test_a_comment_quoting_the_holes_marks_stays_text(catalog):
    client, first = Client(), catalog["first"]
    body = "<!--hole:watch-->quoted<!--/hole:watch-->"
    Comment.objects.create(skill=first, author=UserFactory(), body=body)
    client.get(first.get_absolute_url())
    content = client.get(first.get_absolute_url()).content.decode()  # the kept copy, its box filled in
    assert content.count("<!--hole:watch-->") == 1 and content.count("<!--/hole:watch-->") == 1
    assert "0 watchers" in content


def recorded(calls: list, original):
    def wrapper(*args, **kwargs):
        calls.append(original.__name__)
        return original(*args, **kwargs)

    return wrapper
