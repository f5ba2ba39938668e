"""One forward pass over a Bitcoin node's blocks: the bridge outbounds, then every spend.

Bitcoin Core keeps no address index and no spent-by index, so the way forward is the
chain itself, block by block: from a little before the earliest bridge departure (two hours:
block times may run that far behind) over ``window`` blocks past the latest one (a week by
default; ``--until`` ends it earlier). A transaction is kept when

* an ``OP_RETURN`` output carries ``OUT:``/``REFUND:`` naming one of the departures
  (THORChain's outbound): its outputs paying the memo's destination are followed; or
* it spends an output being followed: its outputs are followed in turn, up to the hop limit,
  except outputs paying a labelled service (the trace stops there) and the outputs of a
  CoinJoin-shaped transaction (a mixer endpoint).

Memos naming other inbounds (THORChain pays thousands of them) are not kept: only what
names this case's departures is evidence. The kept transactions go to the UTXO tracer, which
applies the policy exactly; this pass only decides what it needs to see.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from nkwatch.trace.bitcoind.node import BitcoinNode
from nkwatch.trace.bitcoind.wire import may_matter
from nkwatch.trace.bridges.thorchain import MemoError, OutMemo, parse_memo
from nkwatch.trace.cluster import coinjoin_kind
from nkwatch.trace.model import UtxoTx

SLACK = timedelta(hours=2)
BLOCKS_PER_STEP = 16


@dataclass(frozen=True, slots=True)
class Wanted:
    """A bridge departure whose outbound is looked for on this chain."""

    key: str  # the inbound hash as THORChain's memo names it (lower-case hex, no 0x)
    address: str | None  # the memo's destination: only its outputs are followed
    time: datetime  # when the departure was mined


@dataclass(frozen=True, slots=True)
class ScanLimits:
    window: int = 1008  # blocks past the latest departure (about a week of Bitcoin blocks)
    max_hops: int = 6
    max_outpoints: int = 100_000
    until: datetime | None = None


@dataclass
class ScanResult:
    txs: list[UtxoTx] = field(default_factory=list)
    first: int = 0  # heights scanned (inclusive)
    last: int = -1
    outbounds: int = 0  # transactions whose memo named a departure
    truncated: bool = False  # max_outpoints reached: later spends were not followed


@dataclass
class _Follower:
    wanted: dict[str, Wanted]
    limits: ScanLimits
    stop: Callable[[str], bool]
    result: ScanResult = field(default_factory=ScanResult)
    watched: dict[tuple[str, int], int] = field(default_factory=dict)  # outpoint -> hop
    found: set[str] = field(default_factory=set)  # departures whose outbound was seen
    spenders: set[str] = field(default_factory=set)  # kept for spending followed outputs
    kept: set[str] = field(default_factory=set)

    def keep(self, tx: UtxoTx) -> None:
        self.result.txs.append(tx)
        self.kept.add(tx.tx_hash)

    def see(self, tx: UtxoTx) -> None:
        if tx.tx_hash in self.kept:
            return
        hops = [self.watched.pop((i.prev_tx, i.prev_index), None) for i in tx.inputs]
        reached = [h for h in hops if h is not None]
        if reached:
            self.keep(tx)
            self.spenders.add(tx.tx_hash)
            hop = min(reached) + 1
            if coinjoin_kind(tx) is None and hop < self.limits.max_hops:
                self._watch(tx, hop, None)
            return
        named = self._named(tx)
        if named is not None:
            self.keep(tx)
            self.result.outbounds += 1
            self._watch(tx, 0, named.address)

    def _named(self, tx: UtxoTx) -> Wanted | None:
        for o in tx.outputs:
            if o.memo is None or not o.memo.upper().startswith(("OUT:", "REFUND:")):
                continue
            try:
                memo = parse_memo(o.memo)
            except MemoError:
                continue
            if isinstance(memo, OutMemo) and memo.inbound_tx in self.wanted:
                self.found.add(memo.inbound_tx)
                return self.wanted[memo.inbound_tx]
        return None

    def _watch(self, tx: UtxoTx, hop: int, only: str | None) -> None:
        for o in tx.outputs:
            if o.value <= 0 or o.address is None or (only is not None and o.address != only):
                continue
            if self.stop(o.address):
                continue
            if len(self.watched) >= self.limits.max_outpoints:
                self.result.truncated = True
                return
            self.watched[(tx.tx_hash, o.index)] = hop


def scan_outbounds(
    node: BitcoinNode, wanted: Sequence[Wanted], limits: ScanLimits, stop: Callable[[str], bool]
) -> ScanResult:
    """The outbounds of ``wanted`` and their onward spends (see the module docstring)."""
    follower = _Follower({w.key: w for w in wanted}, limits, stop)
    if not wanted:
        return follower.result
    tip = node.info().blocks
    start = node.height_at(min(w.time for w in wanted) - SLACK, tip)
    end = min(tip, node.height_at(max(w.time for w in wanted) - SLACK, tip) + limits.window)
    _walk(node, follower, start, end)
    return follower.result


def scan_from(
    node: BitcoinNode, seeds: Sequence[tuple[str, int | None]], limits: ScanLimits,
    stop: Callable[[str], bool],
) -> ScanResult:  # fmt: skip
    """A Bitcoin-only trace from seed transactions (``HASH`` or ``HASH:N``): each is found
    with ``getrawtransaction`` (``-txindex``) and its outputs are followed forward."""
    follower = _Follower({}, limits, stop)
    tip = node.info().blocks
    start = tip + 1
    for txid, n in seeds:
        height, tx = node.transaction(txid)
        start = min(start, height + 1)
        follower.keep(tx)
        for o in tx.outputs:
            if (n is None or o.index == n) and o.value > 0:
                follower.watched[(tx.tx_hash, o.index)] = 0
    end = min(tip, start - 1 + limits.window)
    _walk(node, follower, start, end)
    follower.result.txs.sort(key=lambda t: t.block)  # stable: a block's order is kept
    return follower.result


def _walk(node: BitcoinNode, follower: _Follower, start: int, end: int) -> None:
    result = follower.result
    result.first, result.last = start, start - 1
    until = follower.limits.until
    for step in range(start, end + 1, BLOCKS_PER_STEP):
        for block in node.blocks(range(step, min(step + BLOCKS_PER_STEP, end + 1))):
            if until is not None and block.time > until.timestamp():
                _fill(node, follower)
                return
            result.last = block.height
            for tx in block.tx:
                if may_matter(tx, follower.watched):
                    follower.see(node.convert(block, tx))
        if not follower.watched and len(follower.found) == len(follower.wanted):
            break  # nothing followed is unspent and every outbound was seen
    _fill(node, follower)


def _fill(node: BitcoinNode, follower: _Follower) -> None:
    """The spent outputs of the transactions that spend followed ones (the policies
    weigh every input); an outbound's own inputs (the bridge vault's) are not needed."""
    txs = follower.result.txs
    filled = iter(node.with_prevouts([t for t in txs if t.tx_hash in follower.spenders]))
    follower.result.txs = [next(filled) if t.tx_hash in follower.spenders else t for t in txs]
