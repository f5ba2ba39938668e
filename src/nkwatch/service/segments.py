"""Audit log for worker processes: per-worker append-only segments, batched into DuckDB.

A DuckDB commit costs milliseconds of CPU and only the owner process may write, so a
worker does not commit each decision to the store. It appends the entry (with an id from a
block the owner reserved from the log's own sequence, and its timestamp) to its own
segment file with ``write()`` before the answer leaves: from then on the entry is in the
kernel's page cache and survives the death of the worker or the owner (SIGKILL included).
A background task ``fdatasync``s the segment every ``sync_interval_s`` (20 ms), so a power
cut or kernel crash loses at most that window of answered entries. With
``sync_before_answer`` the answer instead waits for the ``fdatasync`` of its group (group
commit: entries arriving while one sync is in flight share the next), which makes every
answer power-cut durable but gives each request the disk's flush latency (p99 50-100 ms on
a shared disk, bench/fsync_probe.py). The owner's ingester moves complete lines into
``audit_log`` in batches, recording how far it got in the same transaction, so nothing is
lost or inserted twice, also across crashes (leftover segments are ingested at the next
start). Admin reads drain every segment first, so they see every answered entry.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import threading
import time
from collections import deque
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
import pyarrow as pa

from nkwatch.service.access import StoreAccess
from nkwatch.service.priority import INGEST_NICE, lower_this_thread
from nkwatch.store.audit import AuditRecord

log = logging.getLogger("nkwatch.service")

_SEGMENT = re.compile(r"^seg-(\d+)-(\d{6})\.jsonl$")
# Ids a worker asks the owner for at once; it asks again when fewer than one block is left,
# so it holds a second or more of its busiest load and a pause of the owner (a DuckDB
# checkpoint, a garbage collection) is not on any request's path (docs/benchmarks.md).
ID_BLOCK = 4096
MAX_SEGMENT_BYTES = 64 * 1024 * 1024
SYNC_INTERVAL_S = 0.02


def segment_dir(db_path: Path) -> Path:
    """Next to the store, so segments left by a crash are found by the next start."""
    return db_path.with_name(db_path.name + ".audit-segments")


def ensure_dir(path: Path) -> Path:
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


class SegmentWriter:
    """One worker's segment, written from its event loop; the syncs run on one thread."""

    def __init__(
        self,
        directory: Path,
        reserve: Callable[[int], Awaitable[list[int]]],
        *,
        sync_before_answer: bool = False,
        sync_interval_s: float = SYNC_INTERVAL_S,
    ) -> None:
        self._dir = ensure_dir(directory)
        self._reserve = reserve
        self._ids: deque[int] = deque()
        self._refill: asyncio.Task[None] | None = None
        self._pending: list[bytes] = []
        self._waiters: list[asyncio.Future[None]] = []
        self._flusher: asyncio.Task[None] | None = None
        self._sync = ThreadPoolExecutor(1, thread_name_prefix="nkwatch-audit-sync")
        self._before_answer = sync_before_answer
        self._interval = sync_interval_s
        self._dirty = False
        self._retired: list[int] = []  # rotated segments not yet synced and closed
        self._syncer: asyncio.Task[None] | None = None
        self._seq = 0
        self._fd = -1
        self._size = 0
        self._open_next()

    def _open_next(self) -> None:
        if self._fd >= 0:
            self._retired.append(self._fd)
        self._seq += 1
        path = self._dir / f"seg-{os.getpid()}-{self._seq:06d}.jsonl"
        self._fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_APPEND, 0o600)
        self._size = 0

    async def record(self, **fields: Any) -> int:
        """:meth:`append` of the :class:`AuditRecord` these fields make."""
        return await self.append(AuditRecord(**fields))

    async def append(self, entry: AuditRecord) -> int:
        """Append one decision; returns its audit-log id once the entry is written (and,
        with ``sync_before_answer``, synced). An ``OSError`` means it was not: the caller
        must not answer."""
        entry_id = await self._next_id()
        line = orjson.dumps(
            {
                "id": entry_id,
                "at_us": time.time_ns() // 1000,
                "actor": entry.actor,
                "action": entry.action,
                "query": entry.query,
                "result": entry.result,
                "list_versions": list(entry.list_versions),
            },
            default=str,
        )
        if not self._before_answer:
            self._write(line + b"\n")  # one small write to the page cache: microseconds
            self._dirty = True
            if self._syncer is None:
                self._syncer = asyncio.create_task(self._sync_every())
            return entry_id
        done = asyncio.get_running_loop().create_future()
        self._pending.append(line + b"\n")
        self._waiters.append(done)
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.create_task(self._flush())
        await done
        return entry_id

    def _write(self, data: bytes) -> None:
        view = memoryview(data)
        while view:  # a regular file takes it all unless the disk is full
            written = os.write(self._fd, view)
            self._size += written
            view = view[written:]
        if self._size >= MAX_SEGMENT_BYTES:
            self._open_next()

    async def prime(self) -> None:
        """Draw the first block of ids now, so the first answers do not wait for it."""
        if not self._ids:
            await self._top_up()

    async def _next_id(self) -> int:
        if len(self._ids) < ID_BLOCK and (self._refill is None or self._refill.done()):
            self._refill = asyncio.create_task(self._top_up())
        while not self._ids:
            assert self._refill is not None
            await asyncio.shield(self._refill)
            if not self._ids:  # another waiter took them all: fetch more
                self._refill = asyncio.create_task(self._top_up())
        return self._ids.popleft()

    async def _top_up(self) -> None:
        self._ids.extend(await self._reserve(ID_BLOCK))

    async def _sync_every(self) -> None:
        """Background mode: bound what a power cut can take to one interval of entries."""
        while True:
            await asyncio.sleep(self._interval)
            await self._sync_written()

    async def _sync_written(self) -> None:
        if not self._dirty and not self._retired:
            return
        self._dirty = False
        fds, self._retired = [self._fd, *self._retired], []
        try:
            await asyncio.get_running_loop().run_in_executor(self._sync, _sync_all, fds[0], fds[1:])
        except OSError:  # answered already; the entries are in the page cache, say so loudly
            log.exception("audit segment sync failed; entries stay in the page cache")
            self._dirty = True

    async def _flush(self) -> None:
        loop = asyncio.get_running_loop()
        while self._pending:
            lines, waiters = self._pending, self._waiters
            self._pending, self._waiters = [], []
            try:
                self._write(b"".join(lines))
                await loop.run_in_executor(self._sync, _sync_all, self._fd, self._retired)
                self._retired = []
            except OSError as exc:  # the waiting requests fail (500): nothing unlogged leaves
                for w in waiters:
                    if not w.done():
                        w.set_exception(exc)
                continue
            for w in waiters:
                if not w.done():
                    w.set_result(None)

    async def close(self) -> None:
        if self._flusher is not None:
            await self._flusher
        if self._syncer is not None:
            self._syncer.cancel()
            self._dirty = True
        if self._fd >= 0:
            await self._sync_written()
            os.close(self._fd)
            self._fd = -1
        self._sync.shutdown(wait=True)


