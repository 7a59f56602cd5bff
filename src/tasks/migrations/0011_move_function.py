from django.db import migrations

# Frozen: the tasks_move_card function as tasks/move_function.py wrote it when this
# migration was made (removed again by 0013). Never edit; a change is a new migration.
MOVE_POSTGRES_DROP = [
    """DROP FUNCTION IF EXISTS tasks_move_card(bigint, bigint, varchar, bigint, boolean, timestamptz, bigint, bigint, bigint, integer, bigint)""",
]
MOVE_POSTGRES_V1 = [
    """
    CREATE FUNCTION tasks_move_card(
        p_user bigint, p_task bigint, p_status varchar, p_anchor bigint, p_after boolean,
        p_now timestamptz, p_gap bigint, p_min bigint, p_max bigint, p_window integer,
        p_spread bigint
    ) RETURNS TABLE (
        outcome text, card tasks_task, was_status varchar, was_version integer,
        was_updated_at timestamptz, before_count bigint, counts json, project_name varchar,
        project_colour varchar, tag_string text
    ) LANGUAGE plpgsql AS $$
    DECLARE
        was tasks_task;
        anchor_position bigint;
        anchor_status varchar;
        neighbour bigint;
        neighbour_id bigint;
        lo bigint;
        hi bigint;
        spot bigint;
        new_status varchar;
        prev_id bigint;
        size integer;
        ids bigint[];
        positions bigint[];
        taken integer;
        beyond numeric;
        min_step numeric;
        low numeric;
        high numeric;
        step numeric;
    BEGIN
        -- ordering.lock_user_moves(): one user's moves one after the other.
        PERFORM 1 FROM auth_user WHERE id = p_user FOR NO KEY UPDATE;
        SELECT * INTO was FROM tasks_task
            WHERE id = p_task AND user_id = p_user AND deleted_at IS NULL;
        IF NOT FOUND THEN
            outcome := 'no task';
            RETURN NEXT;
            RETURN;
        END IF;
        new_status := COALESCE(p_status, was.status);
        IF p_anchor = p_task THEN
            outcome := 'conflict';
            RETURN NEXT;
            RETURN;
        END IF;
        SELECT position, status INTO anchor_position, anchor_status FROM tasks_task
            WHERE id = p_anchor AND user_id = p_user AND deleted_at IS NULL;
        IF NOT FOUND THEN
            outcome := 'gone';
            RETURN NEXT;
            RETURN;
        END IF;
        -- On the board the anchor is a card of the target column (ordering.AnchorMoved).
        IF anchor_status <> new_status THEN
            outcome := 'conflict';
            RETURN NEXT;
            RETURN;
        END IF;
        -- The anchor's neighbour on the user's whole line, skipping the moved task
        -- (ordering.anchor_and_neighbour), then ordering.between().
        IF p_after THEN
            SELECT position INTO neighbour FROM tasks_task
                WHERE user_id = p_user AND deleted_at IS NULL AND id <> p_task
                    AND (position, id) > (anchor_position, p_anchor)
                ORDER BY position, id LIMIT 1;
            lo := anchor_position;
            hi := neighbour;
            prev_id := p_anchor;
        ELSE
            SELECT position, id INTO neighbour, neighbour_id FROM tasks_task
                WHERE user_id = p_user AND deleted_at IS NULL AND id <> p_task
                    AND (position, id) < (anchor_position, p_anchor)
                ORDER BY position DESC, id DESC LIMIT 1;
            lo := neighbour;
            hi := anchor_position;
            prev_id := neighbour_id;
        END IF;
        IF lo IS NULL THEN
            spot := CASE WHEN hi - p_gap >= p_min THEN hi - p_gap END;
        ELSIF hi IS NULL THEN
            spot := CASE WHEN lo + p_gap <= p_max THEN lo + p_gap END;
        ELSIF hi::numeric - lo >= 2 THEN
            -- In numeric: the distance between the ends of the line does not fit a bigint.
            spot := lo + div(hi::numeric - lo, 2)::bigint;
        END IF;
        IF spot IS NULL THEN
            -- ordering._rebalance(): room right after the previous card (lo, prev_id; none: the
            -- start of the line) by spreading the fewest tasks that follow it, in a window that
            -- doubles until the range it spans leaves them p_spread apart (ordering.spread()).
            size := p_window;
            LOOP
                IF prev_id IS NULL THEN
                    SELECT array_agg(w.id ORDER BY w.position, w.id),
                            array_agg(w.position ORDER BY w.position, w.id)
                        INTO ids, positions
                        FROM (SELECT id, position FROM tasks_task
                            WHERE user_id = p_user AND deleted_at IS NULL AND id <> p_task
                            ORDER BY position, id LIMIT size + 1) w;
                ELSE
                    SELECT array_agg(w.id ORDER BY w.position, w.id),
                            array_agg(w.position ORDER BY w.position, w.id)
                        INTO ids, positions
                        FROM (SELECT id, position FROM tasks_task
                            WHERE user_id = p_user AND deleted_at IS NULL AND id <> p_task
                                AND (position, id) > (lo, prev_id)
                            ORDER BY position, id LIMIT size + 1) w;
                END IF;
                taken := COALESCE(array_length(ids, 1), 0);
                IF taken > size THEN
                    beyond := positions[size + 1];
                    taken := size;
                    min_step := p_spread;
                ELSE
                    beyond := NULL;
                    min_step := 1;
                END IF;
                -- In numeric: the ends of the line are more than a bigint apart.
                low := COALESCE(lo::numeric, p_min::numeric - 1);
                high := COALESCE(beyond, LEAST(p_max::numeric + 1, low + (taken + 2) * p_gap));
                step := div(high - low, taken + 2);
                EXIT WHEN step >= min_step;
                IF beyond IS NULL THEN
                    -- Used up to the end of the line: move() renumbers the whole line.
                    outcome := 'no room';
                    RETURN NEXT;
                    RETURN;
                END IF;
                size := size * 2;
            END LOOP;
            spot := (low + step)::bigint;
            UPDATE tasks_task t SET position = s.slot
                FROM (SELECT ids[i] AS id, (low + step * (i + 1))::bigint AS slot
                    FROM generate_series(1, taken) i) s
                WHERE t.id = s.id AND t.position <> s.slot;
        END IF;
        -- ordering.place(): the status (and completed_at) only when the column changes.
        UPDATE tasks_task SET
            position = spot,
            version = tasks_task.version + 1,
            updated_at = p_now,
            status = new_status,
            completed_at = CASE
                WHEN new_status = was.status THEN tasks_task.completed_at
                WHEN new_status <> 'completed' THEN NULL
                ELSE COALESCE(tasks_task.completed_at, p_now)
            END
            WHERE id = p_task
            RETURNING * INTO card;
        outcome := 'moved';
        was_status := was.status;
        was_version := was.version;
        was_updated_at := was.updated_at;
        -- kanban.place_in_column() on the unfiltered board: the cards above it in its column.
        SELECT count(*) INTO before_count FROM tasks_task
            WHERE user_id = p_user AND deleted_at IS NULL AND status = new_status
                AND (position, id) < (spot, p_task);
        -- TaskCount.rows_sql(), as (project, status, total, is the Inbox) rows.
        SELECT json_agg(json_build_array(c.project_id, c.status, c.total, p.is_inbox))
            INTO counts
            FROM tasks_taskcount c LEFT JOIN tasks_project p ON p.id = c.project_id
            WHERE c.user_id = p_user;
        -- What a card shows besides the task (views.kanban.card_tasks).
        SELECT p.name, p.colour INTO project_name, project_colour FROM tasks_project p
            WHERE p.id = card.project_id;
        SELECT string_agg(t.name, ',' ORDER BY lower(t.name)) INTO tag_string
            FROM tasks_tasktag l JOIN tasks_tag t ON t.id = l.tag_id
            WHERE l.task_id = p_task;
        RETURN NEXT;
    END $$
    """,
]


def _replace_with(statements: list[str]):
    def run(apps, schema_editor):
        # SQLite has no functions: there the move ran in Python.
        if schema_editor.connection.vendor == "postgresql":
            for sql in MOVE_POSTGRES_DROP + statements:
                schema_editor.execute(sql)

    return run


def drop_move_function(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in MOVE_POSTGRES_DROP:
            schema_editor.execute(sql)


create_move_function = _replace_with(MOVE_POSTGRES_V1)


class Migration(migrations.Migration):
    dependencies = [("tasks", "0010_list_version")]

    operations = [migrations.RunPython(create_move_function, drop_move_function)]
