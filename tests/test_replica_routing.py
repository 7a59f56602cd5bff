"""taskmanager.replica: which reads go to the replica, and the read-your-writes stamp.

The replica itself (a pg_basebackup hot standby) is in tests/scale/test_read_replica.py; here
the decisions, with no standby: the router, the stamp, and the decorator's no-op without one.
"""

import time

import pytest
from django.core.exceptions import MiddlewareNotUsed
from django.http import HttpResponse
from django.test import RequestFactory

from taskmanager import replica
from taskmanager.replica import (
    WROTE_COOKIE,
    ReadYourWritesMiddleware,
    ReplicaRouter,
    reads_from_replica,
    wrote_recently,
)
from tasks.models import Task


@pytest.fixture
def rf():
    return RequestFactory()


@pytest.fixture
def with_replica(monkeypatch):
    """A replica configured and answering (the views here make no query)."""
    monkeypatch.setattr(replica, "configured", lambda: True)
    monkeypatch.setattr(replica, "_replica_reachable", lambda: True)


def test_the_router_sends_reads_to_the_primary_outside_an_opted_in_view():
    router = ReplicaRouter()

    assert router.db_for_read(Task) is None
    assert router.db_for_write(Task) is None


def test_the_router_never_migrates_the_replica():
    router = ReplicaRouter()

    assert router.allow_migrate("replica", "tasks") is False
    assert router.allow_migrate("default", "tasks") is True


def test_the_router_sends_reads_to_the_replica_inside_an_opted_in_view(rf, with_replica):
    seen = {}

    @reads_from_replica()
    def view(request):
        seen["read"] = ReplicaRouter().db_for_read(Task)
        seen["write"] = ReplicaRouter().db_for_write(Task)
        return HttpResponse()

    view(rf.get("/"))

    assert seen == {"read": "replica", "write": None}
    assert ReplicaRouter().db_for_read(Task) is None  # only for the view's duration


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_an_opted_in_view_reads_from_the_primary_for_anything_but_get(rf, with_replica, method):
    @reads_from_replica()
    def view(request):
        return HttpResponse(str(ReplicaRouter().db_for_read(Task)))

    assert view(getattr(rf, method)("/")).content == b"None"


def test_an_opted_in_view_reads_from_the_primary_after_a_recent_write(rf, with_replica):
    @reads_from_replica()
    def view(request):
        return HttpResponse(str(ReplicaRouter().db_for_read(Task)))

    request = rf.get("/", HTTP_COOKIE=f"{WROTE_COOKIE}={time.time() - 1:.3f}")
    assert view(request).content == b"None"


def test_a_condition_narrows_the_opted_in_requests(rf, with_replica):
    @reads_from_replica(when=lambda request: bool(request.GET.get("q")))
    def view(request):
        return HttpResponse(str(ReplicaRouter().db_for_read(Task)))

    assert view(rf.get("/")).content == b"None"
    assert view(rf.get("/", {"q": ""})).content == b"None"
    assert view(rf.get("/", {"q": "report"})).content == b"replica"


def test_an_opted_in_view_is_unchanged_without_a_replica(rf):
    @reads_from_replica()
    def view(request):
        return HttpResponse(str(ReplicaRouter().db_for_read(Task)))

    assert view(rf.get("/")).content == b"None"


def test_a_write_is_recent_for_the_sticky_seconds(rf, settings):
    settings.DATABASE_REPLICA_STICKY_SECONDS = 10
    now = 1_000_000.0

    def stamped(value):
        return rf.get("/", HTTP_COOKIE=f"{WROTE_COOKIE}={value}")

    assert wrote_recently(stamped(now - 9.5), now=now)
    assert not wrote_recently(stamped(now - 10.5), now=now)
    assert not wrote_recently(rf.get("/"), now=now)
    assert not wrote_recently(stamped("garbage"), now=now)


def test_the_middleware_is_not_used_without_a_replica(settings):
    settings.DATABASE_REPLICA_URL = ""

    with pytest.raises(MiddlewareNotUsed):
        ReadYourWritesMiddleware(lambda request: HttpResponse())


def test_the_middleware_stamps_writes_only(rf, settings):
    settings.DATABASE_REPLICA_URL = "postgres://standby/tasks"
    settings.DATABASE_REPLICA_STICKY_SECONDS = 7
    middleware = ReadYourWritesMiddleware(lambda request: HttpResponse(status=409))

    before = time.time()
    written = middleware(rf.post("/task/1/edit/"))
    read = middleware(rf.get("/"))

    cookie = written.cookies[WROTE_COOKIE]
    assert before - 1 <= float(cookie.value) <= time.time() + 1
    assert cookie["max-age"] == 7
    assert cookie["httponly"]
    assert WROTE_COOKIE not in read.cookies
