"""Races on the tags' writes, real parallel requests on PostgreSQL (SQLite serializes writes).

Twenty rounds each: a merge racing an edit that adds the merged tag to a task never loses the
link nor answers 500; two renames to one name leave one tag with it and answer the other with
the merge offer; two renames of one tag both apply, one after the other."""

from tasks.models import Tag, Task, TaskTag
from tasks.tagging import set_task_tags
from tests.concurrency import RACES, at_once

pytestmark = RACES
ROUNDS = 20


def edit_form(task, tags: str) -> dict:
    values = {
        "title": task.title,
        "description": "",
        "priority": task.priority,
        "status": task.status,
        "due_date": "",
        "tag_names": "",
    }
    return (
        values
        | {f"original-{k}": v for k, v in values.items()}
        | {"tag_names": tags, "version": task.version}
    )


def test_a_merge_racing_an_edit_that_adds_the_merged_tag_loses_no_link(alice, make_task, clients):
    for n in range(ROUNDS):
        other = make_task(alice, f"Other {n}")
        set_task_tags(other, [f"home{n}"])
        house = Tag.objects.create(user=alice, name=f"house{n}")
        home = Tag.objects.get(user=alice, name=f"home{n}")
        task = make_task(alice, f"Task {n}")

        codes = at_once(
            lambda h=home, t=house: (
                clients[0].post(f"/tags/{h.pk}/merge/", {"into": t.pk}).status_code
            ),
            lambda t=task, n=n: (
                clients[1].post(f"/task/{t.pk}/edit/", edit_form(t, f"home{n}")).status_code
            ),
        )

        assert codes == [302, 302]
        assert not Tag.objects.filter(pk=home.pk).exists()
        assert list(Task.objects.get(pk=other.pk).tags.values_list("name", flat=True)) == [
            f"house{n}"
        ]
        # The edit landed before the merge (its link moved) or after it (home is new again).
        names = list(Task.objects.get(pk=task.pk).tags.values_list("name", flat=True))
        assert names in ([f"house{n}"], [f"home{n}"])
        assert TaskTag.objects.filter(task=task).count() == 1


def test_two_renames_to_one_name_keep_one_tag_with_it(alice, clients):
    for n in range(ROUNDS):
        a = Tag.objects.create(user=alice, name=f"a{n}")
        b = Tag.objects.create(user=alice, name=f"b{n}")

        codes = at_once(
            *(
                lambda t=t, n=n, c=c: c.post(f"/tags/{t.pk}/rename/", {"name": f"c{n}"}).status_code
                for t, c in zip((a, b), clients, strict=True)
            )
        )

        assert sorted(codes) == [302, 409]
        assert Tag.objects.filter(user=alice, name=f"c{n}").count() == 1


def test_two_renames_of_one_tag_apply_one_after_the_other(alice, clients):
    for n in range(ROUNDS):
        t = Tag.objects.create(user=alice, name=f"t{n}")

        codes = at_once(
            *(
                lambda c=c, name=name, t=t: (
                    c.post(f"/tags/{t.pk}/rename/", {"name": name}).status_code
                )
                for c, name in zip(clients, (f"x{n}", f"y{n}"), strict=True)
            )
        )

        assert codes == [302, 302]
        assert Tag.objects.get(pk=t.pk).name in (f"x{n}", f"y{n}")
