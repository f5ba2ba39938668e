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

Why a trace costs its window, not the whole history: the only thing an untouched address
contributes is its balance, and that depends on the data alone. ``sender_balances`` computes
once per graph each transfer's sender balance before it (haircut's denominator; FIFO derives
a newly tainted address's clean lot from its next send), so ``sweep_window`` starts at the
first seed event and rejects a transfer whose sender (and, for FIFO, receiver) is untouched
with one byte read. ``sweep`` is the self-contained form (computes the balances itself).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from nkwatch.trace.kernel_lots import consume_lots, muldiv, push_lot, record_row
from nkwatch.trace.policies import FIFO_CODE as FIFO
from nkwatch.trace.policies import HAIRCUT_CODE as HAIRCUT
from nkwatch.trace.policies import POISON_CODE as POISON

FLAG_TAINTED = 1
FLAG_DUST = 2


@njit(cache=True)
def sender_balances(src, dst, amt, fee, n_addr):  # type: ignore[no-untyped-def]
    """Each transfer's sender balance just before it (clamped at zero, like the sweep)."""
    return sender_balances_from(src, dst, amt, fee, np.zeros(n_addr, np.int64))


@njit(cache=True)
def sender_balances_from(src, dst, amt, fee, bal):  # type: ignore[no-untyped-def]
    """The same from given opening balances ``bal`` (updated in place): the transfer lake
    starts each reached address at its balance before the extracted transfers."""
    n = src.shape[0]
    out = np.empty(n, np.int64)
    for e in range(n):
        s = src[e]
        b = bal[s]
        out[e] = b
        bal[s] = max(b - amt[e] - fee[e], 0)
        bal[dst[e]] += amt[e]
    return out


_NEVER = np.iinfo(np.int64).max
ACTIVE = 1  # the address holds (or has held) taint: its sends are followed
SOURCE = 2  # a seed address: everything it sends from its `since` on is stolen
WATCH = 4  # active, and its transfers can still move taint (not a service, not frozen)


@njit(cache=True)
def _watch(mark, a, endpoint, frozen, hop, max_hops, fifo):  # type: ignore[no-untyped-def]
    """Mark ``a`` as worth a look when it sends (FIFO: also when it receives) again.

    A service or frozen address never passes taint on; under poison and haircut neither does
    one at the hop limit until a shorter path reaches it (FIFO still keeps its queue).
    """
    if not endpoint[a] and not frozen[a] and (fifo or hop[a] < max_hops):
        mark[a] |= WATCH


@njit(cache=True)
def _skip(src, dst, mark, e, limit, fifo):  # type: ignore[no-untyped-def]
    """First transfer in ``e..limit`` that involves a watched (or seed) sender, or for FIFO a
    watched receiver: the tight loop that makes a trace cost one byte read per transfer."""
    if fifo:
        while e < limit and mark[src[e]] & (SOURCE | WATCH) == 0 and mark[dst[e]] & WATCH == 0:
            e += 1
    else:
        while e < limit and mark[src[e]] & (SOURCE | WATCH) == 0:
            e += 1
    return e


@njit(cache=True)
def _inject(  # type: ignore[no-untyped-def]
    a, amount, mark, taint, hop, endpoint, frozen, max_hops, fifo,
    active, pend, pend_sub, recv_since, head, tail, lot_amt, lot_taint, lot_next, n_lots,
):  # fmt: skip
    """A seed with an amount: ``amount`` of what ``a`` holds now is stolen (hop 0)."""
    if mark[a] & ACTIVE == 0:
        mark[a] |= ACTIVE
        active += 1
        if fifo:  # its clean balance becomes a lot once its next send says how much it is
            pend[a] = n_lots
            pend_sub[a] = amount
            recv_since[a] = 0
            lot_amt, lot_taint, lot_next, n_lots = push_lot(
                a, 0, 0, head, tail, lot_amt, lot_taint, lot_next, n_lots
            )
    hop[a] = 0
    _watch(mark, a, endpoint, frozen, hop, max_hops, fifo)
    taint[a] += amount
    if fifo and amount > 0:
        lot_amt, lot_taint, lot_next, n_lots = push_lot(
            a, amount, amount, head, tail, lot_amt, lot_taint, lot_next, n_lots
        )
    return active, lot_amt, lot_taint, lot_next, n_lots


@njit(cache=True)
def _start(ts, source_since, mark, seed_edges, inj_ts):  # type: ignore[no-untyped-def]
    """First transfer a seed can affect: nothing is tainted before it."""
    t0 = _NEVER
    for a in range(mark.shape[0]):
        if source_since[a] != _NEVER:
            mark[a] = SOURCE
            t0 = min(t0, source_since[a])
    if inj_ts.shape[0] > 0:
        t0 = min(t0, inj_ts.min())
    start = np.searchsorted(ts, t0) if t0 != _NEVER else ts.shape[0]
    if seed_edges.shape[0] > 0:
        start = min(start, seed_edges[0])
    return start


