"""Thread-safe access to the one read-write store the service process owns.

DuckDB connections are not safe to share between threads, but cursors of one connection
are independent connections to the same database. Each worker thread gets its own cursor
(cached per thread) wrapped in a :class:`Store`, so capability code sees the usual API.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from nkwatch.settings import Settings
from nkwatch.store import Store, open_store


class StoreAccess:
    """Owns the store for the life of the service; hands out per-thread views of it."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._owner = open_store(settings)
        self._local = threading.local()
        self._views: list[Store] = []
        self._lock = threading.Lock()

    def view(self) -> Store:
        """This thread's store view (its own DuckDB cursor)."""
        view: Store | None = getattr(self._local, "store", None)
        if view is None:
            with self._lock:
                view = Store(self._owner.conn.cursor(), self._owner.path, read_only=False)
                self._views.append(view)
            self._local.store = view
        return view

    def dedicated(self) -> Store:
        """A cursor of its own for work that hops threads (a streamed answer is iterated on
        any thread of the pool, while the thread that started it serves other requests);
        the caller closes it."""
        with self._lock:
            return Store(self._owner.conn.cursor(), self._owner.path, read_only=False)

    @contextmanager
    def use(self) -> Iterator[Store]:
        yield self.view()

    def close(self) -> None:
        with self._lock:
            for view in self._views:
                view.close()
            self._views.clear()
            self._owner.close()
