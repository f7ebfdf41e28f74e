"""Cached pages are never stale, and revalidation answers 304 only when nothing shown has moved."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from proposals import services as proposal_services
from proposals.models import Comment, Watch
from skills import freshness
from skills.freshness import pages as whole_pages
from skills.freshness.counters import counter_value
from skills.freshness.middleware import WROTE_COOKIE, WROTE_SECONDS, ReadYourWritesMiddleware
from skills.freshness.revision_listener import _READ_WITH_SNAPSHOT, CHANNEL, Counters, RevisionListener, Snapshot
from skills.models import Expectation, Level, Revision, Role, Skill
from skills.services import CellChange, cell_save
from tests.factories import ExpectationFactory, make_levels, make_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def cell():
    levels = make_levels()
    role = make_role(levels, name="Data Scientist")
    return ExpectationFactory(role=role, level=levels[1], description="Tracks experiments by hand.")


def counters() -> dict[str, str]:
    return freshness.revisions().values


def backdate_revisions(hours: int = 1):
    Revision.objects.update(changed_at=timezone.now() - timezone.timedelta(hours=hours))


# --- The counters -------------------------------------------------------------------


def test_every_write_to_a_catalog_table_moves_the_catalog_counter(cell):
    before = counters()["catalog"]
    for write in (
        lambda: Expectation.objects.filter(pk=cell.pk).update(required=True),
        lambda: Skill.objects.filter(pk=cell.skill_id).update(name="Renamed"),
        lambda: Role.objects.filter(pk=cell.role_id).update(tagline="New tagline"),
        lambda: Level.objects.filter(pk=cell.level_id).update(short="M"),
        lambda: cell.skill.group.domain.__class__.objects.filter(pk=cell.skill.group.domain_id).update(name="D"),
        lambda: Expectation.objects.filter(pk=cell.pk).delete(),
    ):
        write()
        after = counters()["catalog"]
        assert after != before
        before = after


def test_community_writes_move_only_the_community_counter(cell, member):
    before = counters()
    Comment.objects.create(skill=cell.skill, author=member, body="Nice.")
    Watch.objects.create(skill=cell.skill, user=member)
    after = counters()
    assert after["community"] != before.get("community")
    assert after["catalog"] == before["catalog"]


def test_a_rolled_back_write_leaves_the_counter_as_it_was(cell):
    from django.db import transaction

    before = counters()
    with pytest.raises(RuntimeError), transaction.atomic():
        Expectation.objects.filter(pk=cell.pk).update(required=True)
        raise RuntimeError
    assert counters() == before


# --- Never stale --------------------------------------------------------------------


@pytest.mark.parametrize("path", ["skill", "role"])
def test_an_approved_proposal_shows_at_once(client, cell, author, reviewer, path):
    url = cell.skill.get_absolute_url() if path == "skill" else cell.role.get_absolute_url()
    text = "Compares runs in a tracking server and explains the differences."
    assert "Tracks experiments by hand." in client.get(url).content.decode() or path == "role"
    # Rendered once: the next answer comes from the cache.
    cached = client.get(url).content.decode()

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

    fresh = client.get(url).content.decode()
    assert fresh != cached
    if path == "skill":
        assert text in fresh
        assert "Tracks experiments by hand." not in fresh.split('id="community"')[0]
    else:
        assert "Expert" in fresh  # the matrix cell's proficiency


def test_any_write_path_shows_at_once(client, cell):
    url = cell.skill.get_absolute_url()
    client.get(url)
    # A shell or script writing straight to the table, past every service.
    Expectation.objects.filter(pk=cell.pk).update(description="Written from a shell.")
    assert "Written from a shell." in client.get(url).content.decode()
    cell_save(
        skill=cell.skill,
        change=CellChange(
            role=cell.role, level=cell.level, description="Saved by a service.", required=False, proficiency="working"
        ),
    )
    assert "Saved by a service." in client.get(url).content.decode()


def test_a_renamed_skill_shows_on_the_role_page_at_once(client, cell):
    url = cell.role.get_absolute_url()
    assert cell.skill.name in client.get(url).content.decode()
    Skill.objects.filter(pk=cell.skill_id).update(name="Experiment Tracking at Scale")
    assert "Experiment Tracking at Scale" in client.get(url).content.decode()


def test_import_shows_at_once(client, db, tmp_path):
    call_command("import_catalog", "fixtures/catalog.json", verbosity=0)
    url = "/skills/ml-experiment-tracking/"
    assert "ML Experiment Tracking" in client.get(url).content.decode()
    Skill.objects.filter(slug="ml-experiment-tracking").update(summary="Changed by hand.")
    assert "Changed by hand." in client.get(url).content.decode()
    call_command("import_catalog", "fixtures/catalog.json", verbosity=0)  # puts the summary back
    assert "Changed by hand." not in client.get(url).content.decode()


def test_a_new_comment_shows_to_anonymous_visitors_at_once(client, cell, member):
    url = cell.skill.get_absolute_url()
    assert "First!" not in client.get(url).content.decode()
    Comment.objects.create(skill=cell.skill, author=member, body="First!")
    assert "First!" in client.get(url).content.decode()


def test_each_language_has_its_own_fragment(client, cell):
    url = cell.skill.get_absolute_url()
    assert "What is Expected at Each Level" in client.get(url, {"lang": "en"}).content.decode()
    german = client.get(url, {"lang": "de"}).content.decode()
    assert "What is Expected at Each Level" not in german
    assert '<html lang="de"' in german


def test_an_unknown_skill_is_a_404_every_time(client, cell):
    for _ in range(2):
        assert client.get("/skills/no-such-skill/").status_code == 404


def test_signed_in_visitors_see_their_own_community_block(client, cell, member):
    Watch.objects.create(skill=cell.skill, user=member)
    client.get(cell.skill.get_absolute_url())  # the anonymous block, cached
    client.force_login(member)
    page = client.get(cell.skill.get_absolute_url()).content.decode()
    assert 'aria-pressed="true"' in page  # "Unwatch": this member watches the skill
    assert "member" in page


# --- Conditional GET ----------------------------------------------------------------


def test_a_new_csrf_cookie_changes_the_etag(client, cell):
    # Forms on the page carry a token made from the cookie: a copy made for another cookie must not be reused.
    url = cell.skill.get_absolute_url()
    first = client.get(url)
    assert "csrftoken" in first.cookies
    second = client.get(url, headers={"if-none-match": first.headers["ETag"]})
    assert second.status_code == 200
    assert client.get(url, headers={"if-none-match": second.headers["ETag"]}).status_code == 304


def test_a_revalidation_is_answered_304_with_one_query(client, cell, django_assert_num_queries):
    url = cell.skill.get_absolute_url()
    first = client.get(url)
    etag = first.headers["ETag"]
    assert etag.startswith('W/"')
    assert "no-cache" in first.headers["Cache-Control"] and "private" in first.headers["Cache-Control"]
    client.cookies.clear()  # the same visitor as the first answer: no CSRF cookie yet
    with django_assert_num_queries(1):
        again = client.get(url, headers={"if-none-match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["ETag"] == etag


def test_a_change_ends_the_304s(client, cell):
    url = cell.role.get_absolute_url()
    client.get(url)  # the first answer sets the CSRF cookie, which the ETag covers
    etag = client.get(url).headers["ETag"]
    assert client.get(url, headers={"if-none-match": etag}).status_code == 304
    Expectation.objects.filter(pk=cell.pk).update(proficiency="expert")
    changed = client.get(url, headers={"if-none-match": etag})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != etag


def test_the_etag_differs_by_language_user_and_query(client, cell, member):
    url = cell.skill.get_absolute_url()
    english = client.get(url, {"lang": "en"}).headers["ETag"]
    german = client.get(url, {"lang": "de"}).headers["ETag"]
    levels = client.get(url, {"level": cell.level.slug}).headers["ETag"]
    role_url = cell.role.get_absolute_url()
    anonymous = client.get(role_url).headers["ETag"]
    client.force_login(member)
    signed_in = client.get(role_url).headers["ETag"]
    assert len({english, german, levels}) == 3
    assert signed_in != anonymous
    # The header names the user: a renamed user is not told "not modified".
    type(member).objects.filter(pk=member.pk).update(username="renamed")
    assert client.get(role_url).headers["ETag"] != signed_in


def test_if_modified_since(client, cell):
    backdate_revisions()
    url = cell.skill.get_absolute_url()
    first = client.get(url)
    last_modified = first.headers["Last-Modified"]
    assert client.get(url, headers={"if-modified-since": last_modified}).status_code == 304
    Expectation.objects.filter(pk=cell.pk).update(description="Newer text for the cell.")
    after = client.get(url, headers={"if-modified-since": last_modified})
    assert after.status_code == 200
    assert "Newer text for the cell." in after.content.decode()


def test_no_last_modified_within_seconds_of_a_change(client, cell):
    # Whole seconds could hide a change made in the same second; the ETag still revalidates.
    response = client.get(cell.skill.get_absolute_url())
    assert "Last-Modified" not in response.headers
    assert "ETag" in response.headers


def test_pending_messages_are_never_answered_304(client, cell, member):
    url = cell.role.get_absolute_url()
    client.force_login(member)
    client.get(url)
    etag = client.get(url).headers["ETag"]
    assert client.get(url, headers={"if-none-match": etag}).status_code == 304
    session = client.session
    session["_messages"] = '[["__json_message",0,25,"Saved."]]'
    session.save()
    assert client.get(url, headers={"if-none-match": etag}).status_code == 200


def test_errors_carry_no_etag(client, cell):
    response = client.get(cell.skill.get_absolute_url(), {"as_of": "not-a-date"})
    assert response.status_code == 400
    assert "ETag" not in response.headers


def test_fragments_cache_is_keyed_on_the_catalog_revision(cell, rf):
    calls = []

    def build():
        calls.append(1)
        return "built"

    request = rf.get("/")
    assert freshness.fragment(request, "x", build=build) == "built"
    assert freshness.fragment(rf.get("/"), "x", build=build) == "built"
    assert len(calls) == 1
    with connection.cursor() as cursor:
        cursor.execute("UPDATE skills_skill SET summary = summary")
    freshness.fragment(rf.get("/"), "x", build=build)
    assert len(calls) == 2


# --- Whole pages for anonymous visitors ---------------------------------------------


def _switcher_token(page: str) -> str:
    form = page.split('class="language-switcher"', 1)[1]
    return form.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]


@pytest.mark.parametrize("path", ["/", "/roles/", "skill", "role", "/search/?q=skill"])
def test_anonymous_pages_are_served_from_the_cache(client, cell, django_assert_num_queries, path):
    url = {"skill": cell.skill.get_absolute_url(), "role": cell.role.get_absolute_url()}.get(path, path)
    first = client.get(url)
    assert first.status_code == 200
    client.cookies.clear()
    with django_assert_num_queries(1):  # the revisions
        again = client.get(url)
    assert again.status_code == 200
    # The same page, but for the CSRF tokens in its forms.
    strip = whole_pages._TOKEN_RE.sub
    assert strip(b"", again.content) == strip(b"", first.content)


def test_a_cached_page_carries_a_token_that_works_for_its_visitor(cell):
    from django.test import Client

    url = cell.skill.get_absolute_url()
    Client().get(url)  # someone else fills the cache
    visitor = Client(enforce_csrf_checks=True)
    page = visitor.get(url)
    token = _switcher_token(page.content.decode())
    assert token
    assert "csrftoken" in page.cookies
    switched = visitor.post("/i18n/setlang/", {"language": "de", "next": url, "csrfmiddlewaretoken": token})
    assert switched.status_code == 302
    assert visitor.get(url).content.decode().count('<html lang="de"') == 1


def test_each_visitor_gets_a_fresh_token(cell):
    from django.test import Client

    url = cell.skill.get_absolute_url()
    tokens = {_switcher_token(Client().get(url).content.decode()) for _ in range(3)}
    assert len(tokens) == 3


def test_signed_in_visitors_never_get_the_anonymous_copy(client, cell, member):
    url = cell.skill.get_absolute_url()
    client.get(url)
    client.get(url)
    client.force_login(member)
    page = client.get(url).content.decode()
    assert "Sign out" in page
    assert "Sign in to suggest changes" not in page


def test_a_changed_catalog_changes_the_search_results(client, cell):
    url = "/search/?q=quantum"
    assert "Annealing" not in client.get(url).content.decode()
    Skill.objects.filter(pk=cell.skill_id).update(name="Quantum Annealing")
    assert "<mark>Quantum</mark> Annealing" in client.get(url).content.decode()


def test_the_counter_table_stays_small_and_folding_keeps_the_counter_moving(cell):
    seen = {counters()["catalog"]}
    for number in range(100):
        Expectation.objects.filter(pk=cell.pk).update(description=f"Edit number {number} of this cell.")
        seen.add(counters()["catalog"])
    assert len(seen) == 101  # every write gave a new value, folds included
    assert Revision.objects.filter(name="catalog").count() < 40
    total = sum(Revision.objects.filter(name="catalog").values_list("weight", flat=True))
    assert total >= 100


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_do_not_wait_for_each_other():
    # Two open transactions both write catalog rows: with one shared counter row the second
    # would block until the first commits; with rows of their own neither waits.
    import threading

    from django.db import connection as main_connection
    from django.db import transaction

    from tests.factories import DomainFactory

    domains = [DomainFactory(), DomainFactory()]
    first_wrote = threading.Event()
    release = threading.Event()
    errors = []

    def first():
        try:
            with transaction.atomic():
                with main_connection.cursor() as cursor:
                    cursor.execute("SET LOCAL lock_timeout = '2s'")
                type(domains[0]).objects.filter(pk=domains[0].pk).update(name="First writer")
                first_wrote.set()
                release.wait(10)
        except Exception as error:
            errors.append(error)
        finally:
            main_connection.close()

    thread = threading.Thread(target=first)
    thread.start()
    assert first_wrote.wait(10)
    try:
        with transaction.atomic():
            with main_connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '2s'")
            type(domains[1]).objects.filter(pk=domains[1].pk).update(name="Second writer")
    finally:
        release.set()
        thread.join(10)
    assert not errors
    assert set(type(domains[0]).objects.values_list("name", flat=True)) >= {"First writer", "Second writer"}


def test_one_thread_builds_a_fragment_while_the_others_wait_for_it(cell, rf):
    import threading
    import time

    builds = []

    def build():
        builds.append(1)
        time.sleep(0.2)
        return "rendered once"

    results = []
    revisions = freshness.revisions()

    def visitor():
        request = rf.get("/")
        request._revisions = revisions  # the counters as read by the request, without a database
        results.append(freshness.fragment(request, "slow page", build=build))

    threads = [threading.Thread(target=visitor) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(5)
    assert results == ["rendered once"] * 6
    assert len(builds) == 1


# --- The listener: counters from PostgreSQL's notifications --------------------------


def wait_for(predicate, seconds: float = 10) -> bool:
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return False


@pytest.fixture
def live_listener(settings):
    settings.REVISION_LISTENER = True
    freshness.listener.stop()
    yield freshness.listener
    freshness.listener.stop()  # its connection must be gone before the test database is dropped


def database_counters() -> dict[str, str]:
    """Every counter the table holds, the skill pages' own included (a page reads those it shows)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, sum(weight), max(stamp) FROM skills_revision GROUP BY name")
        return {name: counter_value(total, stamp) for name, total, stamp in cursor.fetchall()}


