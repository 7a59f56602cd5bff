"""A per-process cache bounded by the bytes it holds, not by a count of entries.

Django's LocMemCache caps the number of entries (MAX_ENTRIES): 5,000 entries of 2 MB feeds
would be 10 GB. This one evicts the least recently used entries once what it holds passes
OPTIONS["MAX_BYTES"], and never stores a value larger than that. A value's size is what
sys.getsizeof says of it and, for a tuple or list, of its items: meant for bytes and str (a
rendered body) and tuples of them, not for objects that hold more than they show. Values are
kept as they are, not pickled: store immutable ones.
"""

from __future__ import annotations

import sys
import threading
import time
from collections import OrderedDict

from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache


def size_of(value) -> int:
    if isinstance(value, tuple | list):
        return sys.getsizeof(value) + sum(size_of(item) for item in value)
    return sys.getsizeof(value)


class BoundedMemoryCache(BaseCache):
    """LRU, thread-safe, per process; OPTIONS: MAX_BYTES (default 32 MiB)."""

    def __init__(self, name, params):
        super().__init__(params)
        self.max_bytes = int(params.get("OPTIONS", {}).get("MAX_BYTES", 32 * 2**20))
        self._entries: OrderedDict[str, tuple[object, float | None, int]] = OrderedDict()
        self.bytes = 0
        self._lock = threading.Lock()

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            if self._live(key) is not None:
                return False
            return self._store(key, value, timeout)

    def get(self, key, default=None, version=None):
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            entry = self._live(key)
            if entry is None:
                return default
            self._entries.move_to_end(key)
            return entry[0]

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            self._store(key, value, timeout)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            entry = self._live(key)
            if entry is None:
                return False
            self._entries[key] = (entry[0], self.get_backend_timeout(timeout), entry[2])
            return True

    def delete(self, key, version=None):
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            return self._drop(key)

    def has_key(self, key, version=None):
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            return self._live(key) is not None

    def clear(self):
        with self._lock:
            self._entries.clear()
            self.bytes = 0

    def _live(self, key):
        entry = self._entries.get(key)
        if entry is not None and entry[1] is not None and entry[1] <= time.time():
            self._drop(key)
            return None
        return entry

    def _store(self, key, value, timeout) -> bool:
        self._drop(key)
        size = size_of(value)
        if size > self.max_bytes:
            return False  # it would push out everything else and still not fit
        self._entries[key] = (value, self.get_backend_timeout(timeout), size)
        self.bytes += size
        while self.bytes > self.max_bytes:
            _, (_, _, dropped) = self._entries.popitem(last=False)
            self.bytes -= dropped
        return True

    def _drop(self, key) -> bool:
        entry = self._entries.pop(key, None)
        if entry is None:
            return False
        self.bytes -= entry[2]
        return True
