"""The destination chains' nodes of a crawled case (``--rpc bitcoin=URL``): the bridge
departures the crawl found are looked for on each UTXO node, and what the node shows (the
outbounds naming them and the onward spends) is stored beside imported data, so the store
path traces it like any bitcoin-etl file."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from nkwatch.chains import canonical_address
from nkwatch.store import Store
from nkwatch.trace.across.model import Anomaly
from nkwatch.trace.bitcoind import BitcoinNode, ScanLimits, Wanted, scan_outbounds
from nkwatch.trace.bridges.midgard import MidgardAction
from nkwatch.trace.bridges.registry import decode_logs
from nkwatch.trace.graph import TransferGraph
from nkwatch.trace.labels import LabelBook
from nkwatch.trace.logstore import load_logs
from nkwatch.trace.params import TraceParams
from nkwatch.trace.repository import add_utxo_txs


@dataclass(frozen=True, slots=True)
class _Left:
    """A departure of the traced chain for a chain with a node."""

    chain: str
    key: str  # what the outbound's memo names
    address: str  # the destination the memo (or the indexer) names
    tx_hash: str
    block: int


def _departures(
    store: Store, graph: TransferGraph, chains: Sequence[str], actions: Sequence[MidgardAction]
) -> list[_Left]:
    """The crawled transactions' bridge departures for ``chains``: from their events, and
    from a Midgard export when the data has no logs (an explorer export)."""
    logs, _ = load_logs(store, graph.chain)
    found, _, _ = decode_logs(logs)
    mine = graph.find_tx
    out = [_Left(d.dest_chain, d.key, d.dest_address, d.log.tx_hash, d.log.block)
           for d in found if d.dest_chain is not None and d.dest_chain in chains
           and d.dest_address and (mine is None or mine(d.log.tx_hash))]  # fmt: skip
    known = {d.key for d in out}
    for action in actions:
        for inb in action.inbound if action.kind in ("swap", "refund") else ():
            refs = mine("0x" + inb.tx_id) if mine is not None and inb.tx_id else []
            if inb.asset.chain != graph.chain or not refs or inb.tx_id in known:
                continue
            block = graph.resolve(refs[:1])[refs[0]].block
            out += [_Left(o.asset.chain, inb.tx_id, o.address, "0x" + inb.tx_id, block)
                    for o in action.outbound if o.asset.chain in chains and o.address]  # fmt: skip
    return out


def _block_times(store: Store, chain: str, blocks: set[int]) -> dict[int, datetime]:
    """Block times from the crawler's cache and the imported transfers."""
    rows = store.conn.execute(
        "SELECT number, ts FROM evm_blocks WHERE chain = ? AND number IN (SELECT unnest(?)) "
        "UNION ALL SELECT block, min(ts) FROM trace_transfers WHERE chain = ? "
        "AND block IN (SELECT unnest(?)) GROUP BY block",
        [chain, sorted(blocks), chain, sorted(blocks)],
    ).fetchall()
    return {int(b): ts.astimezone(UTC) for b, ts in rows}


def _stops(labels: LabelBook, chain: str) -> Callable[[str], bool]:
    """Labelled services of ``chain``: the trace stops there, so the scan need not go on."""
    return lambda address: labels.endpoint(chain, address) is not None


def fetch_utxo_sides(
    store: Store, graph: TransferGraph, nodes: Mapping[str, BitcoinNode],
    params: TraceParams, labels: LabelBook, window: int, actions: Sequence[MidgardAction] = (),
) -> list[Anomaly]:  # fmt: skip
    """Store what each node shows of the departures' outbounds; anomalies for what stopped
    early (a departure whose block time is not known, a truncated scan)."""
    departures = _departures(store, graph, list(nodes), actions) if nodes else []
    if not departures:
        return []
    times = _block_times(store, graph.chain, {d.block for d in departures})
    anomalies = [Anomaly(graph.chain, d.tx_hash, "no-block-time",
                         f"block {d.block}: its time is not in the data; outbound not looked for")
                 for d in departures if d.block not in times]  # fmt: skip
    for chain, node in nodes.items():
        wanted = [Wanted(d.key, canonical_address(chain, d.address), times[d.block])
                  for d in departures if d.chain == chain and d.block in times]  # fmt: skip
        limits = ScanLimits(window, params.max_hops, params.max_addresses, params.until)
        found = scan_outbounds(node, wanted, limits, _stops(labels, chain))
        add_utxo_txs(store, found.txs, source=f"rpc:{node.shown}")
        if found.truncated:
            anomalies.append(Anomaly(chain, "", "scan-truncated",
                f"{params.max_addresses} outputs followed on {chain}: later spends not fetched"))  # fmt: skip
    return anomalies
