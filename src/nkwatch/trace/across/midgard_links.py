"""THORChain links from a Midgard ``actions`` export: when the logs are missing (an
explorer export) or to confirm them, the indexer's record of an inbound and its outbound
transactions is an exact link too (the outbound's hash is recorded, not guessed)."""

from __future__ import annotations

from collections.abc import Sequence

from nkwatch.trace.across.model import ChainData, State
from nkwatch.trace.bridges.abi import EvmLog
from nkwatch.trace.bridges.midgard import MidgardAction
from nkwatch.trace.bridges.registry import Arrival, Departure
from nkwatch.trace.graph import TransferGraph
from nkwatch.trace.labels import LabelBook
from nkwatch.trace.model import UtxoTx

MIDGARD_DECIMALS = 8


def _base(amount: int, decimals: int) -> int:
    return amount * int(10 ** max(decimals - MIDGARD_DECIMALS, 0))


def add_midgard(
    state: State, actions: Sequence[MidgardAction], labels: LabelBook, chains: Sequence[ChainData]
) -> list[Departure]:
    """Departures (and their arrivals) that the actions record for the traced chain; an
    inbound already known from its ``Deposit`` event is left to the event."""
    graph = state.graph
    bridges = tuple(
        lb.address for lb in labels.all() if lb.chain == graph.chain and lb.category == "bridge"
    )
    utxo = {c.chain: {t.tx_hash.lower(): t for t in c.txs} for c in chains}
    found: list[Departure] = []
    for action in actions:
        if action.kind not in ("swap", "refund"):
            continue
        for inb in action.inbound:
            if inb.asset.chain != graph.chain or not inb.tx_id:
                continue
            tx_hash = "0x" + inb.tx_id
            if tx_hash in state.departures:
                continue
            dep = _departure(
                graph, action, inb.tx_id, tx_hash, inb.asset.contract, inb.amount, bridges
            )
            if dep is None:
                continue
            found.append(dep)
            state.departures.setdefault(tx_hash, []).append(dep)
            _arrivals(state, action, dep, utxo)
    return found


def _departure(
    graph: TransferGraph, action: MidgardAction, key: str, tx_hash: str, contract: str | None,
    amount: int, bridges: tuple[str, ...],
) -> Departure | None:  # fmt: skip
    asset = graph.asset_id(f"{graph.chain}:{contract.lower() if contract else 'native'}")
    if asset is None:
        return None
    decimals = graph.assets[asset].decimals
    out = next((o for o in action.outbound if o.tx_id), next(iter(action.outbound), None))
    placeholder = EvmLog(graph.chain, tx_hash, -1, 0, "midgard", (), b"")
    return Departure(
        "THORChain", placeholder, bridges, contract.lower() if contract else None,
        _base(amount, decimals), out.asset.chain if out else None, out.address if out else None,
        str(out.asset) if out else None, action.memo, key,
        precision=10 ** max(decimals - MIDGARD_DECIMALS, 0), record="Midgard action",
    )  # fmt: skip


def _arrivals(
    state: State, action: MidgardAction, dep: Departure, utxo: dict[str, dict[str, UtxoTx]]
) -> None:
    refund = action.kind == "refund"
    for out in action.outbound:
        if not out.tx_id:
            continue
        chain = out.asset.chain
        if chain == state.graph.chain:
            contract = out.asset.contract.lower() if out.asset.contract else None
            asset = state.graph.asset_id(f"{chain}:{contract or 'native'}")
            decimals = state.graph.assets[asset].decimals if asset is not None else 18
            state.arrivals.setdefault(dep.key, []).append(Arrival(
                "THORChain", chain, "0x" + out.tx_id, out.address.lower(), contract,
                _base(out.amount, decimals), dep.key, refund, f"Midgard {action.kind} outbound",
            ))  # fmt: skip
        elif (tx := utxo.get(chain, {}).get(out.tx_id)) is not None:
            state.utxo_out.setdefault(chain, {}).setdefault(dep.key, []).append((tx, refund))