@njit(cache=True)
def sweep_window(  # type: ignore[no-untyped-def]
    src, dst, amt, fee, ts, sbal, n_addr, endpoint, source_since, seed_edges, seed_amt,
    seed_hop, inj_addr, inj_amt, inj_ts, policy, max_hops, min_taint, t_end, max_addresses,
):  # fmt: skip
    """The sweep from the first seed event on; ``seed_edges`` sorted rows, ``sbal`` from
    :func:`sender_balances`. Returns dense per-address arrays and the marked transfers.

    A seed edge delivers ``seed_amt`` of its amount as taint (-1: all of it) and its receiver
    starts at hop ``seed_hop``: a swap's or a bridge's proceeds continue the path that
    entered it, with the converted amount, as two pure FIFO lots when only partly tainted."""
    fifo = policy == FIFO
    mark = np.zeros(n_addr, np.int8)
    start = _start(ts, source_since, mark, seed_edges, inj_ts)
    taint = np.zeros(n_addr, np.int64)
    hop = np.full(n_addr, -1, np.int32)
    frozen = np.zeros(n_addr, np.bool_)
    first_edge = np.full(n_addr, -1, np.int64)
    m = n_addr if fifo else 1  # FIFO queues; a new address's clean lot waits for its next send
    head = np.full(m, -1, np.int64)
    tail = np.full(m, -1, np.int64)
    pend = np.full(m, -1, np.int64)
    pend_sub = np.zeros(m, np.int64)
    recv_since = np.zeros(m, np.int64)
    lot_amt = np.zeros(1024, np.int64)
    lot_taint = np.zeros(1024, np.int64)
    lot_next = np.full(1024, -1, np.int64)
    n_lots = 0
    rec_e = np.zeros(1024, np.int64)
    rec_t = np.zeros(1024, np.int64)
    rec_f = np.zeros(1024, np.int8)
    n_rec = 0
    fees = np.int64(0)
    dust = np.int64(0)
    injected = np.int64(0)
    active = 0
    processed = 0
    j = 0
    k = 0
    n_inj = inj_addr.shape[0]
    n_seed = seed_edges.shape[0]
    stop = np.searchsorted(ts, t_end, side="right")  # transfers after `until` are not traced
    e = start - 1
    while True:
        e += 1
        limit = min(stop, seed_edges[k]) if k < n_seed else stop
        if j < n_inj:
            limit = min(limit, np.searchsorted(ts, inj_ts[j]))
        e = _skip(src, dst, mark, e, limit, fifo)
        t_now = t_end if e >= stop else ts[e]
        while j < n_inj and inj_ts[j] <= t_now:
            active, lot_amt, lot_taint, lot_next, n_lots = _inject(
                inj_addr[j], inj_amt[j], mark, taint, hop, endpoint, frozen, max_hops, fifo,
                active, pend, pend_sub, recv_since, head, tail, lot_amt, lot_taint, lot_next, n_lots,
            )  # fmt: skip
            injected += inj_amt[j]
            j += 1
        if e >= stop:
            break
        s = src[e]
        ms = mark[s]
        seed_here = k < n_seed and seed_edges[k] == e
        if ms & (SOURCE | WATCH) == 0 and not seed_here and (not fifo or mark[dst[e]] & WATCH == 0):
            continue  # nothing of this transfer can move or hold traced value
        processed += 1
        d = dst[e]
        x = amt[e]
        f = fee[e]
        if fifo and ms & ACTIVE and pend[s] >= 0:
            lot_amt[pend[s]] = max(sbal[e] - recv_since[s] - pend_sub[s], 0)
            pend[s] = -1
        out = 0
        ftaint = 0
        carries = False
        if ms & SOURCE and source_since[s] <= ts[e]:
            # a seed address without an amount: everything it sends from `since` on is stolen
            if ms & ACTIVE == 0:
                mark[s] |= ACTIVE
                active += 1
            hop[s] = 0
            carries = True
            out = x
            ftaint = f
            injected += x + f
            fees += f
        elif ms & ACTIVE and hop[s] < max_hops and not endpoint[s] and not frozen[s]:
            carries = True
            held = taint[s]
            if policy == POISON:
                ftaint = min(f, held)
                out = min(x, held - ftaint)
            elif policy == HAIRCUT:
                b = max(sbal[e], held, x + f)
                if held >= b:
                    ftaint = f
                    out = x
                elif held > 0:
                    ftaint = min(muldiv(f, held, b), held)
                    out = min(muldiv(x, held, b), held - ftaint)
            else:
                ftaint = consume_lots(s, f, head, lot_amt, lot_taint, lot_next)
                out = consume_lots(s, x, head, lot_amt, lot_taint, lot_next)
            taint[s] -= out + ftaint
            fees += ftaint
        incoming = out
        flag = 0
        follow = carries and (out >= min_taint if policy != POISON else x >= min_taint)
        if carries and not follow:
            dust += out
            incoming = 0
            if out > 0:
                flag = FLAG_DUST
        seed_at = 0
        if seed_here:
            want = x if seed_amt[k] < 0 else min(seed_amt[k], x)
            if want > incoming:
                injected += want - incoming
                incoming = want
            follow = True
            seed_at = seed_hop[k]
            k += 1
        receive = follow and (incoming > 0 or policy == POISON)
        md = mark[d]
        if receive or (md & ACTIVE and fifo):
            if md & ACTIVE == 0:
                mark[d] |= ACTIVE
                active += 1
                frozen[d] = active > max_addresses
                first_edge[d] = e
                hop[d] = seed_at if seed_here else hop[s] + 1
                _watch(mark, d, endpoint, frozen, hop, max_hops, fifo)
                if fifo:
                    pend[d] = n_lots
                    pend_sub[d] = 0
                    recv_since[d] = 0
                    lot_amt, lot_taint, lot_next, n_lots = push_lot(
                        d, 0, 0, head, tail, lot_amt, lot_taint, lot_next, n_lots
                    )
            elif follow:
                hop[d] = min(hop[d], seed_at if seed_here else hop[s] + 1)
                _watch(mark, d, endpoint, frozen, hop, max_hops, fifo)
            if md & SOURCE and source_since[d] <= ts[e]:
                # arriving at a seed address: it is counted again when the seed sends it on
                injected -= incoming
                held = 0
            else:
                held = incoming
            taint[d] += held
            if fifo and x > 0:
                recv_since[d] += x
                # a mixed transfer becomes two pure lots, its tainted units first: lots stay
                # either all tainted or all clean, so FIFO amounts are exact integers
                if 0 < held < x:
                    lot_amt, lot_taint, lot_next, n_lots = push_lot(
                        d, held, held, head, tail, lot_amt, lot_taint, lot_next, n_lots
                    )
                    lot_amt, lot_taint, lot_next, n_lots = push_lot(
                        d, x - held, 0, head, tail, lot_amt, lot_taint, lot_next, n_lots
                    )
                else:
                    lot_amt, lot_taint, lot_next, n_lots = push_lot(
                        d, x, held, head, tail, lot_amt, lot_taint, lot_next, n_lots
                    )
            if follow:
                flag = FLAG_TAINTED
        if flag:
            rec_e, rec_t, rec_f, n_rec = record_row(
                rec_e, rec_t, rec_f, n_rec, e, incoming if flag == FLAG_TAINTED else 0, flag
            )
    return (taint, hop, frozen, first_edge, rec_e[:n_rec].copy(), rec_t[:n_rec].copy(),
            rec_f[:n_rec].copy(), fees, dust, injected, max(stop - start, 0), processed)  # fmt: skip


