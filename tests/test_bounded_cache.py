"""taskmanager.caches.BoundedMemoryCache: Django's cache API, bounded by the bytes it holds."""

import time

from taskmanager.caches import BoundedMemoryCache, size_of


def cache(max_bytes=10_000):
    return BoundedMemoryCache("test", {"OPTIONS": {"MAX_BYTES": max_bytes}})


def test_it_evicts_the_least_recently_used_past_its_bytes():
    c = cache(max_bytes=size_of(b"x" * 3000) * 3)
    for key in "abc":
        c.set(key, b"x" * 3000)
    assert c.get("a") is not None  # a is now the most recent
    c.set("d", b"x" * 3000)
    assert c.get("b") is None
    assert all(c.get(key) is not None for key in "acd")
    assert c.bytes <= c.max_bytes


def test_it_replaces_a_key_without_counting_it_twice():
    c = cache()
    for _ in range(50):
        c.set("feed", ("etag", b"y" * 1000))
    assert c.bytes == size_of(("etag", b"y" * 1000))


def test_it_keeps_nothing_larger_than_its_bound():
    c = cache(max_bytes=500)
    c.set("small", b"s")
    assert c.set("big", b"b" * 1000) is None
    assert c.get("big") is None
    assert c.get("small") == b"s"


def test_it_honours_timeouts_and_the_rest_of_the_api():
    c = cache()
    c.set("short", b"1", timeout=0.05)
    assert c.add("short", b"2") is False
    time.sleep(0.06)
    assert c.get("short", "gone") == "gone"
    assert c.add("short", b"3") is True
    assert c.has_key("short")
    assert c.touch("short", timeout=None)
    assert c.delete("short") and not c.has_key("short")
    c.set("n", 1)
    assert c.incr("n") == 2
    c.clear()
    assert c.bytes == 0 and c.get("n") is None
