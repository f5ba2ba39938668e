"""The compiled exposure sweep: one time-ordered forward pass per asset for many source groups.

Why forward and global: exposure asks, for every deposit, how much of what it received left a
risky source at most N hops earlier. Pushing taint forward from all sources in one pass over
the time-sorted transfers answers that for every transfer at once (cost O(transfers x groups
touched)), after which any deposit's exposure is a lookup on its inflows. A backward walk per
deposit re-does the same upstream work for every deposit sharing an upstream.

Per address and source group the taint is kept *per hop level* (level k = value that left a
source k transfers ago, k = 1..N): an outflow from an address moves level-k taint to level k+1
at the receiver, level-N taint leaves the horizon. So "within N hops" is exact (a later, longer
path never inherits the hop count of an earlier short one), and direct exposure is level 1.

Groups are independent: each group's amounts depend only on its own taint and the shared
balances, so sweeping groups together or one by one gives the same records (tested). Policies:

* haircut: each outflow carries ``taint / max(balance, taint, amount + fee)`` of every level;
  rounding is floor per transfer, and the floor's remainder is spread lowest level first so
  the per-transfer total equals the aggregate haircut exactly;
* poison: taint leaves first, lowest level first; every outflow of a touched address is
  flagged (a record with zero amount) one level further, up to level N;
* fifo: per address and group a queue of pure lots (clean, or tainted at one level), oldest
  first; a received transfer enqueues its tainted units first, by level, then its clean rest.

Sources emit everything they send as level-1 taint of their own group and nothing of other
groups (a risky source is an attribution boundary for the others); services and hubs (``stop``)
receive but never pass taint on. Output: records ``(edge, group, amount, min level)`` in edge
order for every transfer that carries a group's taint (or a poison flag).
"""

from __future__ import annotations

import numpy as np
from numba import njit

from nkwatch.trace import FIFO_CODE, HAIRCUT_CODE, POISON_CODE, muldiv

# the policy table's kernel codes (nkwatch.trace.policies), as globals numba freezes
POISON = POISON_CODE
HAIRCUT = HAIRCUT_CODE
FIFO = FIFO_CODE


@njit(cache=True)
def _split(total, have, out):  # type: ignore[no-untyped-def]
    """``out`` = ``total`` spread over levels in proportion to ``have``, floor remainder lowest first."""
    whole = have.sum()
    given = 0
    for k in range(have.shape[0]):
        out[k] = muldiv(total, have[k], whole) if whole > 0 else 0
        given += out[k]
    for k in range(have.shape[0]):
        extra = min(total - given, have[k] - out[k])
        out[k] += extra
        given += extra


@njit(cache=True)
def _drain(total, have, out):  # type: ignore[no-untyped-def]
    """``out`` = ``total`` taken from ``have`` lowest level first (poison)."""
    for k in range(have.shape[0]):
        out[k] = min(total, have[k])
        total -= out[k]


@njit(cache=True)
def room_for(table, n):  # type: ignore[no-untyped-def]
    """``table`` (int64 rows x capacity) with room for column ``n``, doubled when full."""
    if n < table.shape[1]:
        return table
    grown = np.empty((table.shape[0], table.shape[1] * 2), np.int64)
    grown[:, :n] = table[:, :n]
    return grown


@njit(cache=True)
def _records(rec, n, e, g, amount, level):  # type: ignore[no-untyped-def]
    """Append one record to the (4, cap) int64 record table."""
    rec = room_for(rec, n)
    rec[0, n] = e
    rec[1, n] = g
    rec[2, n] = amount
    rec[3, n] = level
    return rec, n + 1


@njit(cache=True)
def _lot(q, a, amount, taint, level, lots, n_lots):  # type: ignore[no-untyped-def]
    """Append a lot to queue ``q`` (address x group); lots is (4, cap): amount, taint, level, next."""
    if amount <= 0:
        return lots, n_lots
    if n_lots >= lots.shape[1]:
        grown = np.full((4, lots.shape[1] * 2), -1, np.int64)
        grown[:, :n_lots] = lots[:, :n_lots]
        lots = grown
    lots[0, n_lots] = amount
    lots[1, n_lots] = taint
    lots[2, n_lots] = level
    lots[3, n_lots] = -1
    if a[1, q] >= 0:
        lots[3, a[1, q]] = n_lots
    else:
        a[0, q] = n_lots
    a[1, q] = n_lots
    return lots, n_lots + 1


@njit(cache=True)
def _consume(q, x, a, lots, taken):  # type: ignore[no-untyped-def]
    """Take ``x`` units from queue ``q``, oldest first; adds the taint taken per level."""
    h = a[0, q]
    while x > 0 and h >= 0:
        take = min(x, lots[0, h])
        if lots[1, h] > 0:
            taken[lots[2, h] - 1] += take
            lots[1, h] -= take
        lots[0, h] -= take
        x -= take
        if lots[0, h] == 0:
            h = lots[3, h]
    a[0, q] = h
    if h < 0:
        a[1, q] = -1


@njit(cache=True, inline="always")  # one kernel after compilation
def _share(policy, have, whole, bal, x, f, out, fees):  # type: ignore[no-untyped-def]
    """Haircut or poison: the taint per level leaving with the amount (``out``) and the fee."""
    if policy == POISON:
        _drain(min(x, whole - min(f, whole)), have, out)
        have -= out
        _drain(min(f, whole), have, fees)
    else:
        b = max(bal, whole, x + f)
        ftot = f if whole >= b else min(muldiv(f, whole, b), whole)
        otot = x if whole >= b else min(muldiv(x, whole, b), whole - ftot)
        _split(otot, have, out)
        have -= out
        _split(ftot, have, fees)
    have -= fees


