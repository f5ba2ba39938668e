"""The compiled backward walk of exposure screening (see ``engine``).

From the subject, over incoming transfers (CSR by receiver, time order kept), hop by hop,
keeping per address the latest time its value could still have moved on ("deadline"). A
later-found path that raises an address's deadline re-expands it, so no earlier inflow is
missed. Sources and services stop the walk. Intermediaries' outflows before their deadline
are added, because FIFO and poison depend on what already left.

Scratch arrays sized to the graph are allocated once per index and reset after each query by
touching only the addresses visited, so a query costs O(subgraph), not O(graph).
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def _push(buf, n, value):  # type: ignore[no-untyped-def]
    if n >= buf.shape[0]:
        grown = np.empty(buf.shape[0] * 2, buf.dtype)
        grown[:n] = buf[:n]
        buf = grown
    buf[n] = value
    return buf, n + 1


@njit(cache=True)
def backward_walk(  # type: ignore[no-untyped-def]
    in_ptr, in_edges, out_ptr, out_edges, src, ts, target, t_end, max_hops, stop,
    max_addresses, max_fan_in, depth, deadline,
):  # fmt: skip
    """Returns (visited ids, edge ids sorted, boundary hubs); ``depth``/``deadline`` are reset.

    An intermediary with more than ``max_fan_in`` inflows is not walked past: such hubs are
    services in all but label (exchanges, routers, pools), and walking through them would
    attribute the whole economy to one deposit. They are returned so the result can say so.
    """
    nodes = np.empty(64, np.int64)
    n_nodes = 0
    edges = np.empty(256, np.int64)
    n_edges = 0
    frontier = np.empty(64, np.int64)
    n_front = 0
    nodes, n_nodes = _push(nodes, n_nodes, target)
    depth[target] = 0
    deadline[target] = t_end
    frontier, n_front = _push(frontier, n_front, target)
    hubs = np.empty(8, np.int64)
    n_hubs = 0
    for hop in range(max_hops):
        nxt = np.empty(max(n_front * 2, 16), np.int64)
        n_nxt = 0
        for k in range(n_front):
            a = frontier[k]
            if a != target and stop[a]:
                continue
            if a != target and in_ptr[a + 1] - in_ptr[a] > max_fan_in:
                hubs, n_hubs = _push(hubs, n_hubs, a)
                continue
            limit = deadline[a]
            for j in range(in_ptr[a], in_ptr[a + 1]):
                e = in_edges[j]
                if ts[e] > limit:
                    break  # in-edges are in time order
                edges, n_edges = _push(edges, n_edges, e)
                s = src[e]
                if depth[s] < 0:
                    if n_nodes >= max_addresses:
                        continue
                    depth[s] = hop + 1
                    deadline[s] = ts[e]
                    nodes, n_nodes = _push(nodes, n_nodes, s)
                    nxt, n_nxt = _push(nxt, n_nxt, s)
                elif ts[e] > deadline[s]:
                    deadline[s] = ts[e]
                    if hop + 1 < max_hops:
                        nxt, n_nxt = _push(nxt, n_nxt, s)  # re-expand up to the later time
        frontier = nxt
        n_front = n_nxt
    for k in range(n_nodes):
        a = nodes[k]
        # Only intermediaries carry taint on: a frontier address is clean unless it is a
        # source, and a source's outflows are tainted whatever left it before.
        if a == target or stop[a] or depth[a] >= max_hops:
            continue
        if in_ptr[a + 1] - in_ptr[a] > max_fan_in:
            continue
        limit = deadline[a]
        for j in range(out_ptr[a], out_ptr[a + 1]):
            e = out_edges[j]
            if ts[e] > limit:
                break
            edges, n_edges = _push(edges, n_edges, e)
    for k in range(n_nodes):
        depth[nodes[k]] = -1
        deadline[nodes[k]] = 0
    out = np.unique(edges[:n_edges])
    return nodes[:n_nodes].copy(), out, np.unique(hubs[:n_hubs])
