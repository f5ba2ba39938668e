"""Tracing over the lake: distributed stages, then the exact sweep on one node.

``trace_lake`` runs ``stages`` on the chosen engine (DuckDB or Spark), rebuilds the
extraction as a graph (``extract``) and hands it to the unchanged ``trace.engine.trace``.
The report is the tracer's own, plus ``extraction`` (lake and extraction sizes, reached
addresses, hops that found something, and per asset ``frontier_bound``: the taint sitting
at addresses where a bound stopped the trace, the most that could have gone further) and
``run`` (engine and per-stage seconds: not part of the canonical report).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pyarrow as pa

from nkwatch.chains import canonical_address
from nkwatch.errors import UserError
from nkwatch.trace.engine import TraceResult, trace, validate_seeds
from nkwatch.trace.labels import LabelBook
from nkwatch.trace.lake import extract, stages
from nkwatch.trace.lake.engine import Engine
from nkwatch.trace.lake.ids import address_id
from nkwatch.trace.lake.store import Lake
from nkwatch.trace.noise import classify_asset
from nkwatch.trace.params import Seed, TraceParams
from nkwatch.trace.report_model import Extraction, LakeRun, TraceReport

VOLATILE = ("generated_at", "run")


def _ts(value: datetime | None) -> int | None:
    if value is None:
        return None
    return int((value if value.tzinfo else value.replace(tzinfo=UTC)).timestamp())


@dataclass
class Timings:
    stages: dict[str, float] = field(default_factory=dict)
    _t: float = field(default_factory=time.perf_counter)

    def mark(self, name: str) -> None:
        now = time.perf_counter()
        self.stages[name] = round(now - self._t, 4)
        self._t = now


def canonical_report(report: TraceReport) -> bytes:
    """The report without what differs between runs of the same trace (when it was made,
    how long it took, which engine ran it): sorted keys, exact decimal strings."""
    body = {k: v for k, v in report.to_data().items() if k not in VOLATILE}
    params = dict(body.get("parameters", {}))
    params.pop("elapsed_s", None)
    body["parameters"] = params
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def _seed_table(eng: Engine, chain: str, seeds: Sequence[Seed]) -> pa.Table:
    ids: list[int] = []
    firsts: list[int] = []
    starts = [_ts(s.since) for s in seeds if s.address is not None]
    first_block = stages.seed_blocks(eng, [t for t in starts if t is not None])
    for seed, start in zip([s for s in seeds if s.address is not None], starts, strict=True):
        assert seed.address is not None
        ids.append(address_id(canonical_address(chain, seed.address)))
        firsts.append(first_block[start] if start is not None else 0)
    table = pa.table({"id": pa.array(ids, pa.int64()), "first": pa.array(firsts, pa.int64())})
    txs = [s.tx_hash.lower() for s in seeds if s.tx_hash]
    if txs:
        eng.arrow_table("seed_tx_list", pa.table({"tx_hash": pa.array(txs, pa.string())}))
        got = eng.arrow(
            "SELECT t.to_id AS id, min(t.block) AS first FROM lake_t t "
            "JOIN seed_tx_list x ON t.tx_hash = x.tx_hash GROUP BY t.to_id"
        )
        if got.num_rows == 0:
            raise UserError(f"seed transaction not in the lake: {txs[0]}", where="--seed-tx")
        table = pa.concat_tables([table, got.cast(table.schema)])
    return table


def _traced(chain: str, infos: Sequence[stages.AssetInfo], seeds: Sequence[Seed]) -> list[str]:
    explicit = [s.asset for s in seeds if s.asset]
    if explicit:
        return sorted({k.split(":", 1)[1].replace("native", "") for k in explicit})
    return [
        a.asset
        for a in infos
        if classify_asset(chain, a.symbol, a.asset or None)[0] in ("native", "genuine")
    ]


def frontier_bound(result: TraceResult) -> dict[str, int]:
    """Per asset (base units): taint held at non-service addresses a bound stopped."""
    services = np.zeros(result.graph.n_addresses, np.bool_)
    services[np.fromiter(result.endpoint_labels, np.int64, len(result.endpoint_labels))] = True
    out = {}
    for run in result.runs:
        stopped = ((run.hop >= result.params.max_hops) | run.frozen) & ~services
        out[result.graph.assets[run.asset_id].key] = result.graph.base_units(
            run.asset_id, int(run.taint[stopped].sum())
        )
    return out


def open_chain(lake: Lake, eng: Engine, chain: str) -> tuple[Any, list[stages.AssetInfo]]:
    """``lake_t`` (the chain's transfers) and ``scaled`` (in the tracer's units) on ``eng``;
    the manifest read and the assets' exact totals."""
    manifest = lake.manifest()
    files = [f"{lake.uri.rstrip('/')}/{f}" for f in manifest.files("transfers", chain)]
    if not files:
        raise UserError(
            f"no {chain} transfers in the lake: import some first", where=str(lake.root)
        )
    eng.lake_table("lake_t", files)
    infos = stages.assets(eng)
    stages.canonical(eng, infos)
    stages.moves(eng)
    return manifest, infos


