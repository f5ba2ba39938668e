"""Compiled read-off of exposure records: per subject totals, per group hits, evidence paths.

Records (see ``sweep``) are a (4, n) int64 table sorted by global edge id: edge, group,
amount, min level, plus ``first``: for each transfer of the block's asset (by its position
``pos[edge]`` among that asset's transfers) the index of its first record, or -1. A subject
is a set of inflow edges (an address's inflows up to a time, or one transaction's rows);
reading it is one array lookup per inflow, so a batch costs O(inflows), independent of how
far upstream the taint came from.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from nkwatch.exposure.sweep import room_for


@njit(cache=True)
def gather(in_ptr, in_edges, ts, targets, t_end):  # type: ignore[no-untyped-def]
    """Each target's inflow edges with ``ts <= t_end`` as a CSR (ptr, edges), time order kept."""
    ptr = np.zeros(targets.shape[0] + 1, np.int64)
    for i in range(targets.shape[0]):
        a = targets[i]
        n = 0
        for j in range(in_ptr[a], in_ptr[a + 1]):
            if ts[in_edges[j]] > t_end:
                break
            n += 1
        ptr[i + 1] = ptr[i] + n
    edges = np.empty(ptr[-1], np.int64)
    for i in range(targets.shape[0]):
        a = targets[i]
        for k in range(ptr[i + 1] - ptr[i]):
            edges[ptr[i] + k] = in_edges[in_ptr[a] + k]
    return ptr, edges


@njit(cache=True)
def totals(q_ptr, q_edges, asset, amount, n_assets):  # type: ignore[no-untyped-def]
    """Per subject and asset: value received and number of transfers."""
    value = np.zeros((q_ptr.shape[0] - 1, n_assets), np.int64)
    count = np.zeros((q_ptr.shape[0] - 1, n_assets), np.int64)
    for i in range(q_ptr.shape[0] - 1):
        for j in range(q_ptr[i], q_ptr[i + 1]):
            e = q_edges[j]
            value[i, asset[e]] += amount[e]
            count[i, asset[e]] += 1
    return value, count


@njit(cache=True)
def first_records(rec, n_local, pos):  # type: ignore[no-untyped-def]
    """For each of the asset's transfers (local position), the index of its first record."""
    first = np.full(n_local, -1, np.int64)
    for r in range(rec.shape[1] - 1, -1, -1):
        first[pos[rec[0, r]]] = r
    return first


@njit(cache=True)
def read_off(q_ptr, q_edges, rec, first, pos, asset, asset_id, n_groups):  # type: ignore[no-untyped-def]
    """Hits (6, n): subject, group, amount, direct (level 1), min level, best edge.

    The best edge (evidence) is the inflow with the lowest level, then the largest amount.
    """
    amount = np.zeros(n_groups, np.int64)
    direct = np.zeros(n_groups, np.int64)
    level = np.zeros(n_groups, np.int64)
    best = np.full(n_groups, -1, np.int64)
    best_amt = np.zeros(n_groups, np.int64)
    seen = np.empty(n_groups, np.int64)
    hits = np.empty((6, 64), np.int64)
    n_hits = 0
    for i in range(q_ptr.shape[0] - 1):
        n_seen = 0
        for j in range(q_ptr[i], q_ptr[i + 1]):
            e = q_edges[j]
            if asset[e] != asset_id:
                continue
            r = first[pos[e]]
            while r >= 0 and r < rec.shape[1] and rec[0, r] == e:
                g = rec[1, r]
                if best[g] < 0:
                    seen[n_seen] = g
                    n_seen += 1
                    level[g] = rec[3, r]
                    best[g] = e
                    best_amt[g] = rec[2, r]
                elif rec[3, r] < level[g] or (rec[3, r] == level[g] and rec[2, r] > best_amt[g]):
                    level[g] = rec[3, r]
                    best[g] = e
                    best_amt[g] = rec[2, r]
                amount[g] += rec[2, r]
                if rec[3, r] == 1:
                    direct[g] += rec[2, r]
                r += 1
        for k in range(n_seen):
            g = seen[k]
            hits = room_for(hits, n_hits)
            hits[0, n_hits] = i
            hits[1, n_hits] = g
            hits[2, n_hits] = amount[g]
            hits[3, n_hits] = direct[g]
            hits[4, n_hits] = level[g]
            hits[5, n_hits] = best[g]
            n_hits += 1
            amount[g] = 0
            direct[g] = 0
            best[g] = -1
    return hits[:, :n_hits].copy()


@njit(cache=True)
def _record_of(rec, first, pos, e, g):  # type: ignore[no-untyped-def]
    r = first[pos[e]]
    while r >= 0 and r < rec.shape[1] and rec[0, r] == e:
        if rec[1, r] == g:
            return r
        r += 1
    return -1


@njit(cache=True)
def paths(hits, rec, first, pos, asset, asset_id, src, in_ptr, in_edges, group_of, max_len):  # type: ignore[no-untyped-def]
    """One example path per hit (edges, source first, -1 padded), walking back over taint.

    From the hit's best edge, step to the sender's latest earlier inflow that carries the same
    group's taint at a lower level; levels fall by at least one per step, so the path ends at
    a source of the group within the hit's level (such an inflow exists: the sender held that
    taint when it sent).
    """
    out = np.full((hits.shape[1], max_len), -1, np.int64)
    chain = np.empty(max_len, np.int64)
    for h in range(hits.shape[1]):
        g = hits[1, h]
        e = hits[5, h]
        lvl = hits[4, h]
        n = 0
        while e >= 0 and n < max_len:
            chain[n] = e
            n += 1
            a = src[e]
            if group_of[a] == g:
                break
            lo = in_ptr[a]
            j = lo + np.searchsorted(in_edges[lo : in_ptr[a + 1]], e) - 1
            nxt = -1
            while j >= lo:
                c = in_edges[j]
                if asset[c] != asset_id:
                    j -= 1
                    continue
                r = _record_of(rec, first, pos, c, g)
                if r >= 0 and rec[3, r] < lvl:
                    nxt = in_edges[j]
                    lvl = rec[3, r]
                    break
                j -= 1
            e = nxt
        for k in range(n):
            out[h, k] = chain[n - 1 - k]
    return out
