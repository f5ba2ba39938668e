"""Exchange deposit addresses recognised by their sweep pattern.

Exchanges give every customer a deposit address and periodically sweep its balance to a
hot wallet. An unlabelled address whose outgoing transfers go (almost) only to one labelled
exchange wallet is treated as a deposit address of that exchange: the place where a freeze
request names the customer account. Vectorised over the whole graph with numpy.
"""

from __future__ import annotations

import numpy as np

from nkwatch.trace.graph import TransferGraph
from nkwatch.trace.labels import Label

MIN_SHARE = 0.8  # share of the address's outgoing transfers that go to the exchange
MAX_TARGETS = 3  # distinct recipients a deposit address may have


def detect_deposits(graph: TransferGraph, known: dict[int, Label]) -> dict[int, Label]:
    """Address id -> a derived exchange label, for addresses that sweep to a known exchange."""
    wallets = {aid: lb for aid, lb in known.items() if lb.category == "exchange"}
    if not wallets or graph.n_edges == 0:
        return {}
    is_wallet = np.zeros(graph.n_addresses, np.bool_)
    is_wallet[list(wallets)] = True
    moving = graph.amount > 0
    src = graph.src[moving]
    dst = graph.dst[moving]
    sweeps = is_wallet[dst] & ~is_wallet[src]
    candidates = np.unique(src[sweeps])
    if candidates.size == 0:
        return {}
    n_out = np.bincount(src, minlength=graph.n_addresses)
    n_sweep = np.bincount(src[sweeps], minlength=graph.n_addresses)
    known_mask = np.zeros(graph.n_addresses, np.bool_)
    known_mask[list(known)] = True
    keep = candidates[
        (n_sweep[candidates] >= MIN_SHARE * n_out[candidates]) & ~known_mask[candidates]
    ]
    if keep.size == 0:
        return {}
    # distinct recipients per kept address, and its most used exchange wallet, vectorised
    n = np.int64(graph.n_addresses)
    sel = np.isin(src, keep)
    pairs = np.unique(src[sel].astype(np.int64) * n + dst[sel])  # (src, dst) as one int64 key
    n_targets = np.bincount((pairs // n).astype(np.int64), minlength=graph.n_addresses)
    swept = np.isin(src, keep) & sweeps
    keys, counts = np.unique(src[swept].astype(np.int64) * n + dst[swept], return_counts=True)
    order = np.lexsort((-counts, keys // n))
    keys = keys[order]
    first = np.ones(len(keys), np.bool_)
    first[1:] = keys[1:] // n != keys[:-1] // n
    found: dict[int, Label] = {}
    for aid, hot in zip((keys[first] // n).tolist(), (keys[first] % n).tolist(), strict=True):
        if n_targets[aid] > MAX_TARGETS:
            continue
        wallet = wallets[hot]
        found[aid] = Label(
            chain=graph.chain,
            address=graph.addresses[aid],
            service=wallet.service,
            category="exchange",
            confidence=round(wallet.confidence * 0.9, 3),
            source=f"sweep pattern to {graph.addresses[hot]} ({wallet.source})",
            source_date=wallet.source_date,
            detail="deposit address (sweeps to hot wallet)",
        )
    return found
