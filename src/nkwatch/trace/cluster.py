"""Bitcoin address clustering (multi-input heuristic) with CoinJoin transactions excluded.

All inputs of one transaction are assumed to be controlled by one wallet, unless the
transaction is a CoinJoin, where many users sign one transaction by design. CoinJoins are
recognised by their shape:

* **Whirlpool** (Samourai): exactly 5 inputs and 5 outputs, all outputs equal to a pool
  denomination (0.001, 0.01, 0.05, 0.5 BTC);
* **Wasabi** (WabiSabi/ZeroLink): many inputs (>= 10) and a most-common output value
  shared by >= 10 outputs (Wasabi 1) or many repeated standard denominations (Wasabi 2);
* **JoinMarket**: n >= 3 outputs of one equal value, at most n other (change) outputs, and
  at least n inputs.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from nkwatch.trace.model import UtxoTx

WHIRLPOOL_POOLS = frozenset({100_000, 1_000_000, 5_000_000, 50_000_000})


def coinjoin_kind(tx: UtxoTx) -> str | None:
    """ "whirlpool" / "wasabi" / "joinmarket" when the transaction has that shape, else None."""
    values = [o.value for o in tx.outputs if o.value > 0]
    if tx.coinbase or len(tx.inputs) < 2 or len(values) < 3:
        return None
    if (
        len(tx.inputs) == 5
        and len(values) == 5
        and len(set(values)) == 1
        and values[0] in WHIRLPOOL_POOLS
    ):
        return "whirlpool"
    counts = Counter(values)
    value, equal = counts.most_common(1)[0]
    repeated = sum(n for n in counts.values() if n >= 2)
    if len(tx.inputs) >= 10 and (equal >= 10 or (repeated >= 20 and len(values) >= 30)):
        return "wasabi"
    if equal >= 3 and len(values) - equal <= equal and len(tx.inputs) >= equal and value > 0:
        return "joinmarket"
    return None


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        self.parent.setdefault(x, x)
        root = x
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[x] != root:
            self.parent[x], x = root, self.parent[x]
        return root

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def multi_input_clusters(txs: Iterable[UtxoTx]) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """(address -> cluster id, [(coinjoin tx hash, kind)]); the id is the cluster's least address."""
    uf = _UnionFind()
    coinjoins: list[tuple[str, str]] = []
    for tx in txs:
        addresses = [i.address for i in tx.inputs if i.address]
        for o in tx.outputs:
            if o.address:
                uf.find(o.address)
        kind = coinjoin_kind(tx)
        if kind is not None:
            coinjoins.append((tx.tx_hash, kind))
            for a in addresses:
                uf.find(a)
            continue
        for a in addresses[1:]:
            uf.union(addresses[0], a)
        if addresses:
            uf.find(addresses[0])
    return {a: uf.find(a) for a in uf.parent}, coinjoins
