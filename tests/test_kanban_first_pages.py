"""The unfiltered board's columns come from a query compiled once per process and sort
(kanban._first_pages): each person still gets their own cards, in each sort's order."""

import pytest

from tasks import kanban
from tasks.filters import BoardView
from tasks.models import GAP, Project, Sort, Status, Tag, Task, TaskTag

pytestmark = pytest.mark.django_db


def board_of(user, n):
    project = Project.objects.create(user=user, name=f"{user.username} home", colour="teal")
    tag = Tag.objects.create(user=user, name=f"{user.username}-tag")
    tasks = Task.objects.bulk_create(
        Task(
            user=user,
            title=f"{user.username} {i:02}",
            status=list(Status)[i % 3],
            position=(n - i) * GAP,
            project=project if i % 2 else None,
        )
        for i in range(n)
    )
    TaskTag.objects.bulk_create(TaskTag(task=t, tag=tag) for t in tasks[::3])


@pytest.mark.parametrize("sort", list(Sort))
def test_it_reads_each_persons_first_pages_as_the_orm_query_does(alice, bob, sort):
    board_of(alice, 12)
    board_of(bob, 7)
    view = BoardView(sort=sort)

    for user in (alice, bob, alice):  # compiled on the first read, reused for the others
        compiled = kanban._first_pages(user, view, 3)
        orm = list(kanban._rows(user, view, None, None, 3))

        assert [t.pk for t in compiled] == [t.pk for t in orm]
        assert {t.user_id for t in compiled} == {user.pk}
        assert [(t.project_name, t.project_colour, t.tag_names) for t in compiled] == [
            (t.project_name, t.project_colour, t.tag_names) for t in orm
        ]
        assert len(compiled) == (12 if user == alice else 7)  # 3 + 1 a column, or all