@pytest.mark.django_db(transaction=True)
def test_the_listener_learns_of_each_commit_and_cached_pages_cost_no_query(
    live_listener, client, django_assert_num_queries
):
    levels = make_levels()
    cell = ExpectationFactory(role=make_role(levels), level=levels[0], description="Before the change.")
    assert wait_for(lambda: (live_listener.current() or freshness.Revisions({}, None)).values == database_counters())
    url = cell.skill.get_absolute_url()
    client.get(url)
    client.cookies.clear()
    with django_assert_num_queries(0):
        page = client.get(url)
    assert "Before the change." in page.content.decode()

    Expectation.objects.filter(pk=cell.pk).update(description="After the change.")  # commits: a notification
    assert wait_for(lambda: "After the change." in client.get(url).content.decode())
    assert live_listener.current().values == database_counters()


def test_a_snapshot_saw_what_had_committed_before_it():
    snapshot = Snapshot.parse("100:110:103,107")
    assert snapshot.saw(99) and snapshot.saw(100) and snapshot.saw(104) and snapshot.saw(109)
    assert not snapshot.saw(103) and not snapshot.saw(107)  # running when the snapshot was taken
    assert not snapshot.saw(110) and not snapshot.saw(500)  # began after it
    assert Snapshot.parse("5:5:") == Snapshot(5, 5, frozenset())


