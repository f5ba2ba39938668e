"""Fetch block ranges ahead of their consumer, on worker threads, in a bounded window.

A follower that fetches a range, then processes it, leaves the node idle while it works and
itself idle while the node answers. Here the next chunks are already requested while the
current one is processed, so node and follower work at the same time. Only consecutive
chunks starting where the consumer asks are kept: anything else (the consumer rolled back
after a reorg, a chunk failed) drops the window and starts again from the asked block. The
consumer still checks parent-hash continuity of what it takes; this class only saves time.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Generic, TypeVar

T = TypeVar("T")


class Prefetcher(Generic[T]):
    """``take(start, head)`` returns the chunk ``start..start+chunk-1`` (capped at ``head``)
    and keeps up to ``window`` following chunks up to ``head`` in flight."""

    def __init__(
        self, fetch: Callable[[int, int], T], *, chunk: int, window: int, name: str = "prefetch"
    ) -> None:
        self._fetch = fetch
        self.chunk = max(1, chunk)
        self.window = max(0, window)
        self._pool: ThreadPoolExecutor | None = None
        self._name = name
        self._ahead: deque[tuple[int, int, Future[T]]] = deque()

    def take(self, start: int, head: int) -> tuple[int, int, T]:
        """(first, last, fetched) for the next chunk; fetch errors propagate (and reset).
        Chunks fetched for a higher head than ``head`` (the chain got shorter) are dropped."""
        if self._ahead and (self._ahead[0][0] != start or self._ahead[-1][1] > head):
            self.reset()
        try:
            if self._ahead:
                first, last, future = self._ahead.popleft()
                self._fill(last + 1, head)
                return first, last, future.result()
            last = min(head, start + self.chunk - 1)
            self._fill(last + 1, head)
            return start, last, self._fetch(start, last)
        except BaseException:
            self.reset()
            raise

    def _fill(self, nxt: int, head: int) -> None:
        if self._ahead:
            nxt = self._ahead[-1][1] + 1
        while len(self._ahead) < self.window and nxt <= head:
            last = min(head, nxt + self.chunk - 1)
            if self._pool is None:
                self._pool = ThreadPoolExecutor(self.window, thread_name_prefix=self._name)
            self._ahead.append((nxt, last, self._pool.submit(self._fetch, nxt, last)))
            nxt = last + 1

    def reset(self) -> None:
        """Forget the chunks in flight (their answers may describe a replaced fork)."""
        while self._ahead:
            self._ahead.popleft()[2].cancel()

    def close(self) -> None:
        self.reset()
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