def _sync_all(current: int, retired: list[int]) -> None:
    """``fdatasync`` the open segment, and sync then close rotated ones."""
    for fd in retired:
        os.fdatasync(fd)
        os.close(fd)
    os.fdatasync(current)


@dataclass(frozen=True)
class _Batch:
    rows: list[dict[str, Any]]
    offset: int  # bytes of the segment ingested after this batch
    torn: bool  # the segment ends in a line without its newline


def _read_complete(path: Path, start: int) -> _Batch:
    with path.open("rb") as f:
        f.seek(start)
        data = f.read()
    end = data.rfind(b"\n") + 1
    rows = [orjson.loads(line) for line in data[:end].splitlines() if line]
    return _Batch(rows, start + end, end < len(data))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _arrow(rows: list[dict[str, Any]]) -> pa.Table:
    return pa.table(
        {
            "id": pa.array([r["id"] for r in rows], pa.int64()),
            "occurred_at": pa.array([r["at_us"] for r in rows], pa.timestamp("us", tz="UTC")),
            "actor": [r["actor"] for r in rows],
            "action": [r["action"] for r in rows],
            "query": [orjson.dumps(r["query"]).decode() for r in rows],
            "result": [orjson.dumps(r["result"]).decode() for r in rows],
            "list_versions": pa.array([r["list_versions"] for r in rows], pa.list_(pa.string())),
        }
    )


class SegmentIngester:
    """Owner side: moves complete segment lines into ``audit_log`` every ``interval_s``."""

    def __init__(self, access: StoreAccess, directory: Path, interval_s: float = 0.25) -> None:
        self._access = access
        self._dir = ensure_dir(directory)
        self._interval = interval_s
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self.drain()  # what a previous run left behind, before anything new
        self._thread = threading.Thread(target=self._run, name="nkwatch-ingest", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
        self.drain()

    def _run(self) -> None:
        # Background work: on Linux a thread has its own nice value, so the inserts (and the
        # DuckDB checkpoints they trigger) yield the CPU to the workers answering requests.
        lower_this_thread(INGEST_NICE)
        while not self._stop.wait(self._interval):
            try:
                self.drain()
            except Exception:  # keep trying; the entries stay in the segments
                log.exception("audit ingest failed; will retry")

    def drain(self) -> int:
        """Ingest every complete line now; returns how many entries were added."""
        with self._lock:
            store = self._access.view()
            done = dict(store.query("SELECT name, offset_bytes FROM service_audit_segments"))
            segments = sorted(
                (int(m.group(1)), int(m.group(2)), p)
                for p in self._dir.iterdir()
                if (m := _SEGMENT.match(p.name))
            )
            # A crash between a sealed segment's unlink and its DELETE below leaves an offset
            # for a file that is gone; a later worker with the same pid (containers reuse
            # pids across restarts) would name its segment alike and be read from that
            # offset, losing its first entries. Forget offsets of segments that are gone.
            present = {p.name for _, _, p in segments}
            for name in [n for n in done if n not in present]:
                store.conn.execute("DELETE FROM service_audit_segments WHERE name = ?", [name])
                del done[name]
            latest = {pid: seq for pid, seq, _ in segments}
            added = 0
            for pid, seq, path in segments:
                batch = _read_complete(path, int(done.get(path.name, 0)))
                if batch.rows:
                    with store.transaction() as conn:
                        conn.register("nkw_audit_batch", _arrow(batch.rows))
                        conn.execute(
                            "INSERT INTO audit_log"
                            " (id, occurred_at, actor, action, query, result, list_versions)"
                            " SELECT id, occurred_at, actor, action, query, result, list_versions"
                            " FROM nkw_audit_batch"
                        )
                        conn.unregister("nkw_audit_batch")
                        conn.execute(
                            "INSERT OR REPLACE INTO service_audit_segments VALUES (?, ?)",
                            [path.name, batch.offset],
                        )
                    added += len(batch.rows)
                sealed = seq < latest[pid] or not _alive(pid)
                if sealed:
                    if batch.torn:
                        log.warning("audit segment %s ends in a torn line (never answered)", path)
                    path.unlink()
                    store.conn.execute(
                        "DELETE FROM service_audit_segments WHERE name = ?", [path.name]
                    )
            return added
