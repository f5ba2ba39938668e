"""``nkwatch trace run --chain bitcoin --rpc URL --seed-tx HASH[:N]``: a Bitcoin trace
straight from a node. The seed transactions are found with ``getrawtransaction`` (the node
needs ``-txindex``), their outputs followed forward block by block (:mod:`.scan`), and the
transactions found traced by the UTXO tracer; they are stored too (source ``rpc:<node>``)."""

from __future__ import annotations

from collections.abc import Sequence

from nkwatch.errors import UserError
from nkwatch.store import Store
from nkwatch.trace.bitcoind import ScanLimits, open_node, scan_from
from nkwatch.trace.labels import LabelBook
from nkwatch.trace.params import Seed, TraceParams
from nkwatch.trace.report_model import TraceReport


def _outpoints(seeds: Sequence[Seed]) -> list[tuple[str, int | None]]:
    if any(s.tx_hash is None for s in seeds):
        raise UserError("a Bitcoin node has no address index: seed it with --seed-tx "
                        "HASH[:N] (or import the data and seed addresses)", where="--seed")  # fmt: skip
    out: list[tuple[str, int | None]] = []
    for seed in seeds:
        txid, _, n = (seed.tx_hash or "").partition(":")
        if len(txid) != 64 or (n and not n.isdigit()):
            raise UserError(f"a node seed is a full transaction id [:N], not {seed.tx_hash!r}",
                            where="--seed-tx")  # fmt: skip
        out.append((txid.lower(), int(n) if n else None))
    return out


def trace_from_node(
    store: Store, url: str, chain: str, seeds: Sequence[Seed], params: TraceParams,
    labels: LabelBook, scan_blocks: int,
) -> TraceReport:  # fmt: skip
    from nkwatch.trace.report import build_report
    from nkwatch.trace.repository import add_utxo_txs
    from nkwatch.trace.utxo import trace_utxo

    wanted = _outpoints(seeds)
    limits = ScanLimits(scan_blocks, params.max_hops, params.max_addresses, params.until)
    with open_node(url, chain) as node:
        found = scan_from(node, wanted, limits, lambda a: labels.endpoint(chain, a) is not None)
    add_utxo_txs(store, found.txs, source=f"rpc:{node.shown}")
    return build_report(trace_utxo(found.txs, seeds, params, labels))
