"""The synthetic chain with swaps and THORChain bridging: a share of the thefts launder
through a DEX pool and the THORChain router into Bitcoin, with exact ground truth.

On top of :func:`synthetic.generate` (native ``SYN`` traffic and single-chain laundering),
a share of the background moves a token ``TOK``; each cross-chain theft's thief receives
stolen ``TOK``, swaps it at a pool for ``SYN`` in one transaction (two legs, a Uniswap-V2
``Swap`` log), deposits all of it at the THORChain router (router -> vault leg, ``Deposit``
log with a ``=:b:<btc address>`` memo), and the Bitcoin side pays that address with an
``OUT:<deposit hash>`` OP_RETURN; the address then deposits at a labelled Bitcoin exchange.
Thieves hold nothing else, so the BTC amount at each exchange is exact under every policy.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np

from nkwatch.trace.bridges import thorchain
from nkwatch.trace.bridges.abi import EvmLog, encode_dynamic, encode_words
from nkwatch.trace.graph import EdgeInfo, TransferGraph
from nkwatch.trace.labels import Label, LabelBook
from nkwatch.trace.model import Asset, TxInput, TxOutput, UtxoTx
from nkwatch.trace.swaps import UNISWAP_V2_SWAP
from nkwatch.trace.synthetic import CHAIN, HORIZON, generate

TOKEN = "0x" + "70" * 20
BTC_VAULT = "bc1qsynvault"


@dataclass
class CrossSynthetic:
    graph: TransferGraph
    labels: LabelBook
    logs: list[EvmLog]
    btc: list[UtxoTx]
    thieves: list[str]
    token_key: str
    truth: dict[str, int]  # Bitcoin exchange address -> exact satoshi reaching it
    planted: int  # cross-chain cash-outs planted


def _hex(n: int, width: int = 40) -> str:
    return "0x" + f"{n:0{width}x}"


def _topic(n: int) -> str:
    return "0x" + f"{n:064x}"


@dataclass
class _Rows:
    src: list[int]
    dst: list[int]
    amount: list[int]
    ts: list[int]
    asset: list[int]
    tx: list[int]
    leg: list[int]

    def add(self, s: int, d: int, a: int, t: int, asset: int, tx: int, leg: int) -> None:
        for col, v in zip((self.src, self.dst, self.amount, self.ts, self.asset, self.tx, self.leg),
                          (s, d, a, t, asset, tx, leg), strict=True):  # fmt: skip
            col.append(v)


def _btc_side(
    rng: np.random.Generator, outs: Sequence[tuple[str, str, int, int]]
) -> tuple[list[UtxoTx], dict[str, int]]:
    """Vault funding, one outbound per bridged theft (change chained), the cash-out deposits."""

    def when(t: int) -> datetime:
        return datetime.fromtimestamp(t, UTC)

    total = sum(o[2] for o in outs) + 10**9
    fund = UtxoTx("bitcoin", f"{0xF0:064x}", 1, when(0), (), (TxOutput(0, BTC_VAULT, total),), True)
    txs: list[UtxoTx] = [fund]
    truth: dict[str, int] = {}
    prev, change = fund.tx_hash, total
    for k, (dep_hash, dest, sats, t) in enumerate(outs):
        out_hash = f"{0xB000000 + k:064x}"
        change -= sats
        txs.append(UtxoTx("bitcoin", out_hash, 2 + 2 * k, when(t + 600), (TxInput(prev, 1 if k else 0, BTC_VAULT, change + sats),),
                          (TxOutput(0, dest, sats), TxOutput(1, BTC_VAULT, change),
                           TxOutput(2, None, 0, "OUT:" + dep_hash[2:].upper()))))  # fmt: skip
        prev = out_hash
        exchange = f"bc1qsyndeposit{k:06d}"  # each cash-out: its own exchange deposit address
        fee = int(rng.integers(1_000, 20_000))
        txs.append(UtxoTx("bitcoin", f"{0xC000000 + k:064x}", 3 + 2 * k, when(t + 1800),
                          (TxInput(out_hash, 0, dest, sats),), (TxOutput(0, exchange, sats - fee),)))  # fmt: skip
        truth[exchange] = truth.get(exchange, 0) + sats - fee
    return txs, truth


@dataclass
class _Plant:
    """The cross-chain laundering rows, logs and Bitcoin outbounds of all thefts."""

    rows: _Rows
    logs: list[EvmLog]
    outs: list[tuple[str, str, int, int]]  # (deposit hash, btc address, sats, time)
    thieves: list[str]
    fresh: int  # next free address id


def _plant(rng: np.random.Generator, n_cross: int, first: int, tx: int) -> _Plant:
    """Per theft: stolen TOK to a fresh thief, a two-leg swap at the pool (with its Swap
    log), a two-leg THORChain deposit (with its Deposit log); ids from ``first``/``tx``."""
    pool, router, vault, victim = first, first + 1, first + 2, first + 3
    plant = _Plant(_Rows([], [], [], [], [], [], []), [], [], [], first + 4)
    for k in range(n_cross):
        thief = plant.fresh
        plant.fresh += 1
        plant.thieves.append(_hex(thief))
        t = int(rng.integers(0, int(HORIZON * 0.8)))
        loot = int(rng.integers(10**11, 10**12))
        eth = loot * int(rng.integers(50, 200))
        rows = plant.rows
        rows.add(victim, thief, loot, t, 1, tx, 0)
        rows.add(thief, pool, loot, t + 60, 1, tx + 1, 0)  # the swap: both legs, one tx
        rows.add(pool, thief, eth, t + 60, 0, tx + 1, 1)
        plant.logs.append(EvmLog(CHAIN, _topic(tx + 1), 1, t + 60, _hex(pool),
                                 (UNISWAP_V2_SWAP, _topic(thief), _topic(thief)),
                                 encode_words(loot, 0, 0, eth)))  # fmt: skip
        rows.add(thief, router, eth, t + 120, 0, tx + 2, 0)  # the THORChain deposit
        rows.add(router, vault, eth, t + 120, 0, tx + 2, 1)
        dest = f"bc1qsyndest{k:06d}"
        plant.logs.append(EvmLog(CHAIN, _topic(tx + 2), 0, t + 120, _hex(router),
                                 (thorchain.DEPOSIT_TOPIC, _topic(vault), _topic(0)),
                                 encode_dynamic([eth, f"=:b:{dest}:0/1/0".encode()])))  # fmt: skip
        plant.outs.append((_topic(tx + 2), dest, int(rng.integers(10**6, 10**9)), t + 120))
        tx += 3
    return plant


def _graph(g: TransferGraph, token_rows: np.ndarray, plant: _Plant, seed: int) -> TransferGraph:
    """The base graph plus the planted rows, in (time, transaction, leg) order; transaction
    hashes from the per-row transaction ids, so a swap's two legs share one."""
    rows = plant.rows
    src = np.concatenate([g.src, np.array(rows.src, np.int32)])
    dst = np.concatenate([g.dst, np.array(rows.dst, np.int32)])
    ts = np.concatenate([g.ts, np.array(rows.ts, np.int64)])
    amount = np.concatenate([g.amount, np.array(rows.amount, np.int64)])
    asset = np.concatenate([token_rows.astype(np.int16), np.array(rows.asset, np.int16)])
    txid = np.concatenate([np.arange(g.n_edges, dtype=np.int64), np.array(rows.tx, np.int64)])
    leg = np.concatenate([np.zeros(g.n_edges, np.int64), np.array(rows.leg, np.int64)])
    order = np.lexsort((leg, txid, ts))
    txid_sorted = txid[order]
    by_hash = {_topic(int(t)): i for i, t in enumerate(txid_sorted.tolist()) if t >= g.n_edges}

    def resolve(refs: Sequence[int]) -> dict[int, EdgeInfo]:
        return {int(r): EdgeInfo(_topic(int(txid_sorted[int(r)])), int(r)) for r in refs}

    def find_tx(tx_hash: str) -> list[int]:
        i = by_hash.get(tx_hash.lower())
        if i is None:
            return []
        same = np.flatnonzero(txid_sorted[max(i - 4, 0) : i + 5] == txid_sorted[i]) + max(i - 4, 0)
        return same.astype(int).tolist()

    return TransferGraph(
        chain=CHAIN, addresses=g.addresses + [_hex(i) for i in range(g.n_addresses, plant.fresh)],
        assets=[g.assets[0], Asset(CHAIN, "TOK", 6, TOKEN)],
        unit_exp=[0, 0], src=src[order], dst=dst[order], ts=ts[order], amount=amount[order],
        fee=np.zeros(len(order), np.int64), asset=asset[order],
        ref=np.arange(len(order), dtype=np.int64), resolve=resolve,
        data_version=f"synthetic-cross seed={seed} n={len(order)}", find_tx=find_tx,
    )  # fmt: skip


