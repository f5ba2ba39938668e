"""The owner's audit-id reserve answers workers from memory while the sequence is blocked."""

from __future__ import annotations

import itertools
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from nkwatch.service.idreserve import IdReserve


class Sequence:
    """A stand-in for ``nextval`` that can be held the way a DuckDB checkpoint holds it."""

    def __init__(self) -> None:
        self._next = itertools.count(1)
        self._lock = threading.Lock()
        self.open = threading.Event()
        self.open.set()
        self.draws: list[int] = []

    def draw(self, n: int) -> list[int]:
        self.open.wait()
        with self._lock:
            self.draws.append(n)
            return [next(self._next) for _ in range(n)]


def _filled(reserve: IdReserve, at_least: int) -> None:
    deadline = time.monotonic() + 10
    while reserve.available() < at_least:
        assert time.monotonic() < deadline, "the reserve was never filled"
        time.sleep(0.005)


def test_blocks_come_from_memory_while_the_sequence_is_held() -> None:
    seq = Sequence()
    reserve = IdReserve(seq.draw, block=1000, low=1000)
    reserve.start()
    try:
        _filled(reserve, 1000)
        seq.open.clear()  # a checkpoint starts: every draw now waits
        t0 = time.monotonic()
        got = [reserve.take(100) for _ in range(9)]
        assert time.monotonic() - t0 < 0.5
        flat = [i for block in got for i in block]
        assert len(flat) == len(set(flat)) == 900
        seq.open.set()
        _filled(reserve, 1000)  # refilled in the background once the sequence is free
    finally:
        seq.open.set()
        reserve.stop()


def test_a_dry_reserve_draws_directly_and_ids_are_never_handed_out_twice() -> None:
    seq = Sequence()
    reserve = IdReserve(seq.draw, block=64, low=64)
    reserve.start()
    try:
        with ThreadPoolExecutor(4) as pool:  # faster than the refill: some takes run dry
            blocks = list(pool.map(reserve.take, [50] * 200))
    finally:
        reserve.stop()
    flat = [i for block in blocks for i in block]
    assert all(len(b) == 50 for b in blocks)
    assert len(flat) == len(set(flat)) == 10_000
    assert any(n != 64 for n in seq.draws)  # at least one direct draw of a remainder


def test_stop_ends_the_refill_thread_even_while_a_draw_fails() -> None:
    calls = 0

    def failing(n: int) -> list[int]:
        nonlocal calls
        calls += 1
        raise RuntimeError("store closed")

    reserve = IdReserve(failing, block=10, low=10)
    reserve.start()
    deadline = time.monotonic() + 5
    while calls == 0 and time.monotonic() < deadline:
        time.sleep(0.005)
    t0 = time.monotonic()
    reserve.stop()
    assert calls >= 1
    assert time.monotonic() - t0 < 2
    assert reserve.available() == 0
