"""Exchange deposit addresses recognised by their sweep pattern.

Exchanges give every customer a deposit address and periodically sweep its balance to a
hot wallet. An unlabelled address whose outgoing transfers go (almost) only to one labelled
exchange wallet is treated as a deposit address of that exchange: the place where a freeze
request names the customer account. Vectorised over the whole graph with numpy.
"""

from __future__ import annotations

from collections import Counter

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
    found: dict[int, Label] = {}
    for aid in candidates.tolist():
        if aid in known or n_sweep[aid] < MIN_SHARE * n_out[aid]:
            continue
        targets = dst[src == aid]
        if np.unique(targets).size > MAX_TARGETS:
            continue
        hot, _ = Counter(t for t in targets.tolist() if is_wallet[t]).most_common(1)[0]
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
