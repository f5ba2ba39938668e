"""The synthetic chain generated slice by slice in time order, for lakes past one process.

``trace.synthetic.generate`` builds the whole chain in memory (about 160 bytes a transfer
with its address strings: 16 GB at 100M). This generator draws the same chain shape (the
same address layout, Pareto user traffic, deposit addresses and their sweeps, hot-wallet
withdrawals, mixers, bridges, and the same laundering with its exact ground truth) but
yields it in time slices of at most ``SLICE`` transfers, each already in time order. What it
carries from slice to slice is only what every slice needs: the users' activity
distribution, the laundering rows (a few hundred per theft) and the final sweeps of the
deposit addresses (two per cent of the transfers), which fall into the last slice.

Background times are uniform over the history, as in ``generate``: a multinomial draw
splits the background count over equal time slices, and each slice draws its transfers
from its own seed (``SeedSequence(seed).spawn``), so the chain is reproducible from
``seed`` and ``n_transfers``. It is a different draw from ``generate`` (which stays as it
is: the tests and reports compare against its output), not the same chain.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from nkwatch.trace.labels import LabelBook
from nkwatch.trace.synthetic import (
    HORIZON,
    Layout,
    final_sweeps,
    labels,
    launder,
    layout,
    traffic,
    user_cdf,
)

SLICE = 1_000_000  # background transfers per time slice (about)


@dataclass(frozen=True)
class Slice:
    """Transfers of one time slice in time order: address indexes, base units, seconds."""

    src: np.ndarray
    dst: np.ndarray
    amount: np.ndarray
    ts: np.ndarray


@dataclass(frozen=True)
class SyntheticStream:
    """The chain's ground truth and labels; ``slices()`` draws its transfers once."""

    n_transfers: int
    seed: int
    labels: LabelBook
    thieves: list[str]
    theft_times: list[int]
    truth: dict[str, int]  # endpoint address -> exact stolen base units that reach it
    stolen: int
    first_deposit: int
    n_addresses: int
    _plan: _Plan

    def slices(self) -> Iterator[Slice]:
        return self._plan.slices()


@dataclass(frozen=True)
class _Plan:
    seed: int
    counts: np.ndarray  # background transfers per slice
    cdf: np.ndarray
    lay: Layout
    extra: tuple[np.ndarray, ...]  # laundering + final sweeps, in time order

    def slices(self) -> Iterator[Slice]:
        k = len(self.counts)
        edges = np.arange(k + 1, dtype=np.int64) * HORIZON // k
        cuts = np.searchsorted(self.extra[3], edges[1:-1], side="left")
        bounds = np.concatenate(([0], cuts, [self.extra[3].size]))
        for i, seq in enumerate(np.random.SeedSequence(self.seed).spawn(k)):
            rng = np.random.default_rng(seq)
            m = int(self.counts[i])
            src, dst, amount = traffic(rng, m, self.lay, self.cdf)
            ts = rng.integers(edges[i], edges[i + 1], m)
            lo, hi = int(bounds[i]), int(bounds[i + 1])
            drawn = (src, dst, amount, ts)
            cols = [np.concatenate([a, e[lo:hi]]) for a, e in zip(drawn, self.extra, strict=True)]
            order = np.argsort(cols[3], kind="stable")
            cols = [c[order] for c in cols]
            for start in range(0, order.size, SLICE):  # the last slice has the final sweeps
                yield Slice(*(c[start : start + SLICE] for c in cols))


def stream(n_transfers: int, *, seed: int = 7, n_thefts: int = 20) -> SyntheticStream:
    """About ``n_transfers`` transfers (background + laundering), reproducible from ``seed``."""
    rng = np.random.default_rng(seed)
    lay = layout(n_transfers, n_thefts)
    rows, truth, thieves, times, stolen = launder(rng, n_thefts, lay)
    cdf = user_cdf(rng, lay)
    fs, fd, fa, ft = final_sweeps(rng, lay)
    lr = np.array(rows, np.int64).reshape(-1, 4)
    extra = [np.concatenate([lr[:, j], col]) for j, col in enumerate((fs, fd, fa, ft))]
    order = np.argsort(extra[3], kind="stable")
    n_bg = max(n_transfers - len(rows) - lay.deposits, 0)
    k = max(1, -(-n_bg // SLICE))
    counts = rng.multinomial(n_bg, np.full(k, 1 / k))
    plan = _Plan(seed, counts, cdf, lay, tuple(e[order] for e in extra))

    def address(i: int) -> str:
        return f"0x{i:040x}"

    return SyntheticStream(
        n_transfers=n_bg + len(rows) + lay.deposits, seed=seed, labels=labels(lay),
        thieves=[address(t) for t in thieves], theft_times=times,
        truth={address(a): v for a, v in truth.items()}, stolen=stolen,
        first_deposit=lay.start("deposits"), n_addresses=lay.start("launder") + lay.launder,
        _plan=plan,
    )  # fmt: skip
