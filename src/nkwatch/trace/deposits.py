"""Exchange deposit addresses recognised by their sweep pattern.

Exchanges give every customer a deposit address and periodically sweep its balance to a
hot wallet. An unlabelled address whose outgoing transfers go (almost) only to one labelled
exchange wallet is treated as a deposit address of that exchange: the place where a freeze
request names the customer account. One compiled pass over the transfers (a tenth of a
second per 10M), so the first trace on a graph pays little for it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

import numpy as np
import numpy.typing as npt
from numba import njit

from nkwatch.trace.graph import I64, TransferGraph
from nkwatch.trace.labels import Label

MIN_SHARE = 0.8  # share of the address's outgoing transfers that go to the exchange
MAX_TARGETS = 3  # distinct recipients a deposit address may have


@njit(cache=True)
def _sweep_stats(src, dst, amount, is_wallet, max_targets):  # type: ignore[no-untyped-def]
    """One pass over the transfers that move value: per sender, how many transfers, how many
    of them sweep into an exchange wallet, its first ``max_targets + 1`` distinct recipients
    (more is "too many") and how often each was paid."""
    n_addr = is_wallet.shape[0]
    slots = max_targets + 1
    n_out = np.zeros(n_addr, np.int32)
    n_sweep = np.zeros(n_addr, np.int32)
    n_targets = np.zeros(n_addr, np.int8)
    target = np.zeros((n_addr, slots), np.int32)
    count = np.zeros((n_addr, slots), np.int32)
    for e in range(src.shape[0]):
        if amount[e] <= 0:
            continue
        s = src[e]
        d = dst[e]
        n_out[s] += 1
        if is_wallet[d] and not is_wallet[s]:
            n_sweep[s] += 1
        k = n_targets[s]
        if k > max_targets:
            continue  # already too many recipients for a deposit address
        i = 0
        while i < k and target[s, i] != d:
            i += 1
        if i == k:
            target[s, k] = d
            n_targets[s] = k + 1
        count[s, i] += 1
    return n_out, n_sweep, n_targets, target, count


def detect_deposits(graph: TransferGraph, known: Mapping[int, Label]) -> DepositLabels:
    """Address id -> a derived exchange label, for addresses that sweep to a known exchange."""
    wallets = {aid: lb for aid, lb in known.items() if lb.category == "exchange"}
    if not wallets or graph.n_edges == 0:
        return DepositLabels(graph, np.zeros(0, np.int64), np.zeros(0, np.int64), wallets)
    is_wallet = np.zeros(graph.n_addresses, np.bool_)
    is_wallet[list(wallets)] = True
    n_out, n_sweep, n_targets, target, count = _sweep_stats(
        graph.src, graph.dst, graph.amount, is_wallet, MAX_TARGETS
    )
    known_mask = np.zeros(graph.n_addresses, np.bool_)
    known_mask[list(known)] = True
    keep = (n_sweep > 0) & (n_sweep >= MIN_SHARE * n_out) & ~known_mask
    keep &= n_targets <= MAX_TARGETS
    ids = np.flatnonzero(keep)
    # its most paid exchange wallet (ties: the lowest address id)
    slots = target[ids].astype(np.int64)
    paid = np.where(is_wallet[slots], count[ids].astype(np.int64), -1)
    paid[np.arange(slots.shape[1])[None, :] >= n_targets[ids][:, None]] = -1
    hot_of = slots[np.arange(ids.size), np.argmax(paid * 2**32 - slots, axis=1)]
    return DepositLabels(graph, ids.astype(np.int64), hot_of, wallets)


class DepositLabels(Mapping[int, Label]):
    """Address id -> derived exchange label, built on lookup: a big chain has hundreds of
    thousands of deposit addresses, and a report names only the few the trace reached."""

    def __init__(
        self, graph: TransferGraph, ids: I64, hot: npt.NDArray[np.int64], wallets: dict[int, Label]
    ) -> None:
        self._graph, self._ids, self._hot, self._wallets = graph, ids, hot, wallets

    def ids(self) -> I64:
        return self._ids

    def __len__(self) -> int:
        return int(self._ids.size)

    def __iter__(self) -> Iterator[int]:
        return iter(self._ids.tolist())

    def __getitem__(self, aid: object) -> Label:
        if not isinstance(aid, int | np.integer):
            raise KeyError(aid)
        i = int(np.searchsorted(self._ids, aid))
        if i >= self._ids.size or self._ids[i] != aid:
            raise KeyError(aid)
        hot = int(self._hot[i])
        wallet = self._wallets[hot]
        address = self._graph.addresses
        return Label(
            chain=self._graph.chain,
            address=address[int(aid)],
            service=wallet.service,
            category="exchange",
            confidence=round(wallet.confidence * 0.9, 3),
            source=f"sweep pattern to {address[hot]} ({wallet.source})",
            source_date=wallet.source_date,
            detail="deposit address (sweeps to hot wallet)",
        )


class EndpointMap(Mapping[int, Label]):
    """The labelled services of a graph plus the deposit addresses detected for them."""

    def __init__(self, known: dict[int, Label], detected: DepositLabels | None) -> None:
        self._known, self._detected = known, detected

    def with_known(self, extra: Mapping[int, Label]) -> EndpointMap:
        """The same map with more known services (the graph's detected deposits kept)."""
        return EndpointMap({**self._known, **extra}, self._detected)

    def ids(self) -> I64:
        known = np.fromiter(self._known, np.int64, len(self._known))
        if self._detected is None:
            return known
        return np.concatenate([known, self._detected.ids()])

    def __len__(self) -> int:
        return len(self._known) + (len(self._detected) if self._detected is not None else 0)

    def __iter__(self) -> Iterator[int]:
        yield from self._known
        if self._detected is not None:
            yield from self._detected

    def __getitem__(self, aid: object) -> Label:
        if isinstance(aid, int | np.integer) and int(aid) in self._known:
            return self._known[int(aid)]
        if self._detected is None:
            raise KeyError(aid)
        return self._detected[aid]
