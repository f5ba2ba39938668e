"""Where the tracer gets transfers from: a protocol with two implementations.

The tracer expands outward from the seeds, asking "which transfers left address A at or
after time t?". The DuckDB store answers from imported data (:class:`StoreSource` in
``repository``); the live EVM crawler (``trace.evm``) answers by querying a JSON-RPC node
and caching what it fetched. A source that can also list *incoming* transfers lets the
haircut and FIFO policies see the clean money an address already held or received later,
which changes the proportions; without it, only the traced inflows are known.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Protocol, runtime_checkable

from nkwatch.trace.model import Transfer


@runtime_checkable
class TransferSource(Protocol):
    """Outgoing transfers of one address, oldest first, from ``since`` on (``None``: all)."""

    def outgoing(self, chain: str, address: str, since: datetime | None) -> Iterable[Transfer]: ...


@runtime_checkable
class IncomingSource(Protocol):
    """Optional: incoming transfers of one address (oldest first), up to ``until``."""

    def incoming(self, chain: str, address: str, until: datetime | None) -> Iterable[Transfer]: ...
