"""Values of a cross-chain trace: the two sides of a link, links, departures in flight,
anomalies, and the mutable state of the rounds."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from nkwatch.trace.bridges.registry import Arrival, Departure
from nkwatch.trace.engine import SeedEdges, TraceResult
from nkwatch.trace.graph import TransferGraph
from nkwatch.trace.labels import Label
from nkwatch.trace.model import UtxoTx
from nkwatch.trace.params import Seed
from nkwatch.trace.swaps import SwapEvent


@dataclass(frozen=True)
class Side:
    chain: str
    tx_hash: str
    address: str  # the sender (source side) / the receiver (target side)
    asset: str  # asset key ("ethereum:native", "bitcoin:native", "ethereum:0x…")
    symbol: str
    decimals: int


@dataclass(frozen=True)
class Link:
    """One exact cross-asset or cross-chain step with its evidence on both sides."""

    kind: str  # swap | bridge | refund
    via: str  # "swap (by shape)", a DEX or bridge service
    source: Side
    target: Side
    tainted_in: int  # base units of the source asset that entered
    total_in: int
    received: int  # base units of the target asset that came out
    converted: int  # the tainted part of ``received`` (floor)
    remainder: int  # received × tainted_in mod total_in (fraction of a unit not carried)
    hop: int
    evidence: tuple[str, ...]
    carried: int = -1  # what the destination trace received (``converted`` to the unit an
    # account graph holds the asset in; see ``graph.unit_exp``); -1: the same as converted

    @property
    def carried_units(self) -> int:
        return self.converted if self.carried < 0 else self.carried


@dataclass(frozen=True)
class InFlight:
    """A tainted departure whose arrival is not in the data: left for ``dest_chain``."""

    bridge: str
    source: Side
    tainted_in: int
    total_in: int
    dest_chain: str | None
    dest_address: str | None
    dest_asset: str | None
    memo: str | None
    reason: str


@dataclass(frozen=True)
class Anomaly:
    chain: str
    tx_hash: str
    kind: str  # malformed-log | bad-memo | forged-out | unreconciled | ambiguous-swap
    detail: str


@dataclass(frozen=True)
class ChainData:
    """The other side of a bridge: a UTXO chain's transactions (OP_RETURN memos included)."""

    chain: str
    txs: Sequence[UtxoTx]


@dataclass
class CrossChainResult:
    evm: TraceResult
    links: list[Link] = field(default_factory=list)
    in_flight: list[InFlight] = field(default_factory=list)
    anomalies: list[Anomaly] = field(default_factory=list)
    utxo_seeds: dict[str, list[Seed]] = field(default_factory=dict)  # chain -> seed outputs
    rounds: int = 0


@dataclass
class State:
    """What the rounds share: decoded events, links so far, the proceeds to carry."""

    graph: TransferGraph
    departures: dict[str, list[Departure]]  # tx hash -> departures of that tx
    arrivals: dict[str, list[Arrival]]  # departure key -> EVM arrivals
    swap_events: dict[str, list[SwapEvent]]  # tx hash -> decoded DEX swap events
    utxo_out: dict[str, dict[str, list[tuple[UtxoTx, bool]]]]  # chain -> key -> (tx, refund)
    extra: dict[int, Label] = field(default_factory=dict)  # address id -> endpoint label
    carried: dict[int, SeedEdges] = field(default_factory=dict)  # asset id -> seed edges
    links: list[Link] = field(default_factory=list)
    in_flight: list[InFlight] = field(default_factory=list)
    anomalies: list[Anomaly] = field(default_factory=list)
    utxo_seeds: dict[str, list[Seed]] = field(default_factory=dict)
    done: set[tuple[str, int, int]] = field(default_factory=set)  # (tx, sender, asset id)
    genuine: frozenset[int] = frozenset()  # assets a swap may convert into (native, canonical)

    def next_round(self, anomalies: list[Anomaly]) -> State:
        """The decoded events and the swap endpoints found so far, links recomputed afresh:
        a round's links follow from that round's sweep alone."""
        return State(self.graph, self.departures, self.arrivals, self.swap_events,
                     self.utxo_out, self.extra, anomalies=list(anomalies),
                     genuine=self.genuine)  # fmt: skip


def side(graph: TransferGraph, asset_id: int, tx_hash: str, address: str) -> Side:
    a = graph.assets[asset_id]
    return Side(graph.chain, tx_hash, address, a.key, a.symbol, a.decimals)
