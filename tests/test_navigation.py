"""The sidebar's data: a user's projects, tags and saved views, in one query, never another's."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tasks.models import Navigation, Project, SavedView, Tag

pytestmark = pytest.mark.django_db


def test_it_reads_projects_then_tags_and_views_in_two_queries(alice):
    for i in range(30):
        Project.objects.create(user=alice, name=f"P{i}", position=30 - i)
        Tag.objects.create(user=alice, name=f"t{i}")
        SavedView.objects.create(user=alice, name=f"V{i}", url=f"/?q={i}", position=i)

    with CaptureQueriesContext(connection) as queries:
        nav = Navigation.for_user(alice)

    # The person's projects (their Access, with counts and versions), then tags and views.
    assert len(queries) == 2
    assert len(nav.projects) == 31 and len(nav.tags) == 30 and len(nav.views) == 30
    assert nav.projects[0].is_inbox, "the Inbox comes first"
    assert [p.name for p in nav.projects[1:3]] == ["P29", "P28"], "then by position"
    assert [v.extra for v in nav.views[:2]] == ["/?q=0", "/?q=1"]


def test_it_shows_only_the_users_own_and_no_deleted_projects(alice, bob):
    Project.objects.create(user=bob, name="Bob's")
    Tag.objects.create(user=bob, name="bobs")
    SavedView.objects.create(user=bob, name="Bob's view", url="/")
    gone = Project.objects.create(user=alice, name="Gone")
    Project.objects.filter(pk=gone.pk).update(deleted_at="2026-01-01T00:00:00Z")
    archived = Project.objects.create(user=alice, name="Old", archived=True)

    nav = Navigation.for_user(alice)

    assert [p.name for p in nav.projects] == ["Inbox", "Old"]
    assert nav.tags == [] and nav.views == []
    assert nav.archived_projects[0].id == archived.pk
    assert nav.project(gone.pk) is None
    assert nav.inbox.is_inbox


def test_it_gives_an_anonymous_visitor_nothing(client):
    from django.contrib.auth.models import AnonymousUser

    assert Navigation.for_user(AnonymousUser()).projects == []


def test_every_user_gets_exactly_one_inbox(alice):
    assert Project.objects.filter(user=alice, is_inbox=True).count() == 1
    assert Project.inbox_for(alice) == Project.inbox_for(alice)
