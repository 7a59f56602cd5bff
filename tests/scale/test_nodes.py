"""Three app nodes behind nginx (compose/nginx's files), through PgBouncer in transaction
pooling mode, in front of one PostgreSQL: a node killed under load costs only the writes it was
serving, sessions carry on on the others, the restarted node rejoins, and PostgreSQL never sees
more connections than PgBouncer's pool.

The stack is the production one on loopback: gunicorn from gunicorn.conf.py with DEBUG off
(2 workers x 2 threads per node), DATABASE_PGBOUNCER=1, nginx from Debian's package.
"""

import shutil
import threading
import time

import pytest

from devtools.processes import free_port
from tests.reliability.harness import LoadRun
from tests.scale.harness import Nginx, Node, PgBouncer, node_env, start_nodes

POOL_SIZE = 4
NODES = 3
WRITES = {"create", "edit", "toggle", "delete", "restore"}


class Stack:
    def __init__(self, cluster, static_root, root):
        self.cluster = cluster
        self.dbname = "nodes"
        cluster.clone(self.dbname)
        self.root = root
        self.bouncer = PgBouncer(cluster, pool_size=POOL_SIZE)
        ports, low = [], 9700
        for _ in range(NODES):
            ports.append(free_port(low, 9799))
            low = ports[-1] + 1
        self.nginx = Nginx(ports)
        env = node_env(
            self.bouncer.url(self.dbname),
            static_root,
            self.nginx.origin,
            DATABASE_PGBOUNCER="1",
        )
        self.nodes = [Node(env, root / f"node{p}.log", port=p) for p in ports]

    def start(self):
        self.bouncer.start()
        start_nodes(self.nodes)
        self.nginx.start()

    def stop(self):
        for node in self.nodes:
            node.stop()
        self.nginx.stop()
        self.bouncer.stop()


@pytest.fixture(scope="module")
def stack(cluster, static_root, debian_servers, tmp_path_factory):
    root = tmp_path_factory.mktemp("nodes")
    built = Stack(cluster, static_root, root)
    try:
        built.start()
        yield built
    finally:
        built.stop()
        shutil.rmtree(root, ignore_errors=True)


def served_by(nginx: Nginx, port: int, since: float) -> list[tuple]:
    """Requests nginx logged after `since` (wall clock) that node `port` answered below 500."""
    return [
        row
        for row in nginx.requests()
        if row[0] > since and row[3].split(", ")[-1] == f"127.0.0.1:{port}" and row[2] < 500
    ]


def test_it_loses_only_the_killed_nodes_requests_and_the_node_rejoins(stack):
    nginx = stack.nginx
    run = LoadRun(nginx.port, users=6, seconds=40, prefix="nodes", https=False)
    run.signup_all()
    run.start()
    time.sleep(3)
    victim = stack.nodes[1]
    survivors = [n for n in stack.nodes if n is not victim]
    killed_wall, killed_at = time.time(), time.monotonic()
    victim.kill()
    gone_at = time.monotonic()  # the last of its processes is dead
    time.sleep(2)
    restarted = Node(victim.env, victim.log_path, port=victim.port)
    stack.nodes[1] = restarted  # stopped by the fixture
    restarted.start(timeout=90)
    restarted_wall = time.time()
    # nginx tries the node again after fail_timeout (5 s in the template): bounded wait for it.
    for _ in range(150):
        if served_by(nginx, restarted.port, restarted_wall):
            break
        time.sleep(0.1)
    time.sleep(1)
    run.stop_event.set()
    run.join()
    outcomes = run.outcomes()
    logged = nginx.requests()

    failed = [o for o in outcomes if o.status is None or o.status >= 500]
    # Only requests in flight while the node died failed, and only writes: nginx passed reads
    # in flight on to another node, and a POST only when it had not been sent yet.
    # (nginx may write one more request into a kept-alive connection to the dead node before
    # its event loop has seen that connection close: allow it a moment.)
    in_flight = [o for o in failed if o.started <= gone_at + 0.25 and o.ended >= killed_at]
    assert failed == in_flight, [(o.op, o.status, o.started - killed_at) for o in failed]
    assert all(o.op in WRITES and o.status == 502 for o in failed), failed
    # ...and they were all on the killed node (nginx's log says which node failed each one).
    errors = [row for row in logged if row[2] >= 500]
    assert len(errors) == len(failed)
    assert all(row[3].split(", ")[-1] == f"127.0.0.1:{victim.port}" for row in errors), errors
    assert all(killed_wall - 1 <= row[0] <= killed_wall + 35 for row in errors)
    # Sessions carry on: every user was served after the kill, by both surviving nodes.
    for user in run.users:
        after = [o for o in user.outcomes if o.started > gone_at]
        assert after and all(o.status is not None and o.status < 500 for o in after), user.name
    for node in survivors:
        assert served_by(nginx, node.port, killed_wall), f"node {node.port} served nothing"
    # The restarted node rejoined: nginx sent it requests again, and it answered them.
    assert served_by(nginx, restarted.port, restarted_wall), "the restarted node never rejoined"
    # Every write that was answered 2xx/3xx is in the database as it was answered.
    with stack.cluster.connect(stack.dbname) as db:
        ledger = run.verify_database(db)
    assert ledger["lost"] == 0 and ledger["acknowledged_tasks_checked"] > 0
    rejoined = len(served_by(nginx, restarted.port, restarted_wall))
    print(
        f"\nnodes: {len(outcomes)} requests, {len(failed)} failed (in flight on the killed "
        f"node, gone {gone_at - killed_at:.2f} s after SIGKILL), {rejoined} served by the "
        f"restarted node, ledger {ledger}"
    )


def test_it_keeps_postgresql_connections_within_the_pool_under_load(stack):
    run = LoadRun(stack.nginx.port, users=8, seconds=5, prefix="pool", https=False)
    run.signup_all()
    samples: list[int] = []
    clients: list[int] = []
    done = threading.Event()

    def sample():
        for _ in range(400):  # bounded: 40 s at most
            if done.is_set():
                return
            samples.append(stack.cluster.client_backends(stack.dbname))
            clients.append(stack.bouncer.clients(stack.dbname))
            time.sleep(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    run.start()
    run.join()
    done.set()
    sampler.join(timeout=10)
    outcomes = run.outcomes()

    assert not [o for o in outcomes if o.status is None or o.status >= 500]
    assert len(outcomes) > 60
    assert len(samples) > 10
    # 3 nodes x 2 workers x 2 threads may each hold a connection to PgBouncer; PostgreSQL sees
    # at most the pool's.
    assert 0 < max(samples) <= POOL_SIZE, samples
    # ...while the nodes' threads hold more connections than that to PgBouncer: it shares them.
    assert max(clients) > POOL_SIZE, clients
    with stack.cluster.connect(stack.dbname) as db:
        assert run.verify_database(db)["lost"] == 0
    print(
        f"\npool: {len(outcomes)} requests, nodes' connections to PgBouncer max {max(clients)}, "
        f"PostgreSQL's max {max(samples)}"
    )
