"""tasks.prepared: a QuerySet compiled once runs with other ids exactly as the QuerySet would."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Value

from sharing.models import Membership, Role
from tasks.models import Project, SavedView, Status, Tag, Task
from tasks.models.access import PROJECT_ROWS, _project_rows
from tasks.models.organize import TAGS_AND_VIEWS, _tags_and_views
from tasks.prepared import Prepared

pytestmark = pytest.mark.django_db


def test_every_prepared_query_reads_what_its_queryset_reads(alice, bob, make_task):
    shared = Project.objects.create(user=alice, name="Shared")
    Membership.objects.create(project=shared, user=bob, role=Role.VIEWER)
    make_task(alice, "a", project=shared)
    make_task(alice, "b", status=Status.COMPLETED)
    make_task(bob, "c")
    Tag.objects.create(user=alice, name="home")
    SavedView.objects.create(user=bob, name="Mine", url="/?q=x")

    for user in (alice, bob):
        assert sorted(PROJECT_ROWS.rows(user_id=user.pk)) == sorted(_project_rows(user.pk))
        assert sorted(TAGS_AND_VIEWS.rows(user_id=user.pk)) == sorted(_tags_and_views(user.pk))
    assert Task.objects.count() == 3


def test_it_refuses_a_query_that_does_not_take_the_id_as_a_parameter():
    broken = Prepared(lambda user_id: Tag.objects.filter(name="x").values_list("id"), "user_id")
    with pytest.raises(ImproperlyConfigured):
        broken.rows(user_id=1)


def test_it_takes_only_integer_ids():
    query = Prepared(
        lambda user_id: Tag.objects.filter(user_id=user_id).values_list("id"), "user_id"
    )
    with pytest.raises(TypeError):
        query.rows(user_id="1 OR 1=1")


def test_a_constant_that_happens_to_equal_another_value_is_left_alone(alice):
    query = Prepared(
        lambda user_id: Tag.objects.filter(user_id=user_id).values_list("id", Value(5)), "user_id"
    )
    Tag.objects.create(user=alice, name="x")
    assert [row[1] for row in query.rows(user_id=alice.pk)] == [5]
