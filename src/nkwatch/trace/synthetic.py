"""A reproducible synthetic account-model chain with laundering ground truth.

Background: power-law (Pareto-weighted) user-to-user traffic, deposits into per-user
exchange deposit addresses that sweep to labelled hot wallets, withdrawals from hot
wallets, mixer deposits/withdrawals and bridge deposits. Laundering: each theft's thief
fans the loot out to fresh addresses; each branch runs a peel chain that peels amounts
off into exchange deposit addresses, and ends at a deposit address, a mixer or a bridge.
Laundering addresses receive only stolen value, so the ground truth (amount per cash-out
endpoint) is exact under every policy. Built directly as numpy columns (no Python object
per transfer), so 10M+ transfers generate in seconds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from nkwatch.store import Store
from nkwatch.trace.graph import EdgeInfo, TransferGraph
from nkwatch.trace.labels import Label, LabelBook
from nkwatch.trace.model import Asset
from nkwatch.trace.repository import count_transfers

CHAIN = "synthetic"
HORIZON = 100_000_000  # seconds of simulated history


@dataclass
class Synthetic:
    graph: TransferGraph
    labels: LabelBook
    thieves: list[str]
    theft_times: list[int]
    truth: dict[str, int]  # endpoint address -> exact stolen base units that reach it
    stolen: int


def _address(i: int) -> str:
    return f"0x{i:040x}"


def _resolve(refs: Sequence[int]) -> dict[int, EdgeInfo]:
    return {int(r): EdgeInfo(f"0x{int(r):064x}", int(r)) for r in refs}


@dataclass
class Layout:
    hot: int
    mixers: int
    bridges: int
    deposits: int
    users: int
    launder: int

    def start(self, part: str) -> int:
        order = ["hot", "mixers", "bridges", "deposits", "users", "launder"]
        return sum(getattr(self, p) for p in order[: order.index(part)])


def layout(n_transfers: int, n_thefts: int) -> Layout:
    """Address ranges: hot wallets, mixers, bridges, deposit addresses, users, launderers."""
    return Layout(hot=20, mixers=5, bridges=3, deposits=max(200, n_transfers // 50),
                   users=max(1000, n_transfers // 10), launder=n_thefts * 60)  # fmt: skip


def user_cdf(rng: np.random.Generator, lay: Layout) -> np.ndarray:
    """Pareto activity weights of the users, as a cumulative distribution."""
    weights = rng.pareto(1.2, lay.users) + 1
    return np.cumsum(weights / weights.sum())


def traffic(
    rng: np.random.Generator, n: int, lay: Layout, cdf: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``n`` background transfers (sender, receiver, amount), without their times."""
    u0, d0 = lay.start("users"), lay.start("deposits")

    def users(k: int) -> np.ndarray:
        u = rng.random(k)
        order = np.argsort(u)  # sorted look-ups stay in cache (the same indexes, faster)
        at = np.empty(k, np.int64)
        at[order] = np.searchsorted(cdf, u[order])
        return u0 + np.minimum(at, lay.users - 1)

    kind = rng.choice(6, size=n, p=[0.62, 0.18, 0.1, 0.06, 0.02, 0.02])
    src = users(n)
    dst = users(n)
    dep_owner = rng.integers(0, lay.deposits, n)
    dst = np.where(kind == 1, d0 + dep_owner, dst)  # user -> own deposit address
    hot_of = (np.arange(lay.deposits) % lay.hot).astype(np.int64)
    sweep_dep = rng.integers(0, lay.deposits, n)
    src = np.where(kind == 2, d0 + sweep_dep, src)  # deposit address sweeps to its hot wallet
    dst = np.where(kind == 2, hot_of[sweep_dep], dst)
    src = np.where(kind == 3, rng.integers(0, lay.hot, n), src)  # withdrawals
    m0, b0 = lay.start("mixers"), lay.start("bridges")
    dst = np.where(kind == 4, m0 + rng.integers(0, lay.mixers, n), dst)
    src = np.where((kind == 5) & (rng.random(n) < 0.5), m0 + rng.integers(0, lay.mixers, n), src)
    dst = np.where(
        (kind == 5) & (src < m0 + lay.mixers) & (src >= m0),
        dst,
        np.where(kind == 5, b0 + rng.integers(0, lay.bridges, n), dst),
    )
    amount = np.minimum(rng.lognormal(16, 2, n), 1e13).astype(np.int64) + 1
    return src, dst, amount


def final_sweeps(rng: np.random.Generator, lay: Layout) -> tuple[np.ndarray, ...]:
    """Every deposit address swept once to its hot wallet at the end of the history."""
    d0 = lay.start("deposits")
    src = d0 + np.arange(lay.deposits)
    dst = (np.arange(lay.deposits) % lay.hot).astype(np.int64)
    amount = rng.integers(1, 10**9, lay.deposits)
    return src, dst, amount, HORIZON - rng.integers(1, 1000, lay.deposits)


def _background(rng: np.random.Generator, n: int, lay: Layout) -> tuple[np.ndarray, ...]:
    src, dst, amount = traffic(rng, n, lay, user_cdf(rng, lay))
    ts = rng.integers(0, HORIZON, n)
    fs, fd, fa, ft = final_sweeps(rng, lay)
    src, dst = np.concatenate([src, fs]), np.concatenate([dst, fd])
    amount, ts = np.concatenate([amount, fa]), np.concatenate([ts, ft])
    return src.astype(np.int32), dst.astype(np.int32), amount, ts.astype(np.int64)


