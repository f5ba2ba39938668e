"""The compiled account-model sweep: one forward pass over time-ordered transfers of one asset.

Why one global sweep: value can only leave an address after it arrived, so processing
every transfer in time order and keeping, per address, its balance and its tainted part
is time-respecting by construction, handles re-convergence and cycles, and costs a few
nanoseconds per transfer compiled with numba (no Python object per edge).

Per address the state is ``bal`` (all value, from the data) and ``taint`` (the traced part).
The policy decides how much of an outgoing transfer (and of its fee) is tainted:

* poison  (0): the taint leaves first (``min(amount, taint)``) and every transfer from a
  touched address is *flagged* even when it carries no taint amount;
* haircut (1): the tainted fraction ``taint / balance`` of every outgoing transfer;
* fifo    (2): a queue of lots per address, oldest first (Clayton's case); a transfer that
  is partly tainted arrives as two lots, tainted units first, so every lot is pure.

Conservation is exact in integers: taint only moves from a sender's ``taint`` to a
receiver's ``taint``, to ``fees`` or to ``dust``; injections (seeds) are the only source.
"""

from __future__ import annotations

import numpy as np
from numba import njit

POISON = 0
HAIRCUT = 1
FIFO = 2

FLAG_TAINTED = 1
FLAG_DUST = 2


@njit(cache=True)
def _grow(arr: np.ndarray, size: int) -> np.ndarray:
    out = np.zeros(size, arr.dtype)
    out[: arr.shape[0]] = arr
    return out


_SQRT_MAX = 3037000499  # floor(sqrt(2**63 - 1)): below it a * b cannot overflow


@njit(cache=True)
def _muldiv(a, b, c):  # type: ignore[no-untyped-def]
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
def _consume(a, x, head, lot_amt, lot_taint, lot_next):  # type: ignore[no-untyped-def]
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
            t = _muldiv(lot_taint[h], take, lot_amt[h])
        lot_amt[h] -= take
        lot_taint[h] -= t
        taken += t
        x -= take
        if lot_amt[h] == 0:
            h = lot_next[h]
    head[a] = h
    return taken


