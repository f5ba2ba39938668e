"""Group commit for the audit log.

Every screening decision must be in the append-only log before its answer leaves the
server. One writer thread drains a queue and appends whatever has arrived in a single
transaction; each request waits for the commit of its own row. Under load this turns
thousands of tiny commits per second into a few batched ones without weakening the
guarantee.
"""

from __future__ import annotations

import queue
import threading
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any

from nkwatch.service.access import StoreAccess
from nkwatch.store import Store
from nkwatch.store.audit import AuditRecord

_BATCH = 512


@dataclass(frozen=True)
class _Pending:
    entry: AuditRecord
    done: Future[int] = field(default_factory=Future, compare=False)


class AuditWriter:
    """Single writer thread; :meth:`submit` returns a future resolved with the row id."""

    def __init__(self, access: StoreAccess) -> None:
        self._access = access
        self._queue: queue.Queue[_Pending | None] = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="nkwatch-audit", daemon=True)
        self._thread.start()

    def submit(self, entry: AuditRecord) -> Future[int]:
        item = _Pending(entry)
        self._queue.put(item)
        return item.done

    def append(self, entry: AuditRecord) -> int:
        """Blocking form, for worker threads."""
        return self.submit(entry).result(timeout=30)

    def record(self, **fields: Any) -> int:
        """:meth:`append` of the :class:`AuditRecord` these fields make."""
        return self.append(AuditRecord(**fields))

    def close(self) -> None:
        self._queue.put(None)
        self._thread.join(timeout=10)

    def _run(self) -> None:
        while True:
            first = self._queue.get()
            if first is None:
                return
            batch = [first]
            stop = False
            while len(batch) < _BATCH:
                try:
                    nxt = self._queue.get_nowait()
                except queue.Empty:
                    break
                if nxt is None:
                    stop = True
                    break
                batch.append(nxt)
            self._write(batch)
            if stop:
                return

    def _write(self, batch: list[_Pending]) -> None:
        store = self._access.view()
        try:
            ids = _append(store, batch)
        except Exception as exc:  # the requests waiting on this batch must fail, not hang
            for item in batch:
                item.done.set_exception(exc)
            return
        for item, row_id in zip(batch, ids, strict=True):
            item.done.set_result(row_id)


def _append(store: Store, batch: list[_Pending]) -> list[int]:
    """One multi-row INSERT per batch (the encoding of :meth:`AuditRecord.columns`).

    Ids come from the table's sequence in row order, so the sorted returned ids map back to
    the batch in order.
    """
    placeholders = ", ".join(["(?, ?, ?, ?, ?)"] * len(batch))
    params: list[Any] = []
    for item in batch:
        params += item.entry.columns()
    with store.transaction():
        rows = store.conn.execute(
            "INSERT INTO audit_log (actor, action, query, result, list_versions)"  # noqa: S608
            f" VALUES {placeholders} RETURNING id",
            params,
        ).fetchall()
    return sorted(int(r[0]) for r in rows)