def marks_from(listening) -> list[str]:
    return [note.payload for note in listening.notifies(timeout=0.5)]


@pytest.mark.django_db(transaction=True)
def test_notified_marks_add_up_to_what_the_table_says():
    """A mark committed before the read is not counted twice, one committed after it is counted once."""
    import psycopg
    from django.db import connections

    from tests.factories import DomainFactory

    domain = DomainFactory()
    params = connections["default"].get_connection_params()
    with psycopg.connect(**params, autocommit=True) as listening, psycopg.connect(**params) as writer:
        listening.execute(f"LISTEN {CHANNEL}")
        # Committed after LISTEN but before the read: notified, and already in the read.
        Skill.objects.filter(pk=0).update(name="x")  # no row, still a statement: a mark
        # Running while the read is taken: neither in the read nor seen by its snapshot.
        writer.execute("UPDATE skills_domain SET name = 'Written during the read' WHERE id = %s", [domain.pk])
        counters = Counters(listening.execute(_READ_WITH_SNAPSHOT).fetchall())
        writer.commit()
        Comment.objects.filter(pk=0).delete()  # a community mark after the read
        # The domain's write moves "catalog" and "names" (what every skill page shows besides its skill).
        assert [counters.add(payload) for payload in marks_from(listening)] == [False, True, True, True]
    assert counters.revisions().values == database_counters()


