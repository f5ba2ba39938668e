"""Bridges followed exactly: a tainted departure is linked to the arrivals that name it
(THORChain ``OUT:``/``REFUND:`` memos), converted at the departure's own tainted share."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from nkwatch.trace.across.model import Anomaly, ChainData, InFlight, Link, Side, State, side
from nkwatch.trace.across.swap import carry, sent
from nkwatch.trace.bridges.registry import Arrival, Departure
from nkwatch.trace.bridges.thorchain import MemoError, OutMemo, parse_memo
from nkwatch.trace.model import UtxoTx
from nkwatch.trace.params import Seed
from nkwatch.trace.swaps import convert
from nkwatch.trace.txgroups import edges_of_tx

BTC_DECIMALS = 8


def utxo_outbounds(
    chains: Sequence[ChainData], keys: set[str], anomalies: list[Anomaly]
) -> dict[str, dict[str, list[tuple[UtxoTx, bool]]]]:
    """Per chain, departure key -> the transactions whose OP_RETURN memo names it; an
    ``OUT:`` naming no departure in the data is an anomaly (ignored, never linked)."""
    out: dict[str, dict[str, list[tuple[UtxoTx, bool]]]] = {}
    for data in chains:
        book = out.setdefault(data.chain, {})
        for tx in data.txs:
            for o in tx.outputs:
                if o.memo is None or not o.memo.upper().startswith(("OUT:", "REFUND:")):
                    continue
                try:
                    memo = parse_memo(o.memo)
                except MemoError as exc:
                    anomalies.append(Anomaly(data.chain, tx.tx_hash, "bad-memo", str(exc)))
                    continue
                if not isinstance(memo, OutMemo):
                    continue
                if memo.inbound_tx not in keys:
                    anomalies.append(Anomaly(data.chain, tx.tx_hash, "forged-out",
                        f"memo {o.memo!r} names no inbound transaction in the data: ignored"))  # fmt: skip
                    continue
                book.setdefault(memo.inbound_tx, []).append((tx, memo.refund))
    return out


def _departure(state: State, tx_hash: str, asset_id: int) -> Departure | None:
    contract = state.graph.assets[asset_id].contract
    for d in state.departures.get(tx_hash, ()):
        if d.asset == contract:
            return d
    return None


def follow_bridge(
    state: State, key: tuple[str, int, int], members: Sequence[int],
    taint_of: Mapping[int, int], hop: int,
) -> bool:  # fmt: skip
    """Link the departure in transaction ``key``; True when proceeds were carried on this
    chain (a refund or an EVM outbound), so the sweep must run again."""
    graph = state.graph
    tx_hash, sender, asset_id = key
    dep = _departure(state, tx_hash, asset_id)
    if dep is None or key in state.done:
        return False
    to = {a for a in (graph.address_id(r) for r in dep.receivers) if a is not None}
    tainted, total, _ = sent(state, members, sender, asset_id, taint_of, to)
    if total == 0 or tainted == 0:
        return False
    state.done.add(key)
    source = side(graph, asset_id, tx_hash, graph.addresses[sender])
    moved = graph.scaled(asset_id, total)
    off = abs(total - dep.amount) >= dep.precision
    if dep.bridge == "THORChain" and moved != graph.scaled(asset_id, dep.amount) and off:
        state.anomalies.append(Anomaly(graph.chain, tx_hash, "unreconciled",
            f"Deposit event says {dep.amount} but {total} base units moved: not linked"))  # fmt: skip
        return False
    if dep.memo_error:
        state.anomalies.append(Anomaly(graph.chain, tx_hash, "bad-memo", dep.memo_error))
        state.in_flight.append(_flight(dep, source, tainted, total, "memo undecodable"))
        return False
    changed = _evm_arrivals(state, dep, source, tainted, total, hop)
    found = _utxo_arrivals(state, dep, source, tainted, total, hop)
    if not found and not changed:
        have = dep.dest_chain in state.utxo_out or dep.dest_chain == graph.chain
        reason = "outbound not in the data" if have else f"no {dep.dest_chain} data"
        state.in_flight.append(_flight(dep, source, tainted, total, reason))
    return changed


def _flight(dep: Departure, source: Side, tainted: int, total: int, reason: str) -> InFlight:
    return InFlight(dep.bridge, source, tainted, total, dep.dest_chain, dep.dest_address,
                    dep.dest_asset, dep.memo, reason)  # fmt: skip


def _evidence(dep: Departure, arrival: str) -> tuple[str, ...]:
    where = dep.record or f"log {dep.log.log_index} at {dep.log.address}"
    return (
        f"{dep.bridge} departure {dep.log.tx_hash} ({where}): {dep.amount} base units, "
        f"memo {dep.memo!r}",
        arrival,
    )


def _evm_arrivals(
    state: State, dep: Departure, source: Side, tainted: int, total: int, hop: int
) -> bool:
    graph = state.graph
    changed = False
    for arr in state.arrivals.get(dep.key, ()):
        if arr.chain != graph.chain:
            continue
        paid = _paid(state, arr)
        if not paid:
            state.anomalies.append(Anomaly(graph.chain, arr.tx_hash, "unreconciled",
                f"{arr.memo!r} names {dep.key} but the transaction pays nothing to {arr.to}"))  # fmt: skip
            continue
        out_id = int(graph.asset[paid[0]])
        received = sum(graph.base_units(out_id, int(graph.amount[m])) for m in paid)
        conv = convert(received, tainted, total)
        carried = carry(state, out_id, paid, conv.converted, hop)
        state.links.append(Link(
            "refund" if arr.refund else "bridge", dep.bridge, source,
            side(graph, out_id, arr.tx_hash, arr.to), conv.tainted_in, conv.total_in,
            conv.received, conv.converted, conv.remainder, hop,
            _evidence(dep, f"{arr.bridge} TransferOut {arr.tx_hash} to {arr.to}, memo {arr.memo!r}"),
            carried,
        ))  # fmt: skip
        changed = True
    return changed


def _paid(state: State, arr: Arrival) -> list[int]:
    graph = state.graph
    to = graph.address_id(arr.to)
    return [
        m for m in edges_of_tx(graph, arr.tx_hash)
        if int(graph.dst[m]) == to and graph.assets[int(graph.asset[m])].contract == arr.asset
    ]  # fmt: skip


def _utxo_arrivals(
    state: State, dep: Departure, source: Side, tainted: int, total: int, hop: int
) -> bool:
    found = False
    chain = dep.dest_chain or ""
    for tx, refund in state.utxo_out.get(chain, {}).get(dep.key, ()):
        outs = [o for o in tx.outputs if o.address == dep.dest_address and o.value > 0]
        if not outs:
            state.anomalies.append(Anomaly(chain, tx.tx_hash, "unreconciled",
                f"names {dep.key} but pays nothing to the memo's {dep.dest_address}"))  # fmt: skip
            continue
        found = True
        received = sum(o.value for o in outs)
        conv = convert(received, tainted, total)
        left = conv.converted
        for o in outs:
            part = min(left, o.value)
            left -= part
            if part > 0:
                state.utxo_seeds.setdefault(chain, []).append(
                    Seed(tx_hash=f"{tx.tx_hash}:{o.index}", amount=part)
                )
        memo = next((o.memo for o in tx.outputs if o.memo), "")
        target = Side(chain, tx.tx_hash, dep.dest_address or "?", f"{chain}:native",
                      "BTC" if chain == "bitcoin" else chain.upper(), BTC_DECIMALS)  # fmt: skip
        state.links.append(Link(
            "refund" if refund else "bridge", dep.bridge, source, target, conv.tainted_in,
            conv.total_in, conv.received, conv.converted, conv.remainder, hop,
            _evidence(dep, f"{chain} outbound {tx.tx_hash} OP_RETURN {memo!r}"),
        ))  # fmt: skip
    return found
