"""A large batch screened on several processes, each reading the persisted name index.

The workers get the rows in chunks and return each row's outcome; the caller keeps the
input order and writes the audit log itself (workers never open the store: DuckDB admits
one writer). On Linux the workers are forked from the caller and screen with the caller's
own screener (its imports, its memory-mapped index and the Han readings are already
there: a spawned worker paid about a CPU-second to import nkwatch and map the index
again); a forked worker never calls into DuckDB and leaves by ``os._exit``, so the
caller's open connection is never used twice. Elsewhere a spawned worker maps the index
file beside the store (``indexfiles``) in a tenth of a second instead of building it.
Either way the screener comes from the same file and list versions as the caller's, so
the outcomes equal a sequential run's. Without a persisted index, on one core, or for a
small batch, the caller screens sequentially (``None``).
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import sys
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

from nkwatch.sanctions.batch import BatchInput, ColumnMap, RowOutcome, screen_row
from nkwatch.sanctions.indexfiles import index_dir, index_key, index_path, load_index, with_index
from nkwatch.sanctions.model import Relationship
from nkwatch.sanctions.repository import ListVersion
from nkwatch.sanctions.screening import Screener
from nkwatch.sanctions.service import LazyAddressIndex, LazyNameIndex, ScreeningService

ROWS_PER_WORKER = 500  # below this a process's start-up costs more than it saves
MAX_WORKERS = 4
CHUNKS_PER_WORKER = 24  # small enough that the workers finish within a short chunk of each other

Row = tuple[int, dict[str, str], int]  # (number, values, line)


@dataclass(frozen=True)
class _Job:
    store_path: str
    versions: tuple[ListVersion, ...]
    relationships: tuple[Relationship, ...]
    cols: ColumnMap
    threshold: float | None


_worker: tuple[_Job, Screener] | None = None  # per worker process, set by ``_start``
_inherited: tuple[_Job, Screener] | None = None  # the caller's, seen by forked workers


def start_method() -> str:
    """``fork`` on Linux (workers share the caller's loaded screener), else ``spawn``."""
    return "fork" if sys.platform == "linux" else "spawn"


def workers_for(rows: int) -> int:
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, min(cores or 1, MAX_WORKERS, rows // ROWS_PER_WORKER))


def screen_parallel(
    service: ScreeningService,
    batch: BatchInput,
    cols: ColumnMap,
    threshold: float | None,
    on_row: Callable[[int], None] | None = None,
) -> list[RowOutcome] | None:
    """Outcomes in input order, or ``None`` when the batch is better screened here."""
    workers = workers_for(len(batch.rows))
    lists = service.screener.lists
    folder = index_dir(service.store.path)
    if workers < 2 or folder is None:
        return None
    if not index_path(folder, index_key(lists.version_ids)).exists():
        return None
    job = _Job(str(service.store.path), lists.versions, lists.relationships, cols, threshold)
    rows = [
        (n, v, line) for n, (v, line) in enumerate(zip(batch.rows, batch.lines, strict=True), 1)
    ]
    size = max(1, -(-len(rows) // (workers * CHUNKS_PER_WORKER)))
    chunks = [rows[i : i + size] for i in range(0, len(rows), size)]
    global _inherited
    method = start_method()
    context = multiprocessing.get_context(method)
    _inherited = (job, service.screener) if method == "fork" else None
    if method == "fork":
        names = service.screener.names
        if isinstance(names, LazyNameIndex):
            _ = names.index  # map the index file here, once: the forked workers share it
        gc.freeze()  # the loaded screener lives on: neither we nor the workers scan it again
    outcomes: list[RowOutcome] = []
    try:
        with ProcessPoolExecutor(workers, context, initializer=_start, initargs=(job,)) as pool:
            for done in pool.map(_screen, chunks):
                outcomes += done
                if on_row is not None:
                    for outcome in done:
                        on_row(outcome.row)
    except (BrokenProcessPool, OSError):  # a worker could not start or died: do it here
        return None
    finally:
        _inherited = None
        if method == "fork":
            gc.unfreeze()
    return outcomes


def _start(job: _Job) -> None:
    global _worker
    if _inherited is not None and _inherited[0] == job:  # forked: the caller's screener
        # A worker lives for one batch and makes few reference cycles, but keeps every name
        # and party it decodes: each full collection would scan them all again (about a
        # sixth of a worker's time with the collector on).
        gc.disable()
        _worker = _inherited
        return
    index = load_index(Path(job.store_path), [v.version_id for v in job.versions])
    if index is None:
        raise RuntimeError("the persisted name index is gone")
    lists = with_index(index, job.versions, job.relationships)
    _worker = (job, Screener(lists, index, LazyAddressIndex(lists.parties)))


def _screen(rows: Sequence[Row]) -> list[RowOutcome]:
    assert _worker is not None
    job, screener = _worker
    return [
        screen_row(screener, n, values, line, job.cols, job.threshold) for n, values, line in rows
    ]
