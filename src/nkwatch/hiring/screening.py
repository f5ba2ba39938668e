"""One screening run: indicators + linking + risk over a dataset, no I/O."""

from __future__ import annotations

import gc
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date

from nkwatch.hiring import indicators as _registered  # noqa: F401 - registers built-in rules
from nkwatch.hiring.indicators.base import Hit, SanctionsChecker, ScreeningContext, run_indicators
from nkwatch.hiring.linking import LinkResult, link
from nkwatch.hiring.model import Dataset, RecordError
from nkwatch.hiring.refdata import ReferenceData
from nkwatch.hiring.risk import ClusterRisk, PersonRisk, assess_all, assess_cluster


@dataclass(frozen=True)
class ScreeningOptions:
    refdata: ReferenceData | None = None
    sanctions: SanctionsChecker | None = None
    use_splink: bool = True
    today: date | None = None
    sanctions_versions: tuple[str, ...] = ()


@dataclass
class ScreeningResult:
    people: dict[str, PersonRisk]
    clusters: list[ClusterRisk]
    errors: tuple[RecordError, ...]
    hits: list[Hit]
    timings: dict[str, float] = field(default_factory=dict)
    sanctions_versions: tuple[str, ...] = ()


@contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """Pause CPython's cycle collector for one run, restoring its previous state.

    A run builds millions of small acyclic objects (index entries, hits) on top of a heap
    that already holds the whole dataset; every full collection re-scans all of it, which
    made a million-record run several times slower. Reference counting still frees
    everything as usual; cycles made meanwhile are collected once the run ends.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def screen(dataset: Dataset, options: ScreeningOptions | None = None) -> ScreeningResult:
    with _no_cyclic_gc():
        return _screen(dataset, options or ScreeningOptions())


def _screen(dataset: Dataset, opts: ScreeningOptions) -> ScreeningResult:
    t0 = time.perf_counter()
    ctx = ScreeningContext(
        dataset.applicants,
        dataset.logins,
        dataset.host_events,
        refdata=opts.refdata,
        sanctions=opts.sanctions,
        today=opts.today,
    )
    hits = run_indicators(ctx)
    t1 = time.perf_counter()
    linked: LinkResult = link(ctx, use_splink=opts.use_splink)
    t2 = time.perf_counter()
    people = assess_all((a.id for a in dataset.applicants), hits, linked.cluster_of)
    clusters = [assess_cluster(c, people) for c in linked.clusters]
    t3 = time.perf_counter()
    return ScreeningResult(
        people,
        clusters,
        dataset.errors,
        hits,
        {"indicators_s": t1 - t0, "linking_s": t2 - t1, "risk_s": t3 - t2},
        opts.sanctions_versions,
    )