@pytest.mark.django_db(transaction=True)
def test_marks_of_many_writers_add_up_to_what_the_table_says():
    import threading

    import psycopg
    from django.db import connection as thread_connection
    from django.db import connections

    from tests.factories import DomainFactory

    domains = [DomainFactory() for _ in range(4)]
    halfway = threading.Event()

    def write(domain):
        try:
            for number in range(40):
                type(domain).objects.filter(pk=domain.pk).update(name=f"{domain.pk} edit {number}")
                Watch.objects.filter(pk=0).delete()  # no row, still a statement: a community mark
                if number == 20:
                    halfway.set()
        finally:
            thread_connection.close()

    params = connections["default"].get_connection_params()
    with psycopg.connect(**params, autocommit=True) as listening:
        listening.execute(f"LISTEN {CHANNEL}")
        threads = [threading.Thread(target=write, args=(domain,)) for domain in domains]
        for thread in threads:
            thread.start()
        assert halfway.wait(10)
        counters = Counters(listening.execute(_READ_WITH_SNAPSHOT).fetchall())  # mid-way
        for thread in threads:
            thread.join(30)
        added = [counters.add(payload) for payload in marks_from(listening)]
    assert len(added) == 4 * 40 * 3  # each domain's write moves "catalog" and "names"
    assert counters.revisions().values == database_counters()


