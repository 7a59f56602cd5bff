"""An in-memory cache bounded by bytes, for the rendered rows and the rendered lists and pages.

Django's LocMemCache bounds its entries by count (MAX_ENTRIES): a 1.7 KB row and a 150 KB page
count alike, so a worker's memory grows with whatever mix it serves. This backend counts the
bytes it keeps (each value is stored pickled, as LocMemCache does, and its size is the pickle's)
and drops the least recently used entries past MAX_BYTES. One store per LOCATION and process,
shared by its threads under a lock. Built on BaseCache's public interface only.
"""

from __future__ import annotations

import pickle
import threading
import time
from collections import OrderedDict

from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache

_stores: dict[str, _Store] = {}
_stores_lock = threading.Lock()


class _Store:
    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self.entries: OrderedDict[str, tuple[bytes, float | None]] = OrderedDict()
        self.bytes = 0
        self.lock = threading.Lock()

    def drop(self, key: str) -> None:
        blob, _ = self.entries.pop(key)
        self.bytes -= len(blob)


class MemoryCache(BaseCache):
    """OPTIONS: MAX_BYTES (default 16 MiB). A value larger than an eighth of it is not kept:
    one huge page must not empty the cache of everything else."""

    pickle_protocol = pickle.HIGHEST_PROTOCOL

    def __init__(self, name, params):
        super().__init__(params)
        max_bytes = int((params.get("OPTIONS") or {}).get("MAX_BYTES", 16 * 1024 * 1024))
        with _stores_lock:
            store = _stores.get(name)
            if store is None or store.max_bytes != max_bytes:
                store = _stores[name] = _Store(max_bytes)
        self._store = store

    # --- the store's bookkeeping ------------------------------------------------------------
    def _live(self, key: str, now: float) -> bytes | None:
        """The entry's pickle, or None when missing or expired (then dropped). Under the lock."""
        entry = self._store.entries.get(key)
        if entry is None:
            return None
        blob, expires = entry
        if expires is not None and expires <= now:
            self._store.drop(key)
            return None
        return blob

    def _put(self, key: str, blob: bytes, expires: float | None) -> None:
        """Under the lock: keep the entry as the most recently used, then shed the oldest."""
        store = self._store
        if key in store.entries:
            store.drop(key)
        if len(blob) > store.max_bytes // 8:
            return
        store.entries[key] = (blob, expires)
        store.bytes += len(blob)
        while store.bytes > store.max_bytes:
            store.drop(next(iter(store.entries)))

    def _expiry(self, timeout) -> float | None:
        """When the entry expires, in time.time() seconds (BaseCache's reading of `timeout`:
        None never, 0 at once)."""
        return self.get_backend_timeout(timeout)

    # --- BaseCache --------------------------------------------------------------------------
    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None) -> bool:
        key = self.make_and_validate_key(key, version=version)
        blob = pickle.dumps(value, self.pickle_protocol)
        with self._store.lock:
            if self._live(key, time.time()) is not None:
                return False
            self._put(key, blob, self._expiry(timeout))
            return True

    def get(self, key, default=None, version=None):
        key = self.make_and_validate_key(key, version=version)
        with self._store.lock:
            blob = self._live(key, time.time())
            if blob is None:
                return default
            self._store.entries.move_to_end(key)
        return pickle.loads(blob)  # noqa: S301 (our own pickles, never a client's)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None) -> None:
        key = self.make_and_validate_key(key, version=version)
        blob = pickle.dumps(value, self.pickle_protocol)
        with self._store.lock:
            self._put(key, blob, self._expiry(timeout))

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None) -> bool:
        key = self.make_and_validate_key(key, version=version)
        with self._store.lock:
            blob = self._live(key, time.time())
            if blob is None:
                return False
            self._store.entries[key] = (blob, self._expiry(timeout))
            self._store.entries.move_to_end(key)
            return True

    def delete(self, key, version=None) -> bool:
        key = self.make_and_validate_key(key, version=version)
        with self._store.lock:
            if key not in self._store.entries:
                return False
            self._store.drop(key)
            return True

    def has_key(self, key, version=None) -> bool:
        key = self.make_and_validate_key(key, version=version)
        with self._store.lock:
            return self._live(key, time.time()) is not None

    def clear(self) -> None:
        with self._store.lock:
            self._store.entries.clear()
            self._store.bytes = 0

    # --- for the bench and the tests ----------------------------------------------------------
    @property
    def bytes_used(self) -> int:
        return self._store.bytes

    @property
    def max_bytes(self) -> int:
        return self._store.max_bytes
