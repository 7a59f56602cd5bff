"""Counts and list versions follow the project, not its owner, and the one-call kanban move goes.

- TaskCount is kept per (project, status): a person's counts are the sum over the projects they
  can see, so a project shared with others counts everyone's tasks for each of them.
- ListVersion is kept per project (the rendered-list cache's key is made of the versions of
  the projects a list can show): a change by anyone in a project renews every member's lists.
- tasks_move_card (0011/0012) is dropped: manual order has one implementation, in Python
  (tasks/models/ordering.py).

Every statement is frozen here as it was written; a change is a new migration.
"""

import django.db.models.deletion
from django.db import migrations, models

# --- What 0007, 0010 and 0012 created (for the way back) ---
# Frozen: the task-count triggers per (user, project, status) as tasks/count_triggers.py wrote
# them when this migration was made. Never edit; a change is a new migration.
OLD_COUNT_POSTGRES = [
    """
    CREATE FUNCTION tasks_taskcount_insert() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO tasks_taskcount (user_id, project_id, status, total)
        SELECT user_id, project_id, status, count(*) FROM new_rows WHERE deleted_at IS NULL
        GROUP BY user_id, project_id, status
        ORDER BY user_id, project_id, status
        ON CONFLICT (user_id, project_id, status) DO UPDATE SET total = tasks_taskcount.total + excluded.total;
        RETURN NULL;
    END $$
    """,
    """
    CREATE FUNCTION tasks_taskcount_update() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO tasks_taskcount (user_id, project_id, status, total)
        SELECT user_id, project_id, status, sum(n) FROM (
            SELECT user_id, project_id, status, -1 AS n FROM old_rows WHERE deleted_at IS NULL
            UNION ALL
            SELECT user_id, project_id, status, 1 AS n FROM new_rows WHERE deleted_at IS NULL
        ) AS delta
        GROUP BY user_id, project_id, status HAVING sum(n) <> 0
        ORDER BY user_id, project_id, status
        ON CONFLICT (user_id, project_id, status) DO UPDATE SET total = tasks_taskcount.total + excluded.total;
        DELETE FROM tasks_taskcount
        WHERE total = 0 AND user_id IN (SELECT user_id FROM old_rows);
        RETURN NULL;
    END $$
    """,
    """
    CREATE FUNCTION tasks_taskcount_delete() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO tasks_taskcount (user_id, project_id, status, total)
        SELECT user_id, project_id, status, -count(*) FROM old_rows WHERE deleted_at IS NULL
        GROUP BY user_id, project_id, status
        ORDER BY user_id, project_id, status
        ON CONFLICT (user_id, project_id, status) DO UPDATE SET total = tasks_taskcount.total + excluded.total;
        DELETE FROM tasks_taskcount
        WHERE total = 0 AND user_id IN (SELECT user_id FROM old_rows);
        RETURN NULL;
    END $$
    """,
    """CREATE TRIGGER tasks_taskcount_insert AFTER INSERT ON tasks_task
       REFERENCING NEW TABLE AS new_rows
       FOR EACH STATEMENT EXECUTE FUNCTION tasks_taskcount_insert()""",
    """CREATE TRIGGER tasks_taskcount_update AFTER UPDATE ON tasks_task
       REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
       FOR EACH STATEMENT EXECUTE FUNCTION tasks_taskcount_update()""",
    """CREATE TRIGGER tasks_taskcount_delete AFTER DELETE ON tasks_task
       REFERENCING OLD TABLE AS old_rows
       FOR EACH STATEMENT EXECUTE FUNCTION tasks_taskcount_delete()""",
]
OLD_COUNT_POSTGRES_DROP = [
    """DROP TRIGGER IF EXISTS tasks_taskcount_insert ON tasks_task""",
    """DROP TRIGGER IF EXISTS tasks_taskcount_update ON tasks_task""",
    """DROP TRIGGER IF EXISTS tasks_taskcount_delete ON tasks_task""",
    """DROP FUNCTION IF EXISTS tasks_taskcount_insert()""",
    """DROP FUNCTION IF EXISTS tasks_taskcount_update()""",
    """DROP FUNCTION IF EXISTS tasks_taskcount_delete()""",
]
OLD_COUNT_SQLITE = [
    """CREATE TRIGGER tasks_taskcount_insert AFTER INSERT ON tasks_task
        BEGIN INSERT INTO tasks_taskcount (user_id, project_id, status, total) SELECT NEW.user_id, NEW.project_id, NEW.status, 1 WHERE NEW.deleted_at IS NULL ON CONFLICT (user_id, project_id, status) DO UPDATE SET total = tasks_taskcount.total + excluded.total; END""",
    """CREATE TRIGGER tasks_taskcount_update AFTER UPDATE OF user_id, project_id, status,
        deleted_at ON tasks_task
        WHEN OLD.user_id IS NOT NEW.user_id OR OLD.project_id IS NOT NEW.project_id
          OR OLD.status IS NOT NEW.status
          OR (OLD.deleted_at IS NULL) <> (NEW.deleted_at IS NULL)
        BEGIN INSERT INTO tasks_taskcount (user_id, project_id, status, total) SELECT OLD.user_id, OLD.project_id, OLD.status, -1 WHERE OLD.deleted_at IS NULL ON CONFLICT (user_id, project_id, status) DO UPDATE SET total = tasks_taskcount.total + excluded.total; INSERT INTO tasks_taskcount (user_id, project_id, status, total) SELECT NEW.user_id, NEW.project_id, NEW.status, 1 WHERE NEW.deleted_at IS NULL ON CONFLICT (user_id, project_id, status) DO UPDATE SET total = tasks_taskcount.total + excluded.total; DELETE FROM tasks_taskcount WHERE total = 0 AND user_id = OLD.user_id; END""",
    """CREATE TRIGGER tasks_taskcount_delete AFTER DELETE ON tasks_task
        BEGIN INSERT INTO tasks_taskcount (user_id, project_id, status, total) SELECT OLD.user_id, OLD.project_id, OLD.status, -1 WHERE OLD.deleted_at IS NULL ON CONFLICT (user_id, project_id, status) DO UPDATE SET total = tasks_taskcount.total + excluded.total; DELETE FROM tasks_taskcount WHERE total = 0 AND user_id = OLD.user_id; END""",
]
OLD_COUNT_SQLITE_DROP = [
    """DROP TRIGGER IF EXISTS tasks_taskcount_insert""",
    """DROP TRIGGER IF EXISTS tasks_taskcount_update""",
    """DROP TRIGGER IF EXISTS tasks_taskcount_delete""",
]
OLD_COUNT_BACKFILL = """INSERT INTO tasks_taskcount (user_id, project_id, status, total) SELECT user_id, project_id, status, count(*) FROM tasks_task WHERE deleted_at IS NULL GROUP BY user_id, project_id, status"""

