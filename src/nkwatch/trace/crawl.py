"""Crawl a :class:`TransferSource` outward from the seeds into a small in-memory graph.

Breadth-first by hop, time-respecting (an address is asked only for transfers at or after
the time value first reached it), bounded by the hop limit, the address limit, the dust
threshold and the time window, and stopping at labelled services. When the source can
also list incoming transfers, each visited address's inflows are fetched too, so haircut
and FIFO see the clean money mixed in.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from nkwatch.chains import canonical_address
from nkwatch.trace.graph import TransferGraph, graph_from_transfers
from nkwatch.trace.labels import LabelBook
from nkwatch.trace.model import Transfer
from nkwatch.trace.params import Seed, TraceParams
from nkwatch.trace.source import IncomingSource, TransferSource


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def crawl(
    source: TransferSource, seeds: Sequence[Seed], params: TraceParams, labels: LabelBook
) -> TransferGraph:
    chain = params.chain
    frontier: dict[str, datetime | None] = {}
    for seed in seeds:
        if seed.address:
            frontier[canonical_address(chain, seed.address)] = seed.since
    seen: dict[str, datetime | None] = dict(frontier)
    collected: dict[tuple[str, int, str], Transfer] = {}
    until = _aware(params.until) if params.until else None
    for _hop in range(params.max_hops):
        if not frontier:
            break
        next_frontier: dict[str, datetime | None] = {}
        for address, since in frontier.items():
            for t in source.outgoing(chain, address, since):
                if until is not None and _aware(t.timestamp) > until:
                    continue
                collected[(t.tx_hash, t.index, t.kind.value)] = t
                if t.failed or t.whole_units() < params.min_amount or t.amount == 0:
                    continue
                to = t.to_address
                if labels.endpoint(chain, to) is not None:
                    seen.setdefault(to, t.timestamp)
                    continue
                if to not in seen and len(seen) < params.max_addresses:
                    seen[to] = t.timestamp
                    next_frontier[to] = t.timestamp
        frontier = next_frontier
    if isinstance(source, IncomingSource):
        for address in seen:
            for t in source.incoming(chain, address, until):
                collected[(t.tx_hash, t.index, t.kind.value)] = t
    return graph_from_transfers(chain, collected.values(), data_version="crawl")
