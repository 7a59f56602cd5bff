"""Run calls at the same moment, for the race tests (in-process and against gunicorn)."""

import threading

import pytest
from django.db import connection

# The marks of a race test module: real transactions, on PostgreSQL only (the test database on
# SQLite is one shared in-memory database whose table locks refuse a second writer outright
# instead of queueing it: there is no race to observe there).
RACES = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="races are run on PostgreSQL"),
]


def at_once(*calls, timeout: float = 20) -> list:
    """Run each call in its own thread, released together; their results in call order.

    Each thread closes its own database connection when done (Django opens one per thread), so
    no connection outlives its test.
    """
    barrier = threading.Barrier(len(calls), timeout=timeout)
    results: list = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait()
            results[i] = call()
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout + 10)
    return results