@njit(cache=True)
def _push_lot(a, amount, tainted, head, tail, lot_amt, lot_taint, lot_next, n_lots):  # type: ignore[no-untyped-def]
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
def sweep(  # type: ignore[no-untyped-def]
    src,
    dst,
    amt,
    fee,
    ts,
    n_addr,
    endpoint,
    source_since,
    seed_edge,
    inj_addr,
    inj_amt,
    inj_ts,
    policy,
    max_hops,
    min_taint,
    t_end,
    max_addresses,
):
    n = src.shape[0]
    # per-address state in one row (balance, hop, seed start, taint): one cache line per
    # address touched instead of one per array, which is what bounds the sweep on big graphs
    st = np.empty((n_addr, 4), np.int64)
    st[:, 0] = 0
    st[:, 1] = -1
    st[:, 2] = source_since
    st[:, 3] = 0
    frozen = np.zeros(n_addr, np.bool_)
    first_edge = np.full(n_addr, -1, np.int64)
    out_taint = np.zeros(n, np.int64)
    flag = np.zeros(n, np.int8)
    head = np.full(n_addr, -1, np.int64)
    tail = np.full(n_addr, -1, np.int64)
    cap = 1024
    lot_amt = np.zeros(cap, np.int64)
    lot_taint = np.zeros(cap, np.int64)
    lot_next = np.full(cap, -1, np.int64)
    n_lots = 0
    fees = np.int64(0)
    dust = np.int64(0)
    injected = np.int64(0)
    active = 0
    j = 0
    n_inj = inj_addr.shape[0]
    examined = 0
    for e in range(n + 1):
        t_now = ts[e] if e < n else t_end
        if e < n and t_now > t_end:
            t_now = t_end
        # seeds that start at or before this transfer
        while j < n_inj and inj_ts[j] <= t_now:
            a = inj_addr[j]
            amount = inj_amt[j]
            if st[a, 1] < 0:
                st[a, 1] = 0
                active += 1
                if policy == FIFO:
                    clean = max(st[a, 0] - amount, 0)
                    if clean > 0:
                        lot_amt, lot_taint, lot_next, n_lots = _push_lot(
                            a, clean, 0, head, tail, lot_amt, lot_taint, lot_next, n_lots
                        )
            st[a, 1] = 0
            st[a, 3] += amount
            injected += amount
            if policy == FIFO and amount > 0:
                lot_amt, lot_taint, lot_next, n_lots = _push_lot(
                    a, amount, amount, head, tail, lot_amt, lot_taint, lot_next, n_lots
                )
            j += 1
        if e >= n or ts[e] > t_end:
            break
        examined += 1
        s = src[e]
        d = dst[e]
        x = amt[e]
        f = fee[e]
        out = 0
        ftaint = 0
        carries = False
        if st[s, 2] <= ts[e]:
            # a seed address without an amount: everything it sends from `since` on is stolen
            if st[s, 1] < 0:
                active += 1
            st[s, 1] = 0
            carries = True
            out = x
            ftaint = f
            injected += x + f
            fees += f
        elif st[s, 1] >= 0 and st[s, 1] < max_hops and not endpoint[s] and not frozen[s]:
            carries = True
            if policy == POISON:
                ftaint = min(f, st[s, 3])
                out = min(x, st[s, 3] - ftaint)
            elif policy == HAIRCUT:
                b = max(st[s, 0], st[s, 3], x + f)
                if st[s, 3] >= b:
                    ftaint = f
                    out = x
                elif st[s, 3] > 0:
                    ftaint = min(_muldiv(f, st[s, 3], b), st[s, 3])
                    out = min(_muldiv(x, st[s, 3], b), st[s, 3] - ftaint)
            else:
                ftaint = _consume(s, f, head, lot_amt, lot_taint, lot_next)
                out = _consume(s, x, head, lot_amt, lot_taint, lot_next)
            st[s, 3] -= out + ftaint
            fees += ftaint
        st[s, 0] = max(st[s, 0] - x - f, 0)
        st[d, 0] += x
        incoming = out
        follow = carries and (out >= min_taint if policy != POISON else x >= min_taint)
        if carries and not follow:
            dust += out
            incoming = 0
            if out > 0:
                flag[e] = FLAG_DUST
        if seed_edge[e]:
            injected += x - incoming
            incoming = x
            follow = True
        receive = follow and (incoming > 0 or policy == POISON)
        if receive or (st[d, 1] >= 0 and policy == FIFO):
            if st[d, 1] < 0:
                active += 1
                frozen[d] = active > max_addresses
                first_edge[d] = e
                st[d, 1] = 0 if seed_edge[e] else st[s, 1] + 1
                if policy == FIFO and st[d, 0] - x > 0:
                    lot_amt, lot_taint, lot_next, n_lots = _push_lot(
                        d, st[d, 0] - x, 0, head, tail, lot_amt, lot_taint, lot_next, n_lots
                    )
            elif follow:
                st[d, 1] = min(st[d, 1], 0 if seed_edge[e] else st[s, 1] + 1)
            if st[d, 2] <= ts[e]:
                # arriving at a seed address: it is counted again when the seed sends it on
                injected -= incoming
                held = 0
            else:
                held = incoming
            st[d, 3] += held
            if policy == FIFO and x > 0:
                # a mixed transfer becomes two pure lots, its tainted units first: lots stay
                # either all tainted or all clean, so FIFO amounts are exact integers
                parts = 2 if 0 < held < x else 1
                for part in range(parts):
                    size = held if parts == 2 and part == 0 else (x - held if parts == 2 else x)
                    taint_part = size if (parts == 2 and part == 0) or held == x else 0
                    lot_amt, lot_taint, lot_next, n_lots = _push_lot(
                        d, size, taint_part, head, tail, lot_amt, lot_taint, lot_next, n_lots
                    )
            if follow:
                out_taint[e] = incoming
                flag[e] = FLAG_TAINTED
    return (st[:, 3].copy(), st[:, 1].astype(np.int32), frozen, first_edge, out_taint, flag,
            fees, dust, injected, examined)  # fmt: skip