@pytest.fixture
def patient_listener(live_listener, monkeypatch):
    """The listener with its periodic read far off: what it knows comes from notifications alone."""
    monkeypatch.setattr(RevisionListener, "REFRESH", 120.0)
    yield live_listener
    live_listener._stop.set()
    Watch.objects.filter(pk=0).delete()  # a notification wakes its thread, which sees it should stop


@pytest.mark.django_db(transaction=True)
def test_the_listener_adds_up_commits_without_reading_again(patient_listener):
    from tests.factories import DomainFactory

    domain = DomainFactory()
    assert wait_for(lambda: (patient_listener.current() or freshness.Revisions({}, None)).values == database_counters())
    for number in range(20):
        type(domain).objects.filter(pk=domain.pk).update(name=f"Edit {number}")
    assert wait_for(lambda: patient_listener.current().values == database_counters(), seconds=5)


@pytest.mark.django_db(transaction=True)
def test_the_listener_takes_a_burst_of_commits_in_one_wake_up(patient_listener, monkeypatch):
    from tests.factories import DomainFactory

    monkeypatch.setattr(RevisionListener, "GATHER", 0.5)
    domain = DomainFactory()
    assert wait_for(lambda: (patient_listener.current() or freshness.Revisions({}, None)).values == database_counters())
    published = []
    revisions = Counters.revisions
    monkeypatch.setattr(Counters, "revisions", lambda self: published.append(1) or revisions(self))
    for number in range(12):
        type(domain).objects.filter(pk=domain.pk).update(name=f"Edit {number}")
    assert wait_for(lambda: patient_listener.current().values == database_counters(), seconds=5)
    # The first commit wakes the thread; the rest arrive while it waits, and come in at its next turn.
    assert 1 <= len(published) <= 3