def _lake_stages(
    lake: Lake, eng: Engine, seed_list: Sequence[Seed], params: TraceParams, labels: LabelBook,
    clock: Timings,
) -> tuple[Any, list[stages.AssetInfo], tuple[pa.Table, pa.Table, pa.Table, bool, int, int]]:  # fmt: skip
    """The engine's part of a trace: canonical units, deposits, expansion, extraction."""
    chain = params.chain
    manifest, infos = open_chain(lake, eng, chain)
    clock.mark("canonical")
    known = [a for a in labels.addresses(chain) if labels.endpoint(chain, a) is not None]
    wallets = [
        a
        for a in known
        if (lb := labels.endpoint(chain, a)) is not None and lb.category == "exchange"
    ]
    detect = params.detect_deposits and bool(wallets)
    if detect:
        stages.deposits(eng, wallets, known)
    stages.stops(eng, [address_id(a) for a in known], detect)
    clock.mark("deposits")
    seed_table = _seed_table(eng, chain, seed_list)
    traced: list[str] | None = _traced(chain, infos, seed_list)
    if traced is not None and set(traced) >= {a.asset for a in infos}:
        traced = None  # every asset: no filter on the asset text
    hops = stages.expand(eng, seed_table, traced, params.max_hops, _ts(params.until))
    clock.mark("expand")
    ext, opening, deposit_rows = stages.extract(
        eng, [s.tx_hash.lower() for s in seed_list if s.tx_hash], _ts(params.until), detect
    )
    reached = int(eng.arrow("SELECT count(*) AS n FROM reached")["n"][0].as_py())
    clock.mark("extract")
    return manifest, infos, (ext, opening, deposit_rows, detect, reached, hops)


def trace_lake(
    lake: Lake,
    eng: Engine,
    seeds: Iterable[Seed],
    params: TraceParams,
    labels: LabelBook | None = None,
) -> TraceReport:
    """Trace ``seeds`` over the lake's ``params.chain`` transfers with engine ``eng``."""
    from nkwatch.trace.report import build_report, whole

    labels = labels or LabelBook()
    chain = params.chain
    seed_list = validate_seeds(chain, seeds)
    clock = Timings()
    manifest, infos, got = _lake_stages(lake, eng, seed_list, params, labels, clock)
    ext, opening, deposit_rows, detect, reached, hops = got
    graph = extract.graph_of(chain, ext, opening, infos, deposit_rows["hot"].to_pylist(),
                             manifest.fingerprint("transfers", chain))  # fmt: skip
    extract.endpoints(graph, labels, deposit_rows, detect)
    result = trace(graph, seed_list, params, labels=labels)
    report = build_report(result)
    bound = frontier_bound(result)
    by_key = {a.key: a for a in graph.assets}
    clock.mark("sweep")
    extraction = Extraction(
        lake_transfers=sum(a.rows for a in infos),
        transfers=ext.num_rows,
        reached_addresses=reached,
        hops_with_growth=hops,
        frontier_bound={k: whole(v, by_key[k].decimals) for k, v in sorted(bound.items())},
    )
    run = LakeRun(engine=eng.name, stages_s=clock.stages)
    return report.model_copy(update={"extraction": extraction, "run": run})


def whole_graph(lake: Lake, eng: Engine, chain: str) -> Any:
    """Every transfer of ``chain`` as one in-memory graph (the reference a trace over the
    extraction must equal; small lakes only: this is what the scale-out path avoids)."""
    manifest = lake.manifest()
    eng.lake_table(
        "lake_t", [f"{lake.uri.rstrip('/')}/{f}" for f in manifest.files("transfers", chain)]
    )
    infos = stages.assets(eng)
    stages.canonical(eng, infos)
    ext = eng.arrow(f"SELECT {', '.join(stages.EXT_COLUMNS)} FROM scaled")  # noqa: S608
    none = pa.table({"id": pa.array([], pa.int64()), "address": pa.array([], pa.string()),
                     "asset": pa.array([], pa.string()), "total": pa.array([], pa.int64()),
                     "low": pa.array([], pa.int64())})  # fmt: skip
    return extract.graph_of(chain, ext, none, infos, [], manifest.fingerprint("transfers", chain))
