"""UTXO-model tracing: taint lives on outputs and is split by the policy at every spend.

Transactions are processed in block order (and, inside a block, parents before
children). For a transaction spending tainted outputs, the policy's split function (see
``policies``) divides the inputs' taint over the outputs in order and the fee (last), so
FIFO is Clayton's case by input order. Outputs paying a labelled service are endpoints;
a CoinJoin-shaped transaction is a mixer endpoint ("entered CoinJoin"); outputs beyond the
hop limit keep their taint (still at addresses); tainted outputs below the dust threshold
are booked as dust. ``report.build_report`` makes the same report as for the account model.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from nkwatch.chains import find_chain
from nkwatch.errors import UserError
from nkwatch.store import Store
from nkwatch.trace.cluster import coinjoin_kind, multi_input_clusters
from nkwatch.trace.labels import Label, LabelBook
from nkwatch.trace.model import TxInput, TxOutput, UtxoTx
from nkwatch.trace.params import Seed, TraceParams
from nkwatch.trace.policies import get_policy
from nkwatch.trace.report_model import DeliveryTx, Flow
from nkwatch.trace.tally import EndpointLabel, EndpointTally, whole

UTXO_DECIMALS = 8
MAX_FLOWS = 400


def load_utxo_txs(store: Store, chain: str) -> list[UtxoTx]:
    conn = store.conn
    outs: dict[str, list[TxOutput]] = defaultdict(list)
    for h, n, a, v, m in conn.execute(
        "SELECT tx_hash, n, address, value, memo FROM trace_utxo_outputs WHERE chain = ? "
        "ORDER BY tx_hash, n",
        [chain],
    ).fetchall():
        outs[h].append(TxOutput(int(n), a, int(v), m))
    ins: dict[str, list[TxInput]] = defaultdict(list)
    for h, _n, p, pn, a, v in conn.execute(
        "SELECT tx_hash, n, prev_tx, prev_n, address, value FROM trace_utxo_inputs WHERE chain = ? ORDER BY tx_hash, n",
        [chain],
    ).fetchall():
        ins[h].append(TxInput(p, int(pn), a, None if v is None else int(v)))
    rows = conn.execute(
        "SELECT tx_hash, block, ts, coinbase FROM trace_utxo_txs WHERE chain = ? ORDER BY block, tx_hash",
        [chain],
    ).fetchall()
    txs = [UtxoTx(chain, h, int(b), ts.astimezone(UTC), tuple(ins.get(h, ())), tuple(outs.get(h, ())), bool(cb))
           for h, b, ts, cb in rows]  # fmt: skip
    return _parents_first(txs)


def _parents_first(txs: list[UtxoTx]) -> list[UtxoTx]:
    """Stable order by block; inside a block a spending tx comes after the tx it spends."""
    by_block: dict[int, list[UtxoTx]] = defaultdict(list)
    for tx in txs:
        by_block[tx.block].append(tx)
    ordered: list[UtxoTx] = []
    for block in sorted(by_block):
        pending = by_block[block]
        hashes = {t.tx_hash for t in pending}
        done: set[str] = set()
        while pending:
            ready = [
                t
                for t in pending
                if all(i.prev_tx not in hashes or i.prev_tx in done for i in t.inputs)
            ]
            if not ready:  # a cycle cannot happen on a valid chain; keep the data's order
                ready = pending
            ordered.extend(ready)
            done.update(t.tx_hash for t in ready)
            pending = [t for t in pending if t.tx_hash not in done]
    return ordered


@dataclass
class UtxoTrace:
    """Where the traced value went, per output: the UTXO tracer's result."""

    params: TraceParams
    seeds: tuple[Seed, ...]
    symbol: str  # the chain's native asset
    n_txs: int = 0
    # (tx, output) -> (value tainted, hop, address)
    taint: dict[tuple[str, int], tuple[int, int, str]] = field(default_factory=dict)
    seeded: int = 0
    fees: int = 0
    dust: int = 0
    endpoints: dict[str, EndpointTally] = field(default_factory=dict)
    flows: list[Flow] = field(default_factory=list)
    clusters: dict[str, str] = field(default_factory=dict)
    coinjoins: list[tuple[str, str]] = field(default_factory=list)


def _match(h: str, wanted: str) -> bool:
    """Prefix match either way: some published txids lost their final digit."""
    return h.startswith(wanted) or (len(wanted) >= 60 and wanted.startswith(h))


def _taint_all(state: UtxoTrace, tx: UtxoTx, o: TxOutput, amount: int | None = None) -> None:
    """A seeded output is stolen in full (or ``amount`` of it: a bridge's converted share);
    only what was not tainted already is new."""
    before = state.taint.get((tx.tx_hash, o.index), (0, 0, ""))[0]
    value = o.value if amount is None else min(max(amount, before), o.value)
    state.taint[(tx.tx_hash, o.index)] = (value, 0, o.address or "?")
    state.seeded += value - before