@pytest.mark.django_db(transaction=True)
def test_a_hand_made_change_to_the_counters_makes_the_listener_read_again(patient_listener):
    assert wait_for(lambda: (patient_listener.current() or freshness.Revisions({}, None)).values == database_counters())
    Revision.objects.filter(name="catalog").update(weight=1000)  # not a mark: nothing to add up
    assert wait_for(lambda: patient_listener.current().values == database_counters(), seconds=5)
    Revision.objects.all().delete()
    assert wait_for(lambda: patient_listener.current().values == database_counters() == {}, seconds=5)


def test_without_the_listener_the_counters_come_from_the_database(cell, rf, settings):
    settings.REVISION_LISTENER = True
    freshness.listener._thread = object()  # as if running, with counters from long ago
    freshness.listener._current = freshness.Revisions({"catalog": "1.1"}, None)
    try:
        assert freshness.revisions(rf.get("/")).values["catalog"] == "1.1"
        # A browser that has just changed something asks the database.
        request = rf.get("/")
        request.COOKIES[WROTE_COOKIE] = "1"
        # A skill page's own counters are read when the page asks for them (below).
        groups_of_tables = {name: value for name, value in database_counters().items() if ":" not in name}
        assert freshness.revisions(request).values == groups_of_tables
        # With replicas, pages key on the counters of the replica they read from.
        settings.DATABASE_REPLICA_URLS = ["postgres://replica.invalid/skillmatrix"]
        assert freshness.revisions(rf.get("/")).values == groups_of_tables
        own = freshness.skill_page(cell.skill.slug)
        expected = "/".join(database_counters().get(name, "0") for name in own)
        assert freshness.revisions(rf.get("/")).key(own) == expected  # read when asked for
        assert freshness.revisions(rf.get("/"), own).key(own) == expected  # read with the others
    finally:
        freshness.listener._thread = None
        freshness.listener._current = None


def test_a_successful_write_marks_the_browser_for_a_few_seconds(rf):
    from django.http import HttpResponse

    middleware = ReadYourWritesMiddleware(lambda request: HttpResponse(status=request.status))
    for method, status, marked in [("post", 302, True), ("post", 400, False), ("get", 200, False)]:
        request = getattr(rf, method)("/")
        request.status = status
        response = middleware(request)
        assert (WROTE_COOKIE in response.cookies) is marked
        if marked:
            assert response.cookies[WROTE_COOKIE]["max-age"] == WROTE_SECONDS


def test_a_renamed_author_shows_in_the_cached_community_block(client, cell, member):
    from django.contrib.auth import get_user_model

    Comment.objects.create(skill=cell.skill, author=member, body="A comment to sign.")
    url = cell.skill.get_absolute_url()
    assert "member" in client.get(url).content.decode()
    get_user_model().objects.filter(pk=member.pk).update(username="renamed-member")
    assert "renamed-member" in client.get(url).content.decode()


def test_signed_in_visitors_are_never_answered_304_on_the_skill_page(client, cell, member):
    # Their page offers what their groups and the clock allow (hide, edit within 15 minutes).
    client.force_login(member)
    url = cell.skill.get_absolute_url()
    client.get(url)
    response = client.get(url)
    assert "ETag" not in response.headers
    assert client.get(url, headers={"if-none-match": '"*"'}).status_code == 200


def test_markup_quoted_in_a_comment_is_not_taken_for_a_form_token(client, cell, member):
    quoted = 'name="csrfmiddlewaretoken" value="quoted-in-a-comment"'
    Comment.objects.create(skill=cell.skill, author=member, body=quoted)
    url = cell.skill.get_absolute_url()
    client.get(url)
    assert "quoted-in-a-comment" in client.get(url).content.decode()
