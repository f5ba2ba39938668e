"""A straightforward networkx implementation of nkwatch's taint policies (the bench's peer).

Same semantics as ``nkwatch.trace.kernel.sweep`` but written the obvious way: transfers are
edges of a ``networkx.MultiDiGraph`` with their attributes, visited in time order, and per
address state is kept in Python dicts and lists. It exists to check the compiled sweep
(identical answers) and to measure the speed ratio; the tests use it as the oracle.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import networkx as nx
import numpy as np

POISON, HAIRCUT, FIFO = 0, 1, 2


@dataclass
class RefResult:
    taint: dict[int, int]
    hop: dict[int, int]
    out_taint: dict[int, int]
    fees: int
    dust: int
    injected: int


def build(
    src: np.ndarray, dst: np.ndarray, amt: np.ndarray, fee: np.ndarray, ts: np.ndarray
) -> nx.MultiDiGraph:
    g = nx.MultiDiGraph()
    for e, (s, d, a, f, t) in enumerate(
        zip(src.tolist(), dst.tolist(), amt.tolist(), fee.tolist(), ts.tolist(), strict=True)
    ):
        g.add_edge(s, d, key=e, amount=a, fee=f, ts=t, order=e)
    return g


def _muldiv(a: int, b: int, c: int) -> int:
    if a <= 3037000499 and b <= 3037000499:
        return (a * b) // c
    return int(a * (b / c))


def _consume(q: deque[list[int]], x: int) -> int:
    taken = 0
    while x > 0 and q:
        lot = q[0]
        take = min(x, lot[0])
        if take == lot[0] or lot[1] == lot[0]:
            t = take if lot[1] == lot[0] else lot[1]
        elif lot[1] == 0:
            t = 0
        else:
            t = _muldiv(lot[1], take, lot[0])
        lot[0] -= take
        lot[1] -= t
        taken += t
        x -= take
        if lot[0] == 0:
            q.popleft()
    return taken


def sweep(
    g: nx.MultiDiGraph, endpoints: set[int], sources: dict[int, int], policy: int,
    max_hops: int, min_taint: int, t_end: int, max_addresses: int,
    injections: list[tuple[int, int, int]] | None = None, seed_edges: frozenset[int] = frozenset(),
) -> RefResult:  # fmt: skip
    """``sources``: address -> since; ``injections``: (time, address, amount) seeds with an
    amount; ``seed_edges``: transfers (keys) whose whole amount is stolen."""
    bal: dict[int, int] = {}
    taint: dict[int, int] = {}
    hop: dict[int, int] = {}
    frozen: set[int] = set()
    lots: dict[int, deque[list[int]]] = {}
    out_taint: dict[int, int] = {}
    fees = dust = injected = 0
    pending = sorted(injections or [])

    def inject(upto: int) -> int:
        added = 0
        while pending and pending[0][0] <= upto:
            _, a, amount = pending.pop(0)
            if a not in hop:
                hop[a] = 0
                if policy == FIFO and bal.get(a, 0) - amount > 0:
                    lots.setdefault(a, deque()).append([bal.get(a, 0) - amount, 0])
            hop[a] = 0
            taint[a] = taint.get(a, 0) + amount
            added += amount
            if policy == FIFO and amount > 0:
                lots.setdefault(a, deque()).append([amount, amount])
        return added

    edges = sorted(g.edges(keys=True, data=True), key=lambda e: e[3]["order"])
    for s, d, key, data in edges:
        x, f, t = data["amount"], data["fee"], data["ts"]
        injected += inject(min(t, t_end))
        if t > t_end:
            break
        out = ft = 0
        carries = False
        if s in sources and sources[s] <= t:
            hop.setdefault(s, 0)
            hop[s] = 0
            carries, out, ft = True, x, f
            injected += x + f
            fees += f
        elif s in hop and hop[s] < max_hops and s not in endpoints and s not in frozen:
            carries = True
            ts_ = taint.get(s, 0)
            if policy == POISON:
                ft = min(f, ts_)
                out = min(x, ts_ - ft)
            elif policy == HAIRCUT:
                b = max(bal.get(s, 0), ts_, x + f)
                if ts_ >= b:
                    ft, out = f, x
                elif ts_ > 0:
                    ft = min(_muldiv(f, ts_, b), ts_)
                    out = min(_muldiv(x, ts_, b), ts_ - ft)
            else:
                ft = _consume(lots.setdefault(s, deque()), f)
                out = _consume(lots[s], x)
            taint[s] = ts_ - out - ft
            fees += ft
        bal[s] = max(bal.get(s, 0) - x - f, 0)
        bal[d] = bal.get(d, 0) + x
        follow = carries and (out >= min_taint if policy != POISON else x >= min_taint)
        incoming = out
        if carries and not follow:
            dust += out
            incoming = 0
        if key in seed_edges:
            injected += x - incoming
            incoming, follow = x, True
        receive = follow and (incoming > 0 or policy == POISON)
        if receive or (d in hop and policy == FIFO):
            via = 0 if key in seed_edges else hop.get(s, -1) + 1
            if d not in hop:
                frozen_now = len(hop) + 1 > max_addresses
                hop[d] = via
                if frozen_now:
                    frozen.add(d)
                if policy == FIFO and bal[d] - x > 0:
                    lots.setdefault(d, deque()).append([bal[d] - x, 0])
            elif follow:
                hop[d] = min(hop[d], via)
            held = incoming
            if d in sources and sources[d] <= t:
                injected -= incoming  # counted again when the seed sends it on
                held = 0
            taint[d] = taint.get(d, 0) + held
            if policy == FIFO and x > 0:
                queue = lots.setdefault(d, deque())
                if 0 < held < x:  # tainted units first, then the clean rest: pure lots
                    queue.extend([[held, held], [x - held, 0]])
                else:
                    queue.append([x, held])
            if follow:
                out_taint[key] = incoming
    else:
        injected += inject(t_end)
    return RefResult(taint, hop, out_taint, fees, dust, injected)
