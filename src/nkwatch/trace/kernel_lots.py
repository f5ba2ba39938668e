"""Exact integer helpers of the compiled sweep: wide multiply-divide, FIFO lot queues, and
the growable per-transfer record (kept apart so ``kernel`` reads as the policy itself)."""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def _grow(arr: np.ndarray, size: int) -> np.ndarray:
    out = np.zeros(size, arr.dtype)
    out[: arr.shape[0]] = arr
    return out


_SQRT_MAX = 3037000499  # floor(sqrt(2**63 - 1)): below it a * b cannot overflow


@njit(cache=True)
def muldiv(a, b, c):  # type: ignore[no-untyped-def]
    """floor(a * b / c) for non-negative int64 operands, exact even when a * b overflows.

    Floating point here would let an output carry more taint than its value (wei-sized
    amounts are ~1e15 scaled units), so the wide case uses shift-and-subtract long
    multiplication modulo ``c``: 63 steps, taken only when the product does not fit.
    """
    if a <= _SQRT_MAX and b <= _SQRT_MAX:
        return (a * b) // c
    if a == c:
        return b
    if b == c:
        return a
    qa = a // c
    ra = a - qa * c
    q = 0
    r = 0  # invariant: (bits of b seen so far) * ra == q * c + r, with 0 <= r < c
    for i in range(62, -1, -1):
        q = q * 2
        r = r * 2
        if r >= c:
            q += 1
            r -= c
        if (b >> i) & 1:
            r += ra
            if r >= c:
                q += 1
                r -= c
    return qa * b + q


@njit(cache=True)
def consume_lots(a, x, head, lot_amt, lot_taint, lot_next):  # type: ignore[no-untyped-def]
    """Take ``x`` units from address ``a``'s FIFO queue; returns the taint taken."""
    taken = 0
    h = head[a]
    while x > 0 and h >= 0:
        take = min(x, lot_amt[h])
        if take == lot_amt[h] or lot_taint[h] == lot_amt[h]:
            t = take if lot_taint[h] == lot_amt[h] else lot_taint[h]
        elif lot_taint[h] == 0:
            t = 0
        else:
            t = muldiv(lot_taint[h], take, lot_amt[h])
        lot_amt[h] -= take
        lot_taint[h] -= t
        taken += t
        x -= take
        if lot_amt[h] == 0:
            h = lot_next[h]
    head[a] = h
    return taken


@njit(cache=True)
def push_lot(a, amount, tainted, head, tail, lot_amt, lot_taint, lot_next, n_lots):  # type: ignore[no-untyped-def]
    """Append a lot to address ``a``'s FIFO queue (growing the pool); returns pool and size."""
    if n_lots >= lot_amt.shape[0]:
        old = lot_next.shape[0]
        lot_amt = _grow(lot_amt, old * 2)
        lot_taint = _grow(lot_taint, old * 2)
        lot_next = _grow(lot_next, old * 2)
        lot_next[old:] = -1
    lot_amt[n_lots] = amount
    lot_taint[n_lots] = tainted
    if tail[a] >= 0 and head[a] >= 0:
        lot_next[tail[a]] = n_lots
    else:
        head[a] = n_lots
    tail[a] = n_lots
    return lot_amt, lot_taint, lot_next, n_lots + 1


@njit(cache=True)
def record_row(rec_e, rec_t, rec_f, n_rec, e, taint, flag):  # type: ignore[no-untyped-def]
    """Append one per-transfer outcome (sparse: only the transfers the trace marked)."""
    if n_rec >= rec_e.shape[0]:
        size = rec_e.shape[0] * 2
        rec_e = _grow(rec_e, size)
        rec_t = _grow(rec_t, size)
        rec_f = _grow(rec_f, size)
    rec_e[n_rec] = e
    rec_t[n_rec] = taint
    rec_f[n_rec] = flag
    return rec_e, rec_t, rec_f, n_rec + 1
