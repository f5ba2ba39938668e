"""The extraction an exposure batch needs, from all risk sources at once.

Exposure sweeps forward from every risk source together (``nkwatch.exposure.sweep``), so
over the lake it takes the trace's pattern with the sources as seeds from the first block:
``stages`` run on the engine (canonical units, the time-respecting k-hop expansion with
services and high-fan-in hubs as stops, the extraction with opening balances) and the
unchanged exposure sweep then runs on one node over the extraction. Two things are added:

- the *subjects* (the deposits being scored, and the receivers of the transactions being
  scored) join the window from block 0, so each one's every transfer is in the extraction
  (its inflows are what exposure reads; its balance starts at zero before its first one);
- the hubs: an intermediary with more than ``max_fan_in`` inflows is a service to exposure,
  counted over the whole lake (``fan_in``), not over the extraction.

With the opening balances of every windowed address (its clamped running balance over the
lake before its first-taint block, per asset), the sweep over the extraction records the
same taint on the same transfers as a sweep over the whole lake.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa

from nkwatch.chains import canonical_address
from nkwatch.trace.graph import TransferGraph
from nkwatch.trace.lake import extract, stages
from nkwatch.trace.lake.engine import Engine
from nkwatch.trace.lake.ids import address_id
from nkwatch.trace.lake.store import Lake
from nkwatch.trace.lake.tracing import Timings, open_chain
from nkwatch.trace.noise import classify_asset

I64 = npt.NDArray[np.int64]


@dataclass(frozen=True)
class ExposureWindow:
    graph: TransferGraph  # the extraction, in the lake's total order
    opening: Mapping[int, I64]  # per graph asset id: balance of each address before the window
    fan_in: Mapping[str, int]  # lake-wide inflow counts of the graph's addresses over the bound
    lake_transfers: int
    reached_addresses: int
    hops_with_growth: int
    stages_s: Mapping[str, float]


def _ids(chain: str, addresses: Sequence[str]) -> pa.Table:
    ids = sorted({address_id(canonical_address(chain, a)) for a in addresses})
    return pa.table({"id": pa.array(ids, pa.int64())})


def exposure_window(
    lake: Lake, eng: Engine, chain: str, *, sources: Sequence[str], services: Sequence[str],
    subjects: Sequence[str], subject_txs: Sequence[str], max_hops: int, max_fan_in: int,
) -> ExposureWindow:  # fmt: skip
    """Run the stages on ``eng`` and return the extraction as a graph with what its sweep
    needs from the whole lake."""
    clock = Timings()
    manifest, infos, (ext, opening, hubs, hops, reached) = _stages(
        lake, eng, chain, sources, services, subjects, subject_txs, max_hops, max_fan_in, clock
    )
    graph = extract.graph_of(
        chain, ext, opening, infos, [], manifest.fingerprint("transfers", chain)
    )
    clock.mark("graph")
    return ExposureWindow(
        graph=graph, opening=_opening(graph, opening),
        fan_in=dict(zip(hubs["address"].to_pylist(), hubs["n"].to_pylist(), strict=True)),
        lake_transfers=sum(a.rows for a in infos), reached_addresses=reached,
        hops_with_growth=hops, stages_s=clock.stages,
    )  # fmt: skip


def _stages(
    lake: Lake, eng: Engine, chain: str, sources: Sequence[str], services: Sequence[str],
    subjects: Sequence[str], subject_txs: Sequence[str], max_hops: int, max_fan_in: int,
    clock: Timings,
) -> tuple[Any, list[stages.AssetInfo], tuple[pa.Table, pa.Table, pa.Table, int, int]]:  # fmt: skip
    """The engine's part: canonical units, hubs, expansion, extraction."""
    manifest, infos = open_chain(lake, eng, chain)
    scored = [
        a.asset for a in infos if classify_asset(chain, a.symbol, a.asset or None)[0] != "fake"
    ]
    clock.mark("canonical")
    eng.arrow_table("service_ids", _ids(chain, services))
    eng.materialise(
        "hubs",
        "SELECT to_id AS id, count(*) AS n FROM plain_moves GROUP BY to_id "  # noqa: S608
        f"HAVING count(*) > {int(max_fan_in)}",
    )
    eng.materialise("stops", "SELECT id FROM service_ids UNION SELECT id FROM hubs")
    clock.mark("hubs")
    seeds = _ids(chain, sources)
    seeds = seeds.append_column("first", pa.array(np.zeros(seeds.num_rows, np.int64)))
    hops = stages.expand(eng, seeds, scored, max_hops, None)
    clock.mark("expand")
    _subject_window(eng, chain, subjects, subject_txs)
    ext, opening, _ = stages.extract(eng, [], None, False)
    reached = int(eng.arrow("SELECT count(*) AS n FROM hop_reached")["n"][0].as_py())
    hubs = eng.arrow(
        "SELECT e.address, h.n FROM (SELECT from_id AS id, from_address AS address FROM ext "
        "UNION SELECT to_id, to_address FROM ext) e JOIN hubs h ON e.id = h.id"
    )
    clock.mark("extract")
    return manifest, infos, (ext, opening, hubs, hops, reached)


def _subject_window(eng: Engine, chain: str, subjects: Sequence[str], txs: Sequence[str]) -> None:
    """``reached`` becomes the expansion plus every subject (and every receiver of a subject
    transaction) from block 0."""
    eng.materialise("hop_reached", "SELECT id, first FROM reached")
    eng.arrow_table("subject_ids", _ids(chain, subjects))
    hashes = sorted({t.lower() for t in txs})
    eng.arrow_table("subject_txs", pa.table({"tx_hash": pa.array(hashes, pa.string())}))
    eng.materialise(
        "windowed",
        "SELECT id, min(first) AS first FROM (SELECT id, first FROM hop_reached "
        "UNION ALL SELECT id, CAST(0 AS BIGINT) AS first FROM subject_ids "
        "UNION ALL SELECT t.to_id AS id, CAST(0 AS BIGINT) AS first FROM lake_t t "
        "JOIN subject_txs x ON t.tx_hash = x.tx_hash) u GROUP BY id",
    )
    eng.view("reached", "SELECT id, first FROM windowed")


def _opening(graph: TransferGraph, opening: pa.Table) -> dict[int, I64]:
    """Per graph asset id, each address's clamped balance before its window (total - low)."""
    pos = {(a.contract or ""): k for k, a in enumerate(graph.assets)}
    out: dict[int, I64] = {}
    for r in opening.to_pylist():
        k, aid = pos.get(r["asset"]), graph.address_id(r["address"])
        if k is None or aid is None:
            continue
        bal = out.setdefault(k, np.zeros(graph.n_addresses, np.int64))
        bal[aid] = int(r["total"]) - int(r["low"])
    return out
