"""Read replicas: which database a read reaches, against a real second database.

The "replica" is a copy of the test database on the same server (CREATE DATABASE ... TEMPLATE),
then made to differ: the one domain is named "on the primary" in one and "on the replica" in the
other, so every answer tells which database it was read from.
"""

import contextvars
import time

import pytest
from django.core import signing
from django.db import connections, transaction
from django.http import HttpResponse
from django.urls import path

from skillmatrix import db_router
from skills import freshness
from skills.models import Domain
from tests.factories import DomainFactory

PRIMARY = "on the primary"
REPLICA = "on the replica"


def _names() -> str:
    return ",".join(Domain.objects.order_by("pk").values_list("name", flat=True))


def read_view(request):
    return HttpResponse(_names())


def read_in_transaction_view(request):
    with transaction.atomic():
        return HttpResponse(_names())


def write_then_read_view(request):
    DomainFactory(name="written", slug="written")
    return HttpResponse(_names())


def failing_write_view(request):
    return HttpResponse("no", status=400)


urlpatterns = [
    path("read/", read_view),
    path("read-in-transaction/", read_in_transaction_view),
    path("write/", write_then_read_view),
    path("fail/", failing_write_view),
]

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.urls(__name__)]


@pytest.fixture
def replica(settings):
    DomainFactory(name=PRIMARY, slug="the-domain")
    primary = connections["default"]
    primary_name = primary.settings_dict["NAME"]
    replica_name = f"{primary_name}_replica"
    # A template database may have no other session: this test's own connection is the only one.
    freshness.listener.stop()
    connections.close_all()
    with primary._nodb_cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{replica_name}"')
        cursor.execute(f'CREATE DATABASE "{replica_name}" TEMPLATE "{primary_name}"')
    connections.settings["replica_0"] = {**primary.settings_dict, "NAME": replica_name}
    # Connected here: the test case only lets connections it knew at its start open on their own.
    connections["replica_0"].connect()
    Domain.objects.using("replica_0").update(name=REPLICA)
    settings.REPLICA_PIN_SECONDS = 10
    settings.MIDDLEWARE = [
        "skillmatrix.db_router.PinToPrimaryMiddleware",
        *(m for m in settings.MIDDLEWARE if m != "skillmatrix.db_router.PinToPrimaryMiddleware"),
    ]
    settings.DATABASE_ROUTERS = ["skillmatrix.db_router.ReplicaRouter"]  # built now: it sees replica_0
    yield
    settings.DATABASE_ROUTERS = []
    connections["replica_0"].close()
    del connections["replica_0"]
    del connections.settings["replica_0"]
    with primary._nodb_cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{replica_name}"')


def fresh(function):
    """Run outside this test's own writes (which pin the test's context to the primary)."""
    return contextvars.Context().run(function)


def test_an_anonymous_read_goes_to_the_replica(replica, client):
    response = client.get("/read/")
    assert response.content.decode() == REPLICA
    assert db_router.PIN_COOKIE not in response.cookies


def test_reads_inside_a_transaction_go_to_the_primary(replica, client):
    assert client.get("/read-in-transaction/").content.decode() == PRIMARY

    def read_in_and_out_of_a_transaction():
        with transaction.atomic():
            inside = _names()
        return inside, _names()

    assert fresh(read_in_and_out_of_a_transaction) == (PRIMARY, REPLICA)


def test_reads_after_a_write_in_the_same_request_go_to_the_primary(replica, client):
    # A GET that writes gets no cookie: only its own later reads are pinned.
    response = client.get("/write/")
    assert response.content.decode() == f"{PRIMARY},written"
    assert db_router.PIN_COOKIE not in response.cookies
    assert client.get("/read/").content.decode() == REPLICA


def test_after_a_successful_post_the_browser_reads_from_the_primary_until_the_pin_expires(replica, client):
    response = client.post("/write/")
    assert response.content.decode() == f"{PRIMARY},written"
    cookie = response.cookies[db_router.PIN_COOKIE]
    assert cookie["max-age"] == 10
    assert cookie["httponly"]

    assert client.get("/read/").content.decode() == f"{PRIMARY},written"
    assert client.get("/read/").content.decode() == f"{PRIMARY},written"  # still within the pin

    # The same cookie, signed eleven seconds ago, no longer pins.
    signer = signing.get_cookie_signer(salt=db_router.PIN_COOKIE + db_router.PIN_SALT)
    signer.timestamp = lambda: signing.b62_encode(int(time.time()) - 11)
    client.cookies[db_router.PIN_COOKIE] = signer.sign("1")
    assert client.get("/read/").content.decode() == REPLICA


def test_a_failed_post_or_a_forged_cookie_does_not_pin(replica, client):
    response = client.post("/fail/")
    assert response.status_code == 400
    assert db_router.PIN_COOKIE not in response.cookies
    client.cookies[db_router.PIN_COOKIE] = "1"
    assert client.get("/read/").content.decode() == REPLICA


def test_a_write_outside_requests_pins_that_context_only(replica):
    def write_then_read():
        before = _names()
        DomainFactory(name="written", slug="written")
        return before, _names()

    assert fresh(write_then_read) == (REPLICA, f"{PRIMARY},written")
    assert fresh(_names) == REPLICA


def test_relations_and_migrations(replica):
    router = db_router.ReplicaRouter()
    assert router.replicas == ["replica_0"]
    on_replica = fresh(lambda: Domain.objects.get())
    on_primary = Domain.objects.using("default").get()
    assert (on_replica._state.db, on_primary._state.db) == ("replica_0", "default")
    assert router.allow_relation(on_replica, on_primary) is True
    on_primary._state.db = "elsewhere"
    assert router.allow_relation(on_replica, on_primary) is None
    assert router.allow_migrate("default", "skills") is True
    assert router.allow_migrate("replica_0", "skills") is False


def test_the_database_cache_is_always_read_on_the_primary(replica):
    from django.core.cache import cache

    cache.set("counter", 1)
    # Written through the router: the row is on the primary only (the copy was made before).
    assert fresh(lambda: cache.get("counter")) == 1
    assert fresh(_names) == REPLICA  # a cache write does not pin the context's model reads


def test_a_request_reads_from_one_replica_throughout(rf):
    # A page's revision and the rows it renders must come from the same replica (the same lag).
    router = db_router.ReplicaRouter()
    router.replicas = ["replica_0", "replica_1", "replica_2"]
    seen = []

    def view(request):
        seen.append({router.db_for_read(Domain) for _ in range(30)})
        return HttpResponse("ok")

    middleware = db_router.PinToPrimaryMiddleware(view)
    middleware.replicas = router.replicas
    for _ in range(12):
        fresh(lambda: middleware(rf.get("/")))
    assert all(len(chosen) == 1 for chosen in seen)
    assert len(set().union(*seen)) > 1  # but requests spread over the replicas
