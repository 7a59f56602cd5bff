"""taskmanager.cache.MemoryCache: rendered HTML kept per process, bounded by bytes."""

import pickle
import threading
import time

import pytest
from django.core.cache import caches

from taskmanager.cache import MemoryCache

KIB = 1024


def cache(location="test-cache", max_bytes=64 * KIB) -> MemoryCache:
    return MemoryCache(location, {"OPTIONS": {"MAX_BYTES": max_bytes}})


def size_of(value) -> int:
    return len(pickle.dumps(value, MemoryCache.pickle_protocol))


@pytest.fixture(autouse=True)
def _fresh():
    for location in ("test-cache", "other", "bound"):
        cache(location).clear()


def test_it_keeps_and_returns_values():
    c = cache()
    c.set("a", {"html": "<li>x</li>", "n": 3})
    assert c.get("a") == {"html": "<li>x</li>", "n": 3}
    assert c.get("missing", "default") == "default"
    assert c.add("a", 1) is False and c.add("b", 2) is True
    assert c.has_key("b") and c.delete("b") and not c.has_key("b")


def test_it_never_holds_more_bytes_than_its_bound_dropping_the_least_recently_used():
    c = cache("bound", max_bytes=40 * KIB)
    page = "x" * (4 * KIB)
    for i in range(30):
        c.set(f"page-{i}", page)
        c.get("page-0")  # read again and again: the most recently used, so it stays
        assert c.bytes_used <= 40 * KIB
    assert c.get("page-0") == page
    assert c.get("page-1") is None  # the oldest not read since went first
    assert c.get("page-29") == page
    kept = sum(c.has_key(f"page-{i}") for i in range(30))
    assert kept == (40 * KIB) // size_of(page)


def test_a_value_over_an_eighth_of_the_bound_is_not_kept():
    c = cache("bound", max_bytes=40 * KIB)
    c.set("small", "s")
    c.set("huge", "h" * (6 * KIB))
    assert c.get("huge") is None and c.get("small") == "s"


def test_entries_expire():
    c = cache()
    c.set("short", "v", timeout=0.05)
    c.set("forever", "v", timeout=None)
    time.sleep(0.1)
    assert c.get("short") is None and c.get("forever") == "v"
    assert c.touch("forever", 10) and not c.touch("short")


def test_instances_of_one_location_share_a_store_and_locations_do_not():
    cache().set("k", "shared")
    assert cache().get("k") == "shared"
    assert cache("other").get("k") is None


def test_threads_writing_at_once_keep_the_byte_count_exact():
    c = cache("bound", max_bytes=40 * KIB)

    def write(n):
        for i in range(200):
            c.set(f"{n}-{i % 50}", "v" * (i % 7 * 100))

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    kept = [f"{n}-{i}" for n in range(4) for i in range(50) if c.has_key(f"{n}-{i}")]
    total = sum(size_of(c.get(key)) for key in kept)
    assert c.bytes_used == total <= 40 * KIB


def test_rows_and_pages_are_separate_caches_each_bounded(settings):
    rows, pages = caches["rows"], caches["pages"]
    assert isinstance(rows, MemoryCache) and isinstance(pages, MemoryCache)
    rows.set("k", "row")
    assert pages.get("k") is None
    assert rows.max_bytes < pages.max_bytes
