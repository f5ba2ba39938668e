"""Swaps followed through: what an address sends of one asset into a swap comes back as the
asset it (or the recipient a DEX event names) receives in the same transaction, converted at
that transaction's own ratio."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from nkwatch.trace.across.model import Anomaly, Link, State, side
from nkwatch.trace.labels import Label, LabelBook
from nkwatch.trace.swaps import SwapEvent, convert, describe

SHAPE = "swap (by shape)"


def sent(
    state: State, members: Sequence[int], sender: int, asset_id: int,
    taint_of: Mapping[int, int], to: set[int] | None = None,
) -> tuple[int, int, list[int]]:  # fmt: skip
    """(tainted, total) base units ``sender`` paid of ``asset_id`` in the transaction (to
    ``to`` only, when given) and the payees."""
    graph = state.graph
    tainted = total = 0
    payees: list[int] = []
    for m in members:
        if int(graph.src[m]) != sender or int(graph.asset[m]) != asset_id:
            continue
        if to is not None and int(graph.dst[m]) not in to:
            continue
        total += graph.base_units(asset_id, int(graph.amount[m]))
        tainted += taint_of.get(m, 0)
        payees.append(int(graph.dst[m]))
    return tainted, total, payees


def carry(state: State, asset_id: int, edges: Sequence[int], amount: int, hop: int) -> int:
    """Spread ``amount`` base units over ``edges`` in order (each up to its own amount);
    returns what the sweep will carry (each part floored to the graph's unit of the asset)."""
    graph = state.graph
    book = state.carried.setdefault(asset_id, {})
    left = amount
    carried = 0
    for m in edges:
        part = min(left, graph.base_units(asset_id, int(graph.amount[m])))
        book[m] = (max(part, book.get(m, (0, 0))[0]), hop)
        carried += graph.base_units(asset_id, graph.scaled(asset_id, part))
        left -= part
    return carried


def _receivers(state: State, tx_hash: str, sender: int) -> tuple[set[int], list[str]]:
    """The sender and the recipients the transaction's DEX events name; their explanation."""
    graph = state.graph
    receivers = {sender}
    evidence = []
    for event in state.swap_events.get(tx_hash, ()):
        evidence.append(describe(event))
        rid = graph.address_id(event.recipient) if event.recipient else None
        if rid is not None:
            receivers.add(rid)
    return receivers, evidence


def _via(event: SwapEvent) -> str:
    what = "aggregator" if event.aggregator else "pool"
    return f"{event.dex} {what} (its {event.event} event)"


def follow_swap(
    state: State, key: tuple[str, int, int], members: Sequence[int],
    taint_of: Mapping[int, int], hop: int, labels: LabelBook,
) -> bool:  # fmt: skip
    """Link a swap in the transaction ``key`` = (hash, sender, asset) if it is one."""
    graph = state.graph
    tx_hash, sender, asset_id = key
    receivers, evidence = _receivers(state, tx_hash, sender)
    back = [
        m for m in members
        if int(graph.dst[m]) in receivers and int(graph.src[m]) not in receivers
        and int(graph.asset[m]) != asset_id
    ]  # fmt: skip
    if not back:
        return False
    state.done.add(key)
    outs = {int(graph.asset[m]) for m in back}
    if len(outs) > 1:
        state.anomalies.append(Anomaly(graph.chain, tx_hash, "ambiguous-swap",
            f"{graph.addresses[sender]} received {len(outs)} assets back: not converted"))  # fmt: skip
        return False
    (out_id,) = outs
    if out_id not in state.genuine:
        state.anomalies.append(Anomaly(graph.chain, tx_hash, "unverified-swap",
            f"{graph.addresses[sender]} received {graph.assets[out_id].symbol} at "
            f"{graph.assets[out_id].contract} (not a canonical token): not followed"))  # fmt: skip
        return False
    tainted, total, payees = sent(state, members, sender, asset_id, taint_of)
    received = sum(graph.base_units(out_id, int(graph.amount[m])) for m in back)
    conv = convert(received, tainted, total)
    carried = carry(state, out_id, back, conv.converted, hop)
    events = state.swap_events.get(tx_hash, ())
    via = _via(events[0]) if events else SHAPE
    for p in payees:
        if p in receivers:
            continue
        known = labels.endpoint(graph.chain, graph.addresses[p])
        if known is not None:  # a labelled pool or router already stops the traced asset
            via = known.service
        elif p not in state.extra:
            state.extra[p] = Label(graph.chain, graph.addresses[p], via, "dex", 0.9,
                                   "same-transaction swap shape")  # fmt: skip
    if not evidence:
        evidence = [f"{graph.addresses[sender]} paid {total} base units and received {received} "
                    f"of another asset in {tx_hash}"]  # fmt: skip
    to = graph.addresses[int(graph.dst[back[0]])]
    state.links.append(Link(
        "swap", via, side(graph, asset_id, tx_hash, graph.addresses[sender]),
        side(graph, out_id, tx_hash, to), conv.tainted_in, conv.total_in, conv.received,
        conv.converted, conv.remainder, hop, tuple(evidence), carried,
    ))  # fmt: skip
    return True
