"""Audit-log ids drawn ahead of need, so a worker's request for a block never waits on DuckDB.

Workers number their audit entries from blocks of the log's own sequence that the owner
hands out. Drawing a block is a DuckDB transaction (``nextval``), and a DuckDB checkpoint
blocks every other transaction for as long as it runs: the audit ingester's commits
trigger one every few seconds under load (~0.1-0.25 s on an idle core, several times that
with the ingester niced behind two busy workers). While it ran, a worker that had used up
its block waited, and with it every request it held: the 0.5-0.8 s stalls behind the
address-screening p99 (docs/benchmarks.md, issue #16). The owner now keeps a reserve
drawn by a thread of its own, refilled when it falls below ``low`` ids (seconds of the
busiest load), and answers a worker from memory; only a reserve run dry draws directly.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable

log = logging.getLogger("nkwatch.service")

RESERVE_BLOCK = 16384  # ~2 s of both workers at full address-screening speed
RETRY_S = 1.0


class IdReserve:
    """Thread-safe; ``draw(n)`` returns ``n`` fresh ids from the sequence (on any thread)."""

    def __init__(
        self,
        draw: Callable[[int], list[int]],
        *,
        block: int = RESERVE_BLOCK,
        low: int = RESERVE_BLOCK,
    ) -> None:
        self._draw = draw
        self._block = block
        self._low = low
        self._ids: deque[int] = deque()
        self._cond = threading.Condition()
        self._stopping = False
        self._thread = threading.Thread(target=self._fill, name="nkwatch-ids", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        self._thread.join(timeout=30)

    def take(self, n: int) -> list[int]:
        """``n`` ids, from the reserve when it holds them (no store work), else partly drawn
        now (start-up, or a burst faster than the refill)."""
        with self._cond:
            got = [self._ids.popleft() for _ in range(min(n, len(self._ids)))]
            if len(self._ids) < self._low:
                self._cond.notify_all()
        if len(got) < n:
            got += self._draw(n - len(got))
        return got

    def available(self) -> int:
        with self._cond:
            return len(self._ids)

    def _fill(self) -> None:
        while True:
            with self._cond:
                while not self._stopping and len(self._ids) >= self._low:
                    self._cond.wait()
                if self._stopping:
                    return
            try:
                drawn = self._draw(self._block)
            except Exception:  # the store is closing or failing: workers draw directly
                log.exception("audit id reserve: drawing ids failed; retrying")
                with self._cond:
                    self._cond.wait(RETRY_S)
                continue
            with self._cond:
                self._ids.extend(drawn)