def generate_cross(
    n_transfers: int,
    *,
    seed: int = 7,
    n_thefts: int = 20,
    n_cross: int = 20,
    token_share: float = 0.3,
) -> CrossSynthetic:
    """About ``n_transfers`` transfers; ``n_cross`` thefts go through a swap and THORChain."""
    base = generate(n_transfers, seed=seed, n_thefts=n_thefts)
    g = base.graph
    rng = np.random.default_rng(seed + 1)
    launder0 = g.n_addresses - n_thefts * 60
    token_rows = (g.src < launder0) & (g.dst < launder0) & (rng.random(g.n_edges) < token_share)
    plant = _plant(rng, n_cross, g.n_addresses, g.n_edges)
    graph = _graph(g, token_rows, plant, seed)
    btc, truth = _btc_side(rng, plant.outs)
    pool, router = _hex(g.n_addresses), _hex(g.n_addresses + 1)
    labels = LabelBook(
        base.labels.all()
        + [Label(CHAIN, pool, "Synthetic DEX", "dex", 0.95, "synthetic"),
           Label(CHAIN, router, "THORChain", "bridge", 0.95, "synthetic")]
        + [Label("bitcoin", f"bc1qsyndeposit{k:06d}", f"BTC Exchange {k % 10}", "exchange", 0.95,
                 "synthetic") for k in range(n_cross)]
    )  # fmt: skip
    return CrossSynthetic(graph, labels, plant.logs, btc, plant.thieves, f"{CHAIN}:{TOKEN}",
                          truth, n_cross)  # fmt: skip