@njit(cache=True, inline="always")  # one kernel after compilation
def _send(s, x, f, policy, taint, touch, queues, queued, lots, bal, arrive, flagged, out, fees):  # type: ignore[no-untyped-def]
    """What every group's taint at ``s`` puts on one outgoing transfer; True if anything."""
    n_g, top = arrive.shape
    sent = False
    for g in range(n_g):
        if policy == FIFO:
            q = s * n_g + g
            if not queued[q]:
                continue
            out[:] = 0
            _consume(q, f, queues, lots, out)
            out[:] = 0
            _consume(q, x, queues, lots, out)
        else:
            if policy == POISON and touch[s, g] < top:
                flagged[g] = touch[s, g] + 1
                sent = True
            have = taint[s, g * top : (g + 1) * top]
            whole = have.sum()
            if whole == 0:
                continue
            _share(policy, have, whole, bal, x, f, out, fees)
        for k in range(top - 1):  # level k + 1 arrives at k + 2; level N leaves the horizon
            if out[k] > 0:
                arrive[g, k + 1] = out[k]
                sent = True
    return sent


@njit(cache=True, inline="always")  # one kernel after compilation
def _enqueue(q, x, total, arrive, bal, queues, queued, lots, n_lots):  # type: ignore[no-untyped-def]
    """FIFO: a received transfer's lots, tainted by level first (after the old balance if new)."""
    if total > 0 and not queued[q]:
        queued[q] = True
        lots, n_lots = _lot(q, queues, bal - x, 0, 0, lots, n_lots)
    if queued[q]:
        for k in range(arrive.shape[0]):
            lots, n_lots = _lot(q, queues, arrive[k], arrive[k], k + 1, lots, n_lots)
        lots, n_lots = _lot(q, queues, x - total, 0, 0, lots, n_lots)
    return lots, n_lots


@njit(cache=True, inline="always")  # one kernel after compilation
def _land(e, d, x, keep, gids, st, arrive, flagged, rec, n_rec, lots, n_lots):  # type: ignore[no-untyped-def]
    """Record what one transfer carries per group and hand it to the receiver; clears arrive."""
    policy, taint, touch, queues, queued, bal, active = st
    n_g, top = arrive.shape
    for g in range(n_g):
        total = arrive[g].sum()
        level = flagged[g]
        k = 0
        while level == 0 and total > 0:  # the lowest level that arrives
            if arrive[g, k] > 0:
                level = k + 1
            k += 1
        if level > 0:
            rec, n_rec = _records(rec, n_rec, e, gids[g], total, level)
        if keep and policy == FIFO:
            q = d * n_g + g
            lots, n_lots = _enqueue(q, x, total, arrive[g], bal[d], queues, queued, lots, n_lots)
            active[d] = active[d] or queued[q]
        elif keep and level > 0:
            active[d] = True
            taint[d, g * top : (g + 1) * top] += arrive[g]
            if flagged[g] > 0:
                touch[d, g] = min(touch[d, g], flagged[g])
        arrive[g, :] = 0
        flagged[g] = 0
    return rec, n_rec, lots, n_lots


@njit(cache=True)
def group_sweep(src, dst, amt, fee, local_of, gids, is_source, stop, policy, max_hops, bal0):  # type: ignore[no-untyped-def]
    """Records (4, n) int64: edge index, global group id, amount arriving, min arrival level.

    ``bal0``: each address's balance before the first transfer swept (zeros for a whole
    history; a lake extraction's opening balances otherwise)."""
    n_addr, n_g, top, fifo = local_of.shape[0], gids.shape[0], max_hops, policy == FIFO
    # only the state the policy uses is sized to the graph
    taint = np.zeros((1 if fifo else n_addr, n_g * top), np.int64)
    touch = np.full((n_addr if policy == POISON else 1, n_g), top + 1, np.int64)
    queues = np.full((2, (n_addr if fifo else 1) * n_g), -1, np.int64)  # head, tail
    queued = np.zeros((n_addr if fifo else 1) * n_g, np.bool_)
    bal = bal0.copy()
    active = np.zeros(n_addr, np.bool_)
    st = (policy, taint, touch, queues, queued, bal, active)
    lots = np.full((4, 1024), -1, np.int64)
    n_lots = 0
    arrive = np.zeros((n_g, top), np.int64)  # per group: amount arriving at level j + 1
    flagged = np.zeros(n_g, np.int64)  # poison: arrival level of a flag, 0 for none
    out = np.zeros(top, np.int64)
    fees = np.zeros(top, np.int64)
    rec = np.empty((4, 1024), np.int64)
    n_rec = 0
    for e in range(src.shape[0]):
        s, d, x, f = src[e], dst[e], amt[e], fee[e]
        sent = False
        if local_of[s] >= 0:  # a source: all it sends is level-1 taint of its group
            arrive[local_of[s], 0] = x
            flagged[local_of[s]] = 1 if policy == POISON else 0
            sent = x > 0 or policy == POISON
        elif active[s] and not stop[s] and not is_source[s]:
            sent = _send(
                s, x, f, policy, taint, touch, queues, queued, lots, bal[s], arrive, flagged,
                out, fees,
            )  # fmt: skip
        bal[s] = max(bal[s] - x - f, 0)
        bal[d] += x
        keep = not stop[d] and not is_source[d]
        if sent or (fifo and keep and active[d]):
            rec, n_rec, lots, n_lots = _land(
                e, d, x, keep, gids, st, arrive, flagged, rec, n_rec, lots, n_lots
            )
    return rec[:, :n_rec].copy()