def sweep(  # type: ignore[no-untyped-def]
    src, dst, amt, fee, ts, n_addr, endpoint, source_since, seed_edge,
    inj_addr, inj_amt, inj_ts, policy, max_hops, min_taint, t_end, max_addresses,
):  # fmt: skip
    """The whole sweep with dense per-transfer outputs (computes sender balances itself).

    Returns (taint, hop, frozen, first_edge, out_taint, flag, fees, dust, injected,
    examined); ``seed_edge`` is a boolean mask over the transfers.
    """
    sbal = sender_balances(src, dst, amt, fee, n_addr)
    seed_rows = np.flatnonzero(seed_edge).astype(np.int64)
    out = sweep_window(
        src, dst, amt, fee, ts, sbal, n_addr, endpoint, source_since, seed_rows,
        np.full(seed_rows.shape[0], -1, np.int64), np.zeros(seed_rows.shape[0], np.int32),
        inj_addr, inj_amt, inj_ts,
        policy, max_hops, min_taint, t_end, max_addresses,
    )  # fmt: skip
    taint, hop, frozen, first_edge, rec_e, rec_t, rec_f, fees, dust, injected, examined, _ = out
    out_taint = np.zeros(src.shape[0], np.int64)
    flag = np.zeros(src.shape[0], np.int8)
    out_taint[rec_e] = rec_t
    flag[rec_e] = rec_f
    return taint, hop, frozen, first_edge, out_taint, flag, fees, dust, injected, examined