def launder(
    rng: np.random.Generator, n_thefts: int, lay: Layout
) -> tuple[list[tuple[int, int, int, int]], dict[int, int], list[int], list[int], int]:
    rows: list[tuple[int, int, int, int]] = []
    truth: dict[int, int] = {}
    fresh = lay.start("launder")
    d0, m0, b0 = lay.start("deposits"), lay.start("mixers"), lay.start("bridges")
    thieves, times, stolen = [], [], 0
    for _ in range(n_thefts):
        thief = fresh
        fresh += 1
        t = int(rng.integers(0, int(HORIZON * 0.8)))
        thieves.append(thief)
        times.append(t)
        loot = int(rng.integers(10**11, 10**12))
        stolen += loot
        parts = rng.dirichlet(np.ones(int(rng.integers(3, 9))))
        amounts = (parts * loot).astype(np.int64)
        amounts[-1] += loot - amounts.sum()
        for part in amounts.tolist():
            t += int(rng.integers(60, 3600))
            node = fresh
            fresh += 1
            rows.append((thief, node, part, t))
            left = part
            for _step in range(int(rng.integers(1, 5))):
                peel = int(left * rng.uniform(0.05, 0.3))
                dep = d0 + int(rng.integers(0, lay.deposits))
                t += int(rng.integers(60, 7200))
                rows.append((node, dep, peel, t))
                truth[dep] = truth.get(dep, 0) + peel
                left -= peel
                nxt = fresh
                fresh += 1
                t += int(rng.integers(60, 7200))
                rows.append((node, nxt, left, t))
                node = nxt
            end = int(rng.choice(3, p=[0.7, 0.2, 0.1]))
            dest = [
                d0 + int(rng.integers(0, lay.deposits)),
                m0 + int(rng.integers(0, lay.mixers)),
                b0 + int(rng.integers(0, lay.bridges)),
            ][end]
            t += int(rng.integers(60, 7200))
            rows.append((node, dest, left, t))
            truth[dest] = truth.get(dest, 0) + left
    return rows, truth, thieves, times, stolen


def generate(n_transfers: int, *, seed: int = 7, n_thefts: int = 20) -> Synthetic:
    """About ``n_transfers`` transfers (background + laundering), reproducible from ``seed``."""
    rng = np.random.default_rng(seed)
    lay = layout(n_transfers, n_thefts)
    rows, truth, thieves, times, stolen = launder(rng, n_thefts, lay)
    src, dst, amount, ts = _background(rng, max(n_transfers - len(rows) - lay.deposits, 0), lay)
    if rows:
        lr = np.array(rows, np.int64)
        src = np.concatenate([src, lr[:, 0].astype(np.int32)])
        dst = np.concatenate([dst, lr[:, 1].astype(np.int32)])
        amount = np.concatenate([amount, lr[:, 2]])
        ts = np.concatenate([ts, lr[:, 3]])
    order = np.argsort(ts, kind="stable")
    n_addr = lay.start("launder") + lay.launder
    addresses = [_address(i) for i in range(n_addr)]
    graph = TransferGraph(
        chain=CHAIN, addresses=addresses, assets=[Asset(CHAIN, "SYN", 8)], unit_exp=[0],
        src=src[order], dst=dst[order], ts=ts[order], amount=amount[order],
        fee=np.zeros(len(order), np.int64), asset=np.zeros(len(order), np.int16),
        ref=np.arange(len(order), dtype=np.int64), resolve=_resolve,
        data_version=f"synthetic seed={seed} n={len(order)}",
    )  # fmt: skip
    return Synthetic(graph, labels(lay), [_address(t) for t in thieves], times,
                     {_address(a): v for a, v in truth.items()}, stolen)  # fmt: skip


def labels(lay: Layout) -> LabelBook:
    """The labelled services: exchange hot wallets, mixers and bridges."""
    return LabelBook(
        [Label(CHAIN, _address(i), f"Exchange {i}", "exchange", 0.95, "synthetic") for i in range(lay.hot)]
        + [Label(CHAIN, _address(lay.start("mixers") + i), f"Mixer {i}", "mixer", 0.95, "synthetic") for i in range(lay.mixers)]
        + [Label(CHAIN, _address(lay.start("bridges") + i), f"Bridge {i}", "bridge", 0.95, "synthetic", detail="to chain B") for i in range(lay.bridges)]
    )  # fmt: skip


def store_synthetic(store: Store, syn: Synthetic) -> int:
    """Write a synthetic chain into the transfer store (bulk Arrow insert; strings built in SQL)."""
    g = syn.graph
    table = pa.table({"i": g.ref, "s": g.src, "d": g.dst, "a": g.amount, "t": g.ts})
    before = count_transfers(store, CHAIN)
    with store.transaction() as conn:
        conn.register("_nk_syn", table)
        try:
            conn.execute(
                "INSERT OR IGNORE INTO trace_transfers SELECT ?, printf('0x%064x', i), 0, 'native', "
                "printf('0x%040x', s), printf('0x%040x', d), '', 'SYN', 8, a, i, to_timestamp(t), 0, false, "
                "'synthetic' FROM _nk_syn",
                [CHAIN],
            )
        finally:
            conn.unregister("_nk_syn")
    return count_transfers(store, CHAIN) - before
