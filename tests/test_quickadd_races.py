"""Two quick adds naming the same new project and tag at once, on PostgreSQL (see
tests/test_write_races.py for why not SQLite): both tasks are added, in ONE new project, with ONE
new tag; the unique constraints settle the race and the loser reuses the winner's row."""

from tasks.models import Project, Tag, Task
from tests.concurrency import RACES, at_once

pytestmark = RACES
ROUNDS = 20


def test_two_quick_adds_creating_one_project_and_tag_at_once_share_them(alice, clients):
    for n in range(ROUNDS):
        calls = [
            lambda c=c, i=i, n=n: (
                c.post(
                    "/task/new/",
                    {
                        "title": f"Task {i} +Garden{n} #soil{n}",
                        "quick": "1",
                        "create_project": "1",
                        "idempotency_key": f"key-{n}-{i}",
                    },
                ).status_code
            )
            for i, c in enumerate(clients)
        ]
        assert at_once(*calls) == [302, 302]
        project = Project.objects.get(user=alice, name=f"Garden{n}")
        tag = Tag.objects.get(user=alice, name=f"soil{n}")
        tasks = Task.objects.filter(user=alice, project=project)
        assert sorted(tasks.values_list("title", flat=True)) == ["Task 0", "Task 1"]
        assert all(list(task.tags.all()) == [tag] for task in tasks)
