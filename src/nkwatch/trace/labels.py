"""Service labels: which addresses are exchanges, bridges, mixers, DEXes, sanctioned, incidents.

A label carries its source, date and a confidence in [0, 1], because a freeze request
is only as good as the attribution behind it. Labels of the categories in
:data:`ENDPOINT_CATEGORIES` stop the trace: value that reaches them is "at a service".
Loaders for the label formats live in ``label_sources``; this module is the value model
and the in-memory book the tracer consults.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from nkwatch.chains import canonical_address

CATEGORIES = ("exchange", "bridge", "mixer", "dex", "sanctioned", "incident", "service", "other")
ENDPOINT_CATEGORIES = frozenset({"exchange", "bridge", "mixer", "dex", "service"})
# When one address carries several labels, the strongest category decides what it is.
_RANK = {c: i for i, c in enumerate(("mixer", "bridge", "exchange", "dex", "service"))}


@dataclass(frozen=True)
class Label:
    chain: str
    address: str
    service: str  # "Binance", "THORChain", "Tornado Cash", "Bybit Exploiter 45"
    category: str  # one of CATEGORIES
    confidence: float
    source: str  # "etherscan-labels 2023-06-18", "graphsense:tornado_cash.yaml", ...
    source_date: str | None = None
    detail: str | None = None  # bridge destination chain, "deposit address (sweep)", ...

    @property
    def is_endpoint(self) -> bool:
        return self.category in ENDPOINT_CATEGORIES


class LabelBook:
    """All labels by (chain, address); answers "what is this address?" for the tracer."""

    def __init__(self, labels: Iterable[Label] = ()) -> None:
        self._by_key: dict[tuple[str, str], list[Label]] = {}
        for label in labels:
            self.add(label)

    def add(self, label: Label) -> None:
        key = (label.chain, canonical_address(label.chain, label.address))
        self._by_key.setdefault(key, []).append(label)

    def __len__(self) -> int:
        return sum(len(v) for v in self._by_key.values())

    def labels(self, chain: str, address: str) -> list[Label]:
        return list(self._by_key.get((chain, canonical_address(chain, address)), ()))

    def best(self, chain: str, address: str) -> Label | None:
        """The label that decides the address's role: endpoint categories first, then confidence."""
        found = self._by_key.get((chain, canonical_address(chain, address)))
        if not found:
            return None
        return min(found, key=lambda lb: (_RANK.get(lb.category, 99), -lb.confidence))

    def endpoint(self, chain: str, address: str) -> Label | None:
        best = self.best(chain, address)
        return best if best is not None and best.is_endpoint else None

    def addresses(self, chain: str) -> list[str]:
        return [a for c, a in self._by_key if c == chain]

    def all(self) -> list[Label]:
        return [lb for labels in self._by_key.values() for lb in labels]
