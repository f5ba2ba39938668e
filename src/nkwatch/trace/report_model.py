"""The trace report as one typed model (pydantic v2, frozen): the product's main output.

Produced in one place (``report.build_report``) for account and UTXO chains, read through
attributes by the renderers, the flow picture, freeze requests, the CLI, the service and
exposure; saved as JSON (:meth:`TraceReport.to_json_text`) and read back with
:meth:`TraceReport.from_json_text`. The JSON Schema is published in
``docs/schemas/trace-report.schema.json`` (``python -m nkwatch.trace.report_model``
regenerates it; a test checks the committed file).

A field is written when the builder gave it: values that may be null (an endpoint's
``detail``) are written as ``null``; parts one ledger model has and the other lacks (UTXO
``clusters``, account ``flagged_addresses``, the example's ``case``) are left out, so the
JSON is the same document the untyped builders wrote, byte for byte.

Every seed, flow and endpoint carries its asset (``asset`` / ``symbol`` / ``amounts`` keys)
and may carry its ``chain`` (absent: the report's ``parameters.chain``; read it with
:meth:`TraceReport.chain_of`). A cross-chain case (``trace.across``) adds ``links`` (swaps
and bridges followed, with their evidence), ``in_flight`` and ``noise.crosschain``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, ValidationError

from nkwatch.boundary import load_json
from nkwatch.errors import UserError

REPORT_FORMAT = "nkwatch-trace-report/1"
_FROM = AliasChoices("from", "from_address")  # "from" in JSON, a keyword in Python


class _Part(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


class SeedInfo(_Part):
    """A seed as given: an address (from ``since``, or ``amount`` of it) or a theft tx."""

    address: str | None = None
    tx_hash: str | None = None
    amount: int | None = None  # base units
    amount_whole: str | None = None  # whole units (CLI ``ADDR=AMOUNT``), as a decimal string
    asset: str | None = None  # asset key ("chain:contract" / "chain:native"); None: all genuine
    since: str | None = None  # ISO 8601
    chain: str | None = None  # None: the report's chain


class Parameters(_Part):
    chain: str
    policy: str
    max_hops: int
    min_amount: str  # whole units, decimal string
    max_addresses: int
    until: str | None
    detect_deposits: bool
    seeds: tuple[SeedInfo, ...]
    data_version: str
    nkwatch_version: str
    transfers_examined: int | None = None  # account model
    elapsed_s: float | None = None  # account model
    model: str | None = None  # "utxo" for UTXO traces
    case: str | None = None  # the example case's description
    chains: tuple[str, ...] | None = None  # cross-chain: every chain the case covers
    rounds: int | None = None  # cross-chain: tracing rounds (links feed the next round)


class AssetInfo(_Part):
    symbol: str  # as shown in the report (symbol@contract when two assets share a symbol)
    contract: str | None
    decimals: int
    exact_to_base_units: int  # amounts are exact to this many base units (volume beyond int64)
    chain: str | None = None


class DeliveryTx(_Part):
    """A transfer that delivered traced value to an endpoint."""

    tx_hash: str | None
    block: int | None
    time: str
    from_address: str | None = Field(serialization_alias="from", validation_alias=_FROM)
    symbol: str
    amount: str


class Endpoint(_Part):
    """A service reached: where a freeze request goes."""

    address: str
    service: str
    category: str
    confidence: float
    label_source: str
    label_date: str | None
    detail: str | None
    entered_mixer: bool
    bridge_destination: str | None
    amounts: dict[str, str]  # symbol -> whole units
    hops: int
    first_seen: str
    txs: tuple[DeliveryTx, ...]
    example_path: tuple[str, ...]
    tx_count: int
    chain: str | None = None


class Bucket(_Part):
    """Where the traced value of one asset ended (whole units, decimal strings)."""

    seeded: str
    at_services: str
    at_addresses: str
    fees: str
    dust: str
    converted_or_bridged: str | None = None  # cross-chain: left through a swap or bridge link
    in_flight: str | None = None  # cross-chain: departed, arrival not in the data
    chain: str | None = None


class Holding(_Part):
    """Traced value still at an (unlabelled) address."""

    address: str
    symbol: str
    amount: str
    hops: int
    frontier: bool  # a bound (hops, address limit) stopped the trace here
    cluster: str | None = None  # UTXO multi-input cluster
    chain: str | None = None


class FlaggedAddress(_Part):
    """A reached address with a sanctions or incident label (shown, followed through)."""

    address: str
    hops: int
    service: str
    category: str
    confidence: float
    source: str
    date: str | None


class Flow(_Part):
    """A tainted transfer (a hop of the flow picture)."""

    from_address: str = Field(serialization_alias="from", validation_alias=_FROM)
    to: str
    symbol: str
    amount: str
    hop: int
    time: str
    tx_hash: str | None = None  # cross-chain link flows: the destination transaction
    chain: str | None = None
    link: str | None = None  # cross-chain: "swap" | "bridge" | "refund" (a link, not a transfer)


class FakeToken(_Part):
    symbol: str
    contract: str | None
    verdict: str
    reason: str
    transfers: int


class Lookalike(_Part):
    address: str
    imitates: str
    transfers: int


class CrossChainAnomaly(_Part):
    """Cross-chain evidence that did not add up (forged memo, malformed log...)."""

    chain: str
    tx_hash: str
    kind: str  # malformed-log | bad-memo | forged-out | unreconciled | ambiguous-swap
    detail: str


class Noise(_Part):
    fake_tokens: tuple[FakeToken, ...]
    lookalike_addresses: tuple[Lookalike, ...]
    crosschain: tuple[CrossChainAnomaly, ...] = ()  # cross-chain reports


class CoinJoin(_Part):
    tx_hash: str
    kind: str


class Clusters(_Part):
    seed_clusters: dict[str, str | None]
    coinjoins: tuple[CoinJoin, ...]


class LinkSide(_Part):
    """One side of a link: the transaction, the address (sender / receiver) and the asset."""

    chain: str
    tx_hash: str
    address: str
    asset: str  # asset key ("ethereum:native", "bitcoin:native", "ethereum:0x…")
    symbol: str


class Link(_Part):
    """Value followed from one asset or chain to another: a swap, a bridge or a refund, with
    the amounts on both sides (whole units; exact base units in ``base_units``) and the
    evidence that matched the two legs."""

    kind: str  # swap | bridge | refund
    via: str  # "swap (by shape)", a DEX or bridge service
    hop: int
    source: LinkSide
    target: LinkSide
    tainted_in: str
    total_in: str
    received: str
    converted: str  # the tainted part of ``received``
    carried: str  # what the destination trace received
    base_units: dict[str, str]
    evidence: tuple[str, ...]


class InFlight(_Part):
    """A tainted departure whose arrival is not in the data: left for another chain."""

    bridge: str
    source: LinkSide
    symbol: str
    tainted_in: str
    total_in: str
    destination_chain: str | None
    destination_address: str | None
    destination_asset: str | None
    memo: str | None
    reason: str
    summary: str


class Extraction(_Part):
    """A trace over the transfer lake: what the scale-out stages handed the exact sweep."""

    lake_transfers: int  # transfers of the chain in the lake
    transfers: int  # transfers extracted (touching a reached address from its first taint on)
    reached_addresses: int  # addresses the k-hop expansion reached (services excluded)
    hops_with_growth: int  # hops that still reached a new address or an earlier block
    frontier_bound: dict[str, str]  # asset key -> whole units held where a bound stopped it


class LakeRun(_Part):
    """How a lake trace ran (not part of the canonical report: it differs between runs)."""

    engine: str  # "local" (DuckDB) | "spark"
    stages_s: dict[str, float]  # wall seconds per stage


class TraceReport(_Part):
    """One trace: parameters, assets, endpoints, buckets, holdings, flows, noise."""

    format: str = REPORT_FORMAT
    generated_at: str
    parameters: Parameters
    assets: tuple[AssetInfo, ...]
    endpoints: tuple[Endpoint, ...]
    buckets: dict[str, Bucket]  # symbol -> bucket
    addresses: tuple[Holding, ...]
    flagged_addresses: tuple[FlaggedAddress, ...] = ()  # account model
    flows: tuple[Flow, ...]
    noise: Noise
    clusters: Clusters | dict[str, Clusters] | None = None  # UTXO model (per chain: cross-chain)
    links: tuple[Link, ...] = ()  # cross-chain: swaps and bridges followed
    in_flight: tuple[InFlight, ...] = ()  # cross-chain: departures not (yet) arrived
    extraction: Extraction | None = None  # traced over the transfer lake
    run: LakeRun | None = None  # lake traces: engine and stage times (volatile)

    @property
    def cross_chain(self) -> bool:
        """A report of a case followed across swaps and chains (``links`` are meaningful)."""
        return self.parameters.chains is not None

    def chain_of(self, item: SeedInfo | AssetInfo | Endpoint | Holding | Flow | Bucket) -> str:
        """The chain of a seed, asset, endpoint, holding or flow (default: the report's)."""
        return item.chain or self.parameters.chain

    def to_data(self) -> dict[str, Any]:
        """The JSON document as plain data (the keys the builder gave, in schema order)."""
        return self.model_dump(mode="json", by_alias=True, exclude_unset=True)

    def to_json_text(self, *, indent: int | None = 2, ensure_ascii: bool = False) -> str:
        """The saved form: ``indent=2`` for files, ``None`` for the store."""
        return json.dumps(self.to_data(), indent=indent, ensure_ascii=ensure_ascii)

    @classmethod
    def from_data(cls, data: Mapping[str, Any], where: str = "report") -> TraceReport:
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            first = exc.errors()[0]
            field = ".".join(str(p) for p in first["loc"]) or "report"
            raise UserError(
                f"not an nkwatch trace report: {field}: {first['msg']}", where=where
            ) from None

    @classmethod
    def from_json_text(cls, text: str, where: str = "report") -> TraceReport:
        data = load_json(text, where=where)  # nesting and integer limits, errors as UserError
        if not isinstance(data, dict):
            raise UserError("not an nkwatch trace report", where=where)
        return cls.from_data(data, where)

    def with_case(self, case: str) -> TraceReport:
        """The same report with the example case's description in its parameters."""
        params = self.parameters.model_copy(update={"case": case})
        return self.model_copy(update={"parameters": params})


def json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a saved report."""
    schema = TraceReport.model_json_schema(by_alias=True, mode="serialization")
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}


def schema_text() -> str:
    return json.dumps(json_schema(), indent=2, sort_keys=True) + "\n"


if __name__ == "__main__":  # pragma: no cover - regenerates the published schema
    import sys

    sys.stdout.write(schema_text())