def _seed(
    state: UtxoTrace, tx: UtxoTx, seeds: Sequence[Seed], since: dict[str, datetime | None]
) -> None:
    for seed in seeds:
        if seed.tx_hash is None:
            continue
        wanted, _, n = seed.tx_hash.lower().partition(":")
        if _match(tx.tx_hash.lower(), wanted):
            for o in tx.outputs:
                if (not n or o.index == int(n)) and o.value > 0:
                    _taint_all(state, tx, o, seed.amount)
    for o in tx.outputs:
        if o.address is None or o.address not in since or o.value == 0:
            continue
        start = since[o.address]
        if start is None or tx.timestamp >= start:
            _taint_all(state, tx, o)


def _seeded_at_services(state: UtxoTrace, tx: UtxoTx, labels: LabelBook) -> None:
    """A seed output paying a labelled service (a bridge's outbound straight to an exchange
    deposit address) is already at that service."""
    for o in tx.outputs:
        held = state.taint.get((tx.tx_hash, o.index))
        label = labels.endpoint(tx.chain, o.address) if held and o.address else None
        if held and label is not None:
            del state.taint[(tx.tx_hash, o.index)]
            _hit(state, o.address or "?", _label(label), tx, held[0], 0)


_COINJOIN = EndpointLabel("", "mixer", 0.9, "coinjoin shape", None, None)


def _hit(
    state: UtxoTrace, key: str, label: EndpointLabel, tx: UtxoTx, amount: int, hop: int
) -> None:
    time = tx.timestamp.isoformat()
    hit = state.endpoints.get(key)
    if hit is None:
        hit = state.endpoints[key] = EndpointTally(key, label, hop, time, (key,))
    delivery = DeliveryTx(tx_hash=tx.tx_hash, block=tx.block, time=time, from_address=None,
                          symbol=state.symbol, amount=whole(amount, UTXO_DECIMALS))  # fmt: skip
    hit.add(delivery, amount, UTXO_DECIMALS, hop, max_txs=None)


def _label(label: Label) -> EndpointLabel:
    return EndpointLabel(label.service, label.category, label.confidence, label.source,
                         label.source_date, label.detail)  # fmt: skip


def _spend(
    state: UtxoTrace, tx: UtxoTx, params: TraceParams, labels: LabelBook, min_taint: int
) -> None:
    spent = [state.taint.pop((i.prev_tx, i.prev_index), None) for i in tx.inputs]
    if not any(spent):
        return
    live = [s if s and s[1] < params.max_hops else None for s in spent]
    for s, inp in zip(spent, tx.inputs, strict=True):
        if s and s[1] >= params.max_hops:  # beyond the horizon: stays where it was last seen
            state.taint[(inp.prev_tx, inp.prev_index)] = s
    if not any(live):
        return
    hop = min(s[1] for s in live if s) + 1
    values = [i.value or 0 for i in tx.inputs]
    pairs = [(v, min(s[0], v) if s else 0) for v, s in zip(values, live, strict=True)]
    tainted = sum(t for _, t in pairs)
    kind = coinjoin_kind(tx)
    if kind is not None:
        mixer = replace(_COINJOIN, service=f"CoinJoin ({kind})")
        _hit(state, f"coinjoin:{tx.tx_hash}", mixer, tx, tainted, hop)
        return
    fee = max(sum(values) - sum(o.value for o in tx.outputs), 0)
    split = get_policy(params.policy).split(pairs, [o.value for o in tx.outputs] + [fee])
    state.fees += split[-1]
    for o, t in zip(tx.outputs, split[:-1], strict=True):
        if t <= 0:
            continue
        if t < min_taint:
            state.dust += t
            continue
        label = labels.endpoint(tx.chain, o.address) if o.address else None
        if label is not None:
            _hit(state, o.address or "?", _label(label), tx, t, hop)
        else:
            state.taint[(tx.tx_hash, o.index)] = (t, hop, o.address or "?")
        if len(state.flows) < MAX_FLOWS:
            sources = [s[2] for s in live if s]
            state.flows.append(Flow(from_address=sources[0], to=o.address or "?", symbol=state.symbol,
                                    amount=whole(t, UTXO_DECIMALS), hop=hop, time=tx.timestamp.isoformat()))  # fmt: skip


def trace_utxo(
    txs: Sequence[UtxoTx], seeds: Sequence[Seed], params: TraceParams, labels: LabelBook
) -> UtxoTrace:
    """Trace UTXO seeds (``report.build_report`` turns the result into the report)."""
    get_policy(params.policy)
    if not seeds:
        raise UserError(
            "no seed given: pass --seed ADDRESS and/or --seed-tx HASH[:N]", where="--seed"
        )
    since = {s.address: s.since for s in seeds if s.address}
    min_taint = int(params.min_amount.scaleb(UTXO_DECIMALS))
    chain = find_chain(params.chain)
    state = UtxoTrace(params, tuple(seeds), chain.symbol if chain else "BTC", n_txs=len(txs))
    until = params.until
    for tx in txs:
        if until is not None and tx.timestamp > until:
            break
        _spend(state, tx, params, labels, min_taint)
        _seed(state, tx, seeds, since)
        _seeded_at_services(state, tx, labels)
    if state.seeded == 0:
        raise UserError("the seeds match no transaction output in the store", where="--seed")
    state.clusters, state.coinjoins = multi_input_clusters(txs)
    return state