# Frozen: the list-version triggers as tasks/list_triggers.py wrote them when this migration
# was made. Never edit; a change is a new migration.
OLD_LIST_POSTGRES = [
    """
    CREATE FUNCTION tasks_listversion_bump() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        row_owner bigint;
    BEGIN
        IF TG_TABLE_NAME = 'tasks_tasktag' THEN
            IF TG_OP = 'DELETE' THEN
                row_owner := COALESCE((SELECT user_id FROM tasks_task WHERE id = OLD.task_id), (SELECT user_id FROM tasks_tag WHERE id = OLD.tag_id));
            ELSE
                row_owner := COALESCE((SELECT user_id FROM tasks_task WHERE id = NEW.task_id), (SELECT user_id FROM tasks_tag WHERE id = NEW.tag_id));
            END IF;
        ELSIF TG_OP = 'DELETE' THEN
            row_owner := OLD.user_id;
        ELSE
            row_owner := NEW.user_id;
        END IF;
        -- Nested: SQL does not promise to skip OLD.user_id, which a link does not have.
        IF TG_OP = 'UPDATE' AND TG_TABLE_NAME <> 'tasks_tasktag' THEN
            IF OLD.user_id IS DISTINCT FROM NEW.user_id THEN
                INSERT INTO tasks_listversion (user_id, version) SELECT OLD.user_id, 1 WHERE EXISTS (SELECT 1 FROM auth_user WHERE id = OLD.user_id) ON CONFLICT (user_id) DO UPDATE SET version = tasks_listversion.version + 1;
            END IF;
        END IF;
        -- Once per user per transaction: a bulk change of 1,000 rows bumps once.
        IF row_owner IS NULL
                OR current_setting('tasks.list_bumped_' || row_owner, true) = '1' THEN
            RETURN NULL;
        END IF;
        PERFORM set_config('tasks.list_bumped_' || row_owner, '1', true);
        INSERT INTO tasks_listversion (user_id, version) SELECT row_owner, 1 WHERE EXISTS (SELECT 1 FROM auth_user WHERE id = row_owner) ON CONFLICT (user_id) DO UPDATE SET version = tasks_listversion.version + 1;
        RETURN NULL;
    END $$
    """,
    """CREATE CONSTRAINT TRIGGER tasks_task_listversion
            AFTER INSERT OR UPDATE OR DELETE ON tasks_task
            DEFERRABLE INITIALLY DEFERRED
            FOR EACH ROW EXECUTE FUNCTION tasks_listversion_bump()""",
    """CREATE CONSTRAINT TRIGGER tasks_tasktag_listversion
            AFTER INSERT OR UPDATE OR DELETE ON tasks_tasktag
            DEFERRABLE INITIALLY DEFERRED
            FOR EACH ROW EXECUTE FUNCTION tasks_listversion_bump()""",
    """CREATE CONSTRAINT TRIGGER tasks_tag_listversion
            AFTER INSERT OR UPDATE OR DELETE ON tasks_tag
            DEFERRABLE INITIALLY DEFERRED
            FOR EACH ROW EXECUTE FUNCTION tasks_listversion_bump()""",
    """CREATE CONSTRAINT TRIGGER tasks_project_listversion
            AFTER INSERT OR UPDATE OR DELETE ON tasks_project
            DEFERRABLE INITIALLY DEFERRED
            FOR EACH ROW EXECUTE FUNCTION tasks_listversion_bump()""",
    """
    CREATE FUNCTION tasks_listversion_forget() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        DELETE FROM tasks_listversion WHERE user_id = OLD.id;
        RETURN NULL;
    END $$
    """,
    """CREATE TRIGGER auth_user_listversion AFTER DELETE ON auth_user
       FOR EACH ROW EXECUTE FUNCTION tasks_listversion_forget()""",
]
OLD_LIST_POSTGRES_DROP = [
    """DROP TRIGGER IF EXISTS auth_user_listversion ON auth_user""",
    """DROP FUNCTION IF EXISTS tasks_listversion_forget()""",
    """DROP TRIGGER IF EXISTS tasks_task_listversion ON tasks_task""",
    """DROP TRIGGER IF EXISTS tasks_tasktag_listversion ON tasks_tasktag""",
    """DROP TRIGGER IF EXISTS tasks_tag_listversion ON tasks_tag""",
    """DROP TRIGGER IF EXISTS tasks_project_listversion ON tasks_project""",
    """DROP FUNCTION IF EXISTS tasks_listversion_bump()""",
]
OLD_LIST_SQLITE = [
    """CREATE TRIGGER tasks_task_listversion_insert AFTER INSERT ON tasks_task
            BEGIN INSERT INTO tasks_listversion (user_id, version) SELECT NEW.user_id, 1 WHERE EXISTS (SELECT 1 FROM auth_user WHERE id = NEW.user_id) ON CONFLICT (user_id) DO UPDATE SET version = tasks_listversion.version + 1; END""",
    """CREATE TRIGGER tasks_task_listversion_update AFTER UPDATE ON tasks_task
            BEGIN INSERT INTO tasks_listversion (user_id, version) SELECT OLD.user_id, 1 WHERE EXISTS (SELECT 1 FROM auth_user WHERE id = OLD.user_id) ON CONFLICT (user_id) DO UPDATE SET version = tasks_listversion.version + 1; INSERT INTO tasks_listversion (user_id, version) SELECT NEW.user_id, 1 WHERE EXISTS (SELECT 1 FROM auth_user WHERE id = NEW.user_id) ON CONFLICT (user_id) DO UPDATE SET version = tasks_listversion.version + 1; END""",
    """CREATE TRIGGER tasks_task_listversion_delete AFTER DELETE ON tasks_task
            BEGIN INSERT INTO tasks_listversion (user_id, version) SELECT OLD.user_id, 1 WHERE EXISTS (SELECT 1 FROM auth_user WHERE id = OLD.user_id) ON CONFLICT (user_id) DO UPDATE SET version = tasks_listversion.version + 1; END""",
    """CREATE TRIGGER tasks_tasktag_listversion_insert AFTER INSERT ON tasks_tasktag
            BEGIN INSERT INTO tasks_listversion (user_id, version) SELECT COALESCE((SELECT user_id FROM tasks_task WHERE id = NEW.task_id), (SELECT user_id FROM tasks_tag WHERE id = NEW.tag_id)), 1 WHERE EXISTS (SELECT 1 FROM auth_user WHERE id = COALESCE((SELECT user_id FROM tasks_task WHERE id = NEW.task_id), (SELECT user_id FROM tasks_tag WHERE id = NEW.tag_id))) ON CONFLICT (user_id) DO UPDATE SET version = tasks_listversion.version + 1; END""",
    """CREATE TRIGGER tasks_tasktag_listversion_update AFTER UPDATE ON tasks_tasktag
            BEGIN INSERT INTO tasks_listversion (user_id, version) SELECT COALESCE((SELECT user_id FROM tasks_task WHERE id = OLD.task_id), (SELECT user_id FROM tasks_tag WHERE id = OLD.tag_id)), 1 WHERE EXISTS (SELECT 1 FROM auth_user WHERE id = COALESCE((SELECT user_id FROM tasks_task WHERE id = OLD.task_id), (SELECT user_id FROM tasks_tag WHERE id = OLD.tag_id))) ON CONFLICT (user_id) DO UPDATE SET version = tasks_listversion.version + 1; INSERT INTO tasks_listversion (user_id, version) SELECT COALESCE((SELECT user_id FROM tasks_task WHERE id = NEW.task_id), (SELECT user_id FROM tasks_tag WHERE id = NEW.tag_id)), 1 WHERE EXISTS (SELECT 1 FROM auth_user WHERE id = COALESCE((SELECT user_id FROM tasks_task WHERE id = NEW.task_id), (SELECT user_id FROM tasks_tag WHERE id = NEW.tag_id))) ON CONFLICT (user_id) DO UPDATE SET version = tasks_listversion.version + 1; END""",
    """CREATE TRIGGER tasks_tasktag_listversion_delete AFTER DELETE ON tasks_tasktag
            BEGIN INSERT INTO tasks_listversion (user_id, version) SELECT COALESCE((SELECT user_id FROM tasks_task WHERE id = OLD.task_id), (SELECT user_id FROM tasks_tag WHERE id = OLD.tag_id)), 1 WHERE EXISTS (SELECT 1 FROM auth_user WHERE id = COALESCE((SELECT user_id FROM tasks_task WHERE id = OLD.task_id), (SELECT user_id FROM tasks_tag WHERE id = OLD.tag_id))) ON CONFLICT (user_id) DO UPDATE SET version = tasks_listversion.version + 1; END""",
    """CREATE TRIGGER tasks_tag_listversion_insert AFTER INSERT ON tasks_tag
            BEGIN INSERT INTO tasks_listversion (user_id, version) SELECT NEW.user_id, 1 WHERE EXISTS (SELECT 1 FROM auth_user WHERE id = NEW.user_id) ON CONFLICT (user_id) DO UPDATE SET version = tasks_listversion.version + 1; END""",
    """CREATE TRIGGER tasks_tag_listversion_update AFTER UPDATE ON tasks_tag
            BEGIN INSERT INTO tasks_listversion (user_id, version) SELECT OLD.user_id, 1 WHERE EXISTS (SELECT 1 FROM auth_user WHERE id = OLD.user_id) ON CONFLICT (user_id) DO UPDATE SET version = tasks_listversion.version + 1; INSERT INTO tasks_listversion (user_id, version) SELECT NEW.user_id, 1 WHERE EXISTS (SELECT 1 FROM auth_user WHERE id = NEW.user_id) ON CONFLICT (user_id) DO UPDATE SET version = tasks_listversion.version + 1; END""",
    """CREATE TRIGGER tasks_tag_listversion_delete AFTER DELETE ON tasks_tag
            BEGIN INSERT INTO tasks_listversion (user_id, version) SELECT OLD.user_id, 1 WHERE EXISTS (SELECT 1 FROM auth_user WHERE id = OLD.user_id) ON CONFLICT (user_id) DO UPDATE SET version = tasks_listversion.version + 1; END""",
    """CREATE TRIGGER tasks_project_listversion_insert AFTER INSERT ON tasks_project
            BEGIN INSERT INTO tasks_listversion (user_id, version) SELECT NEW.user_id, 1 WHERE EXISTS (SELECT 1 FROM auth_user WHERE id = NEW.user_id) ON CONFLICT (user_id) DO UPDATE SET version = tasks_listversion.version + 1; END""",
    """CREATE TRIGGER tasks_project_listversion_update AFTER UPDATE ON tasks_project
            BEGIN INSERT INTO tasks_listversion (user_id, version) SELECT OLD.user_id, 1 WHERE EXISTS (SELECT 1 FROM auth_user WHERE id = OLD.user_id) ON CONFLICT (user_id) DO UPDATE SET version = tasks_listversion.version + 1; INSERT INTO tasks_listversion (user_id, version) SELECT NEW.user_id, 1 WHERE EXISTS (SELECT 1 FROM auth_user WHERE id = NEW.user_id) ON CONFLICT (user_id) DO UPDATE SET version = tasks_listversion.version + 1; END""",
    """CREATE TRIGGER tasks_project_listversion_delete AFTER DELETE ON tasks_project
            BEGIN INSERT INTO tasks_listversion (user_id, version) SELECT OLD.user_id, 1 WHERE EXISTS (SELECT 1 FROM auth_user WHERE id = OLD.user_id) ON CONFLICT (user_id) DO UPDATE SET version = tasks_listversion.version + 1; END""",
    """CREATE TRIGGER auth_user_listversion AFTER DELETE ON auth_user
        BEGIN DELETE FROM tasks_listversion WHERE user_id = OLD.id; END""",
]
OLD_LIST_SQLITE_DROP = [
    """DROP TRIGGER IF EXISTS auth_user_listversion""",
    """DROP TRIGGER IF EXISTS tasks_task_listversion_insert""",
    """DROP TRIGGER IF EXISTS tasks_task_listversion_update""",
    """DROP TRIGGER IF EXISTS tasks_task_listversion_delete""",
    """DROP TRIGGER IF EXISTS tasks_tasktag_listversion_insert""",
    """DROP TRIGGER IF EXISTS tasks_tasktag_listversion_update""",
    """DROP TRIGGER IF EXISTS tasks_tasktag_listversion_delete""",
    """DROP TRIGGER IF EXISTS tasks_tag_listversion_insert""",
    """DROP TRIGGER IF EXISTS tasks_tag_listversion_update""",
    """DROP TRIGGER IF EXISTS tasks_tag_listversion_delete""",
    """DROP TRIGGER IF EXISTS tasks_project_listversion_insert""",
    """DROP TRIGGER IF EXISTS tasks_project_listversion_update""",
    """DROP TRIGGER IF EXISTS tasks_project_listversion_delete""",
]

MOVE_POSTGRES_DROP = [
    """DROP FUNCTION IF EXISTS tasks_move_card(bigint, bigint, varchar, bigint, boolean, timestamptz, bigint, bigint, bigint, integer, bigint)""",
]
MOVE_POSTGRES_V2 = [
    """
    CREATE FUNCTION tasks_move_card(
        p_user bigint, p_task bigint, p_status varchar, p_anchor bigint, p_after boolean,
        p_now timestamptz, p_gap bigint, p_min bigint, p_max bigint, p_window integer,
        p_spread bigint
    ) RETURNS TABLE (
        outcome text, card tasks_task, was_status varchar, was_version integer,
        was_updated_at timestamptz, before_count bigint, counts json, column_total bigint, project_name varchar,
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
        -- TaskCount.rows_sql()'s rows when the column changed (the answer
        -- shows every count then), and the column's total.
        IF new_status <> was.status THEN
            SELECT json_agg(json_build_array(c.project_id, c.status, c.total, p.is_inbox))
                INTO counts
                FROM tasks_taskcount c LEFT JOIN tasks_project p ON p.id = c.project_id
                WHERE c.user_id = p_user;
        END IF;
        SELECT COALESCE(sum(c.total), 0) INTO column_total FROM tasks_taskcount c
            WHERE c.user_id = p_user AND c.status = new_status;
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

# --- What this migration creates ---
COUNT_POSTGRES = [
    """
    CREATE FUNCTION tasks_taskcount_insert() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO tasks_taskcount (project_id, status, total)
        SELECT project_id, status, count(*) FROM new_rows WHERE deleted_at IS NULL
        GROUP BY project_id, status
        ORDER BY project_id, status
        ON CONFLICT (project_id, status) DO UPDATE SET total = tasks_taskcount.total + excluded.total;
        RETURN NULL;
    END $$
    """,
    """
    CREATE FUNCTION tasks_taskcount_update() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO tasks_taskcount (project_id, status, total)
        SELECT project_id, status, sum(n) FROM (
            SELECT project_id, status, -1 AS n FROM old_rows WHERE deleted_at IS NULL
            UNION ALL
            SELECT project_id, status, 1 AS n FROM new_rows WHERE deleted_at IS NULL
        ) AS delta
        GROUP BY project_id, status HAVING sum(n) <> 0
        ORDER BY project_id, status
        ON CONFLICT (project_id, status) DO UPDATE SET total = tasks_taskcount.total + excluded.total;
        DELETE FROM tasks_taskcount
        WHERE total = 0 AND project_id IN (SELECT project_id FROM old_rows);
        RETURN NULL;
    END $$
    """,
    """
    CREATE FUNCTION tasks_taskcount_delete() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO tasks_taskcount (project_id, status, total)
        SELECT project_id, status, -count(*) FROM old_rows WHERE deleted_at IS NULL
        GROUP BY project_id, status
        ORDER BY project_id, status
        ON CONFLICT (project_id, status) DO UPDATE SET total = tasks_taskcount.total + excluded.total;
        DELETE FROM tasks_taskcount
        WHERE total = 0 AND project_id IN (SELECT project_id FROM old_rows);
        RETURN NULL;
    END $$
    """,
    """CREATE TRIGGER tasks_taskcount_insert AFTER INSERT ON tasks_task
       REFERENCING NEW TABLE AS new_rows
       FOR EACH STATEMENT EXECUTE FUNCTION tasks_taskcount_insert()""",
    """CREATE TRIGGER tasks_taskcount_update AFTER UPDATE ON tasks_task
       REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
       FOR EACH STATEMENT EXECUTE FUNCTION tasks_taskcount_update()""",
    """CREATE TRIGGER tasks_taskcount_delete AFTER DELETE ON tasks_task
       REFERENCING OLD TABLE AS old_rows
       FOR EACH STATEMENT EXECUTE FUNCTION tasks_taskcount_delete()""",
]
COUNT_POSTGRES_DROP = [
    """DROP TRIGGER IF EXISTS tasks_taskcount_insert ON tasks_task""",
    """DROP TRIGGER IF EXISTS tasks_taskcount_update ON tasks_task""",
    """DROP TRIGGER IF EXISTS tasks_taskcount_delete ON tasks_task""",
    """DROP FUNCTION IF EXISTS tasks_taskcount_insert()""",
    """DROP FUNCTION IF EXISTS tasks_taskcount_update()""",
    """DROP FUNCTION IF EXISTS tasks_taskcount_delete()""",
]
COUNT_SQLITE = [
    """CREATE TRIGGER tasks_taskcount_insert AFTER INSERT ON tasks_task
        BEGIN INSERT INTO tasks_taskcount (project_id, status, total) SELECT NEW.project_id, NEW.status, 1 WHERE NEW.deleted_at IS NULL ON CONFLICT (project_id, status) DO UPDATE SET total = tasks_taskcount.total + excluded.total; END""",
    """CREATE TRIGGER tasks_taskcount_update AFTER UPDATE OF project_id, status, deleted_at
        ON tasks_task
        WHEN OLD.project_id IS NOT NEW.project_id OR OLD.status IS NOT NEW.status
          OR (OLD.deleted_at IS NULL) <> (NEW.deleted_at IS NULL)
        BEGIN INSERT INTO tasks_taskcount (project_id, status, total) SELECT OLD.project_id, OLD.status, -1 WHERE OLD.deleted_at IS NULL ON CONFLICT (project_id, status) DO UPDATE SET total = tasks_taskcount.total + excluded.total; INSERT INTO tasks_taskcount (project_id, status, total) SELECT NEW.project_id, NEW.status, 1 WHERE NEW.deleted_at IS NULL ON CONFLICT (project_id, status) DO UPDATE SET total = tasks_taskcount.total + excluded.total; DELETE FROM tasks_taskcount WHERE total = 0 AND project_id = OLD.project_id; END""",
    """CREATE TRIGGER tasks_taskcount_delete AFTER DELETE ON tasks_task
        BEGIN INSERT INTO tasks_taskcount (project_id, status, total) SELECT OLD.project_id, OLD.status, -1 WHERE OLD.deleted_at IS NULL ON CONFLICT (project_id, status) DO UPDATE SET total = tasks_taskcount.total + excluded.total; DELETE FROM tasks_taskcount WHERE total = 0 AND project_id = OLD.project_id; END""",
]
COUNT_SQLITE_DROP = [
    """DROP TRIGGER IF EXISTS tasks_taskcount_insert""",
    """DROP TRIGGER IF EXISTS tasks_taskcount_update""",
    """DROP TRIGGER IF EXISTS tasks_taskcount_delete""",
]
COUNT_BACKFILL = """INSERT INTO tasks_taskcount (project_id, status, total) SELECT project_id, status, count(*) FROM tasks_task WHERE deleted_at IS NULL GROUP BY project_id, status"""
LIST_POSTGRES = [
    """
    CREATE FUNCTION tasks_listversion_bump_one(p bigint) RETURNS void LANGUAGE plpgsql AS $$
    BEGIN
        -- Once per project per transaction: a bulk change of 1,000 rows bumps once.
        IF p IS NULL OR current_setting('tasks.list_bumped_' || p, true) = '1' THEN
            RETURN;
        END IF;
        PERFORM set_config('tasks.list_bumped_' || p, '1', true);
        INSERT INTO tasks_listversion (project_id, version) SELECT p, 1 WHERE EXISTS (SELECT 1 FROM tasks_project WHERE id = p) ON CONFLICT (project_id) DO UPDATE SET version = tasks_listversion.version + 1;
    END $$
    """,
    """
    CREATE FUNCTION tasks_listversion_bump() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        a bigint;
        b bigint;
    BEGIN
        IF TG_TABLE_NAME = 'tasks_task' THEN
            IF TG_OP = 'INSERT' THEN
                a := NEW.project_id;
            ELSIF TG_OP = 'DELETE' THEN
                a := OLD.project_id;
            ELSE
                a := OLD.project_id;
                b := NEW.project_id;
            END IF;
        ELSIF TG_TABLE_NAME = 'tasks_tasktag' THEN
            IF TG_OP = 'DELETE' THEN
                a := (SELECT project_id FROM tasks_task WHERE id = OLD.task_id);
            ELSE
                a := (SELECT project_id FROM tasks_task WHERE id = NEW.task_id);
            END IF;
        ELSIF TG_OP = 'DELETE' THEN
            a := OLD.id;
        ELSE
            a := NEW.id;
        END IF;
        -- The lower id first: two transactions bumping the same two projects cannot deadlock.
        PERFORM tasks_listversion_bump_one(least(a, b));
        PERFORM tasks_listversion_bump_one(greatest(a, b));
        RETURN NULL;
    END $$
    """,
    """CREATE CONSTRAINT TRIGGER tasks_task_listversion
            AFTER INSERT OR UPDATE OR DELETE ON tasks_task
            DEFERRABLE INITIALLY DEFERRED
            FOR EACH ROW EXECUTE FUNCTION tasks_listversion_bump()""",
    """CREATE CONSTRAINT TRIGGER tasks_tasktag_listversion
            AFTER INSERT OR UPDATE OR DELETE ON tasks_tasktag
            DEFERRABLE INITIALLY DEFERRED
            FOR EACH ROW EXECUTE FUNCTION tasks_listversion_bump()""",
    """CREATE CONSTRAINT TRIGGER tasks_project_listversion
            AFTER INSERT OR UPDATE OR DELETE ON tasks_project
            DEFERRABLE INITIALLY DEFERRED
            FOR EACH ROW EXECUTE FUNCTION tasks_listversion_bump()""",
    """
    CREATE FUNCTION tasks_listversion_tag() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        p bigint;
    BEGIN
        -- A tag's name shows on its tasks' rows, which are in its owner's projects.
        FOR p IN SELECT id FROM tasks_project WHERE user_id = OLD.user_id ORDER BY id LOOP
            PERFORM tasks_listversion_bump_one(p);
        END LOOP;
        RETURN NULL;
    END $$
    """,
    """CREATE CONSTRAINT TRIGGER tasks_tag_listversion
            AFTER UPDATE OR DELETE ON tasks_tag
            DEFERRABLE INITIALLY DEFERRED
            FOR EACH ROW EXECUTE FUNCTION tasks_listversion_tag()""",
    """
    CREATE FUNCTION tasks_listversion_forget() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        DELETE FROM tasks_listversion WHERE project_id = OLD.id;
        RETURN NULL;
    END $$
    """,
    """CREATE TRIGGER tasks_project_listversion_forget AFTER DELETE ON tasks_project
       FOR EACH ROW EXECUTE FUNCTION tasks_listversion_forget()""",
]
LIST_POSTGRES_DROP = [
    """DROP TRIGGER IF EXISTS tasks_project_listversion_forget ON tasks_project""",
    """DROP FUNCTION IF EXISTS tasks_listversion_forget()""",
    """DROP TRIGGER IF EXISTS tasks_tag_listversion ON tasks_tag""",
    """DROP FUNCTION IF EXISTS tasks_listversion_tag()""",
    """DROP TRIGGER IF EXISTS tasks_task_listversion ON tasks_task""",
    """DROP TRIGGER IF EXISTS tasks_tasktag_listversion ON tasks_tasktag""",
    """DROP TRIGGER IF EXISTS tasks_project_listversion ON tasks_project""",
    """DROP FUNCTION IF EXISTS tasks_listversion_bump()""",
    """DROP FUNCTION IF EXISTS tasks_listversion_bump_one(bigint)""",
]
LIST_SQLITE = [
    """CREATE TRIGGER tasks_task_listversion_insert AFTER INSERT ON tasks_task
        BEGIN INSERT INTO tasks_listversion (project_id, version) SELECT NEW.project_id, 1 WHERE EXISTS (SELECT 1 FROM tasks_project WHERE id = NEW.project_id) ON CONFLICT (project_id) DO UPDATE SET version = tasks_listversion.version + 1; END""",
    """CREATE TRIGGER tasks_task_listversion_update AFTER UPDATE ON tasks_task
        BEGIN INSERT INTO tasks_listversion (project_id, version) SELECT OLD.project_id, 1 WHERE EXISTS (SELECT 1 FROM tasks_project WHERE id = OLD.project_id) ON CONFLICT (project_id) DO UPDATE SET version = tasks_listversion.version + 1; INSERT INTO tasks_listversion (project_id, version) SELECT NEW.project_id, 1 WHERE EXISTS (SELECT 1 FROM tasks_project WHERE id = NEW.project_id) ON CONFLICT (project_id) DO UPDATE SET version = tasks_listversion.version + 1; END""",
    """CREATE TRIGGER tasks_task_listversion_delete AFTER DELETE ON tasks_task
        BEGIN INSERT INTO tasks_listversion (project_id, version) SELECT OLD.project_id, 1 WHERE EXISTS (SELECT 1 FROM tasks_project WHERE id = OLD.project_id) ON CONFLICT (project_id) DO UPDATE SET version = tasks_listversion.version + 1; END""",
    """CREATE TRIGGER tasks_tasktag_listversion_insert AFTER INSERT ON tasks_tasktag
        BEGIN INSERT INTO tasks_listversion (project_id, version) SELECT (SELECT project_id FROM tasks_task WHERE id = NEW.task_id), 1 WHERE EXISTS (SELECT 1 FROM tasks_project WHERE id = (SELECT project_id FROM tasks_task WHERE id = NEW.task_id)) ON CONFLICT (project_id) DO UPDATE SET version = tasks_listversion.version + 1; END""",
    """CREATE TRIGGER tasks_tasktag_listversion_update AFTER UPDATE ON tasks_tasktag
        BEGIN INSERT INTO tasks_listversion (project_id, version) SELECT (SELECT project_id FROM tasks_task WHERE id = OLD.task_id), 1 WHERE EXISTS (SELECT 1 FROM tasks_project WHERE id = (SELECT project_id FROM tasks_task WHERE id = OLD.task_id)) ON CONFLICT (project_id) DO UPDATE SET version = tasks_listversion.version + 1; INSERT INTO tasks_listversion (project_id, version) SELECT (SELECT project_id FROM tasks_task WHERE id = NEW.task_id), 1 WHERE EXISTS (SELECT 1 FROM tasks_project WHERE id = (SELECT project_id FROM tasks_task WHERE id = NEW.task_id)) ON CONFLICT (project_id) DO UPDATE SET version = tasks_listversion.version + 1; END""",
    """CREATE TRIGGER tasks_tasktag_listversion_delete AFTER DELETE ON tasks_tasktag
        BEGIN INSERT INTO tasks_listversion (project_id, version) SELECT (SELECT project_id FROM tasks_task WHERE id = OLD.task_id), 1 WHERE EXISTS (SELECT 1 FROM tasks_project WHERE id = (SELECT project_id FROM tasks_task WHERE id = OLD.task_id)) ON CONFLICT (project_id) DO UPDATE SET version = tasks_listversion.version + 1; END""",
    """CREATE TRIGGER tasks_project_listversion_insert AFTER INSERT ON tasks_project
        BEGIN INSERT INTO tasks_listversion (project_id, version) SELECT NEW.id, 1 WHERE EXISTS (SELECT 1 FROM tasks_project WHERE id = NEW.id) ON CONFLICT (project_id) DO UPDATE SET version = tasks_listversion.version + 1; END""",
    """CREATE TRIGGER tasks_project_listversion_update AFTER UPDATE ON tasks_project
        BEGIN INSERT INTO tasks_listversion (project_id, version) SELECT NEW.id, 1 WHERE EXISTS (SELECT 1 FROM tasks_project WHERE id = NEW.id) ON CONFLICT (project_id) DO UPDATE SET version = tasks_listversion.version + 1; END""",
    """CREATE TRIGGER tasks_project_listversion_delete AFTER DELETE ON tasks_project
        BEGIN DELETE FROM tasks_listversion WHERE project_id = OLD.id; END""",
    """CREATE TRIGGER tasks_tag_listversion_update AFTER UPDATE ON tasks_tag
        BEGIN INSERT INTO tasks_listversion (project_id, version) SELECT id, 1 FROM tasks_project WHERE user_id = OLD.user_id ON CONFLICT (project_id) DO UPDATE SET version = tasks_listversion.version + 1; END""",
    """CREATE TRIGGER tasks_tag_listversion_delete AFTER DELETE ON tasks_tag
        BEGIN INSERT INTO tasks_listversion (project_id, version) SELECT id, 1 FROM tasks_project WHERE user_id = OLD.user_id ON CONFLICT (project_id) DO UPDATE SET version = tasks_listversion.version + 1; END""",
]
LIST_SQLITE_DROP = [
    """DROP TRIGGER IF EXISTS tasks_task_listversion_insert""",
    """DROP TRIGGER IF EXISTS tasks_task_listversion_update""",
    """DROP TRIGGER IF EXISTS tasks_task_listversion_delete""",
    """DROP TRIGGER IF EXISTS tasks_tasktag_listversion_insert""",
    """DROP TRIGGER IF EXISTS tasks_tasktag_listversion_update""",
    """DROP TRIGGER IF EXISTS tasks_tasktag_listversion_delete""",
    """DROP TRIGGER IF EXISTS tasks_project_listversion_insert""",
    """DROP TRIGGER IF EXISTS tasks_project_listversion_update""",
    """DROP TRIGGER IF EXISTS tasks_project_listversion_delete""",
    """DROP TRIGGER IF EXISTS tasks_tag_listversion_update""",
    """DROP TRIGGER IF EXISTS tasks_tag_listversion_delete""",
]


def _run(schema_editor, table: dict) -> None:
    vendor = schema_editor.connection.vendor
    if vendor not in table:
        raise NotImplementedError(f"these triggers exist for PostgreSQL and SQLite, not {vendor}")
    for sql in table[vendor]:
        schema_editor.execute(sql)


def drop_old_triggers(apps, schema_editor):
    _run(schema_editor, {"postgresql": OLD_COUNT_POSTGRES_DROP, "sqlite": OLD_COUNT_SQLITE_DROP})
    _run(schema_editor, {"postgresql": OLD_LIST_POSTGRES_DROP, "sqlite": OLD_LIST_SQLITE_DROP})
    _run(schema_editor, {"postgresql": MOVE_POSTGRES_DROP, "sqlite": []})


def create_old_triggers(apps, schema_editor):
    _run(schema_editor, {"postgresql": MOVE_POSTGRES_DROP + MOVE_POSTGRES_V2, "sqlite": []})
    _run(schema_editor, {"postgresql": OLD_LIST_POSTGRES, "sqlite": OLD_LIST_SQLITE})
    _run(schema_editor, {"postgresql": OLD_COUNT_POSTGRES, "sqlite": OLD_COUNT_SQLITE})
    schema_editor.execute("DELETE FROM tasks_taskcount")
    schema_editor.execute(OLD_COUNT_BACKFILL)


def create_new_triggers(apps, schema_editor):
    _run(schema_editor, {"postgresql": COUNT_POSTGRES, "sqlite": COUNT_SQLITE})
    schema_editor.execute("DELETE FROM tasks_taskcount")
    schema_editor.execute(COUNT_BACKFILL)
    _run(schema_editor, {"postgresql": LIST_POSTGRES, "sqlite": LIST_SQLITE})


def drop_new_triggers(apps, schema_editor):
    _run(schema_editor, {"postgresql": LIST_POSTGRES_DROP, "sqlite": LIST_SQLITE_DROP})
    _run(schema_editor, {"postgresql": COUNT_POSTGRES_DROP, "sqlite": COUNT_SQLITE_DROP})


class Migration(migrations.Migration):
    dependencies = [("tasks", "0012_move_function_column_total")]

    operations = [
        migrations.RunPython(drop_old_triggers, create_old_triggers),
        # The counts are derived: emptied both ways and counted again by the triggers' backfill.
        migrations.RunSQL("DELETE FROM tasks_taskcount", "DELETE FROM tasks_taskcount"),
        migrations.RemoveConstraint(model_name="taskcount", name="taskcount_user_project_status"),
        migrations.RemoveField(model_name="taskcount", name="user"),
        migrations.AlterField(
            model_name="taskcount",
            name="project",
            field=models.ForeignKey(
                db_constraint=False,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="counts",
                to="tasks.project",
            ),
        ),
        migrations.AddConstraint(
            model_name="taskcount",
            constraint=models.UniqueConstraint(
                fields=("project", "status"), name="taskcount_project_status"
            ),
        ),
        migrations.DeleteModel(name="ListVersion"),
        migrations.CreateModel(
            name="ListVersion",
            fields=[
                (
                    "project",
                    models.OneToOneField(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        primary_key=True,
                        related_name="list_version",
                        serialize=False,
                        to="tasks.project",
                    ),
                ),
                ("version", models.BigIntegerField(default=0)),
            ],
        ),
        migrations.RunPython(create_new_triggers, drop_new_triggers),
    ]
