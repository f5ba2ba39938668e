"""The watch configuration file (YAML): what to watch, where to alert.

Example::

    name: acme-exchange            # the watch's identity: its cursor and alert keys
    chain: ethereum
    start_block: 21895000          # first block when there is no cursor yet (default: head)
    confirmations: 0               # stay this many blocks behind the head
    poll_interval_s: 0.5
    fetch_chunk: 10                # blocks per batch request; prefetch: 3 chunks in flight
    min_amount: {native: "10000000000000000"}   # base units; smaller moves are dust
    incidents:
      - id: bybit-2025
        name: Bybit cold wallet drain
        seeds: ["0x47666fab8bd0ac7003bce3f5c3585383f09486e2"]
    deposits:                      # monitored deposit addresses: exposed funds arriving = alert
      - {address: "0x...", owner: "ACME customer 1042"}
    services:                      # taint stops here (hot wallets, DEXes, mixers, bridges)
      - {address: "0x...", name: "Tornado Cash 100 ETH", category: mixer}
    sinks:
      stdout: true
      audit: true
      webhook: {url: "https://hooks.example/nkwatch", retries: 5}
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from nkwatch.boundary import load_yaml, read_text
from nkwatch.chains import chain_id, find_chain
from nkwatch.errors import UserError
from nkwatch.intel import Dataset

_ADDRESS = re.compile(r"^0x[0-9a-fA-F]{40}$")


def _address(value: str) -> str:
    if not isinstance(value, str) or not _ADDRESS.match(value):
        raise ValueError(f"not an EVM address: {value!r}")
    return value.lower()


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Incident(_Model):
    """A watched incident; without ``seeds`` they come from the intel store (its exploiter,
    theft-receiver and laundering-hop addresses on this chain, each with its source)."""

    id: str = Field(min_length=1)
    name: str = ""
    seeds: tuple[str, ...] = ()
    seed_sources: tuple[str, ...] = ()  # where each seed comes from (provenance)

    @field_validator("seeds", mode="before")
    @classmethod
    def _seeds(cls, v: Any) -> tuple[str, ...]:
        return tuple(_address(x) for x in (v or []))


# the roles whose addresses hold an incident's loot
SEED_ROLES = {"exploiter", "theft_receiver", "laundering_hop"}


def resolve_seeds(config: WatchConfig, dataset: Dataset, where: str) -> WatchConfig:
    """Fill the seeds of incidents that give none from the intel dataset."""
    watched = find_chain(config.chain)
    incidents: list[Incident] = []
    for inc in config.incidents:
        if inc.seeds:
            incidents.append(
                inc.model_copy(update={"seed_sources": ("watch config",) * len(inc.seeds)})
            )
            continue
        found = {
            a.address.lower(): a.source
            for a in dataset.addresses
            if a.incident_id == inc.id
            and watched is not None
            and find_chain(a.chain) == watched
            and a.role.value in SEED_ROLES
            and _ADDRESS.match(a.address)
        }
        if not found:
            raise UserError(
                f"incident {inc.id}: no seeds given and the intel store has no"
                f" {config.chain} loot addresses for it",
                where=where,
            )
        seeds = tuple(sorted(found))
        name = inc.name or next(
            (f"{i.victim} {i.theft_date}" for i in dataset.incidents if i.incident_id == inc.id), ""
        )
        incidents.append(
            inc.model_copy(
                update={
                    "seeds": seeds,
                    "seed_sources": tuple(found[a] for a in seeds),
                    "name": name,
                }
            )
        )
    return config.model_copy(update={"incidents": tuple(incidents)})


class Deposit(_Model):
    address: str
    owner: str = ""

    @field_validator("address", mode="before")
    @classmethod
    def _addr(cls, v: Any) -> str:
        return _address(v)


class Service(_Model):
    address: str
    name: str = ""
    category: str = "service"

    @field_validator("address", mode="before")
    @classmethod
    def _addr(cls, v: Any) -> str:
        return _address(v)


class WebhookSinkConfig(_Model):
    url: str = Field(pattern=r"^https?://")
    retries: int = Field(default=5, ge=0, le=20)
    timeout_s: float = Field(default=5.0, gt=0)


class SinksConfig(_Model):
    stdout: bool = True
    audit: bool = True
    webhook: WebhookSinkConfig | None = None


class WatchConfig(_Model):
    name: str = Field(default="default", pattern=r"^[A-Za-z0-9_.-]+$")
    chain: str = "ethereum"
    start_block: int | None = Field(default=None, ge=0)
    confirmations: int = Field(default=0, ge=0, le=1000)
    poll_interval_s: float = Field(default=0.5, gt=0, le=600)
    max_blocks_per_step: int = Field(default=50, ge=1, le=10_000)
    fetch_chunk: int = Field(default=10, ge=1, le=1000)  # blocks per node request batch
    prefetch: int = Field(default=3, ge=0, le=16)  # chunks fetched ahead while one is processed
    reorg_depth: int = Field(default=128, ge=1, le=100_000)
    internal_transfers: bool = True  # follow call-trace value (needs debug_/trace_ methods)
    min_amount: dict[str, int] = Field(default_factory=dict)  # "native" or token contract
    incidents: tuple[Incident, ...] = ()
    deposits: tuple[Deposit, ...] = ()
    services: tuple[Service, ...] = ()
    sinks: SinksConfig = SinksConfig()

    @field_validator("chain")
    @classmethod
    def _chain(cls, v: str) -> str:
        try:
            return chain_id(v, where=None)
        except UserError as exc:
            raise ValueError(exc.message) from None

    @field_validator("min_amount", mode="before")
    @classmethod
    def _min_amount(cls, v: Any) -> dict[str, int]:
        out: dict[str, int] = {}
        for key, amount in (v or {}).items():
            asset = "native" if key == "native" else _address(key)
            value = int(str(amount))
            if value < 0:
                raise ValueError(f"negative min_amount for {key}")
            out[asset] = value
        return out

    def deposit_owner(self) -> dict[str, str]:
        return {d.address: d.owner for d in self.deposits}

    def service_of(self) -> dict[str, Service]:
        return {s.address: s for s in self.services}


@dataclass(frozen=True, slots=True)
class Lookups:
    """What ``process_block`` looks addresses up in, built once per watch, not per block."""

    deposits: Mapping[str, str]  # deposit address -> owner
    services: Mapping[str, Service]
    seed_sources: Mapping[tuple[str, str], str]  # (incident, seed) -> who named the seed
    min_amount: Mapping[str, int]


def lookups(config: WatchConfig) -> Lookups:
    return Lookups(
        config.deposit_owner(),
        config.service_of(),
        {
            (inc.id, seed): source
            for inc in config.incidents
            for seed, source in zip(
                inc.seeds, inc.seed_sources or ("watch config",) * len(inc.seeds), strict=True
            )
        },
        config.min_amount,
    )


def parse_config(data: Any, where: str) -> WatchConfig:
    try:
        config = WatchConfig.model_validate(data or {})
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = ".".join(str(p) for p in first["loc"]) or "(top)"
        raise UserError(f"{loc}: {first['msg']}", where=where) from None
    if not config.incidents and not config.deposits:
        raise UserError("nothing to watch: give incidents and/or deposits", where=where)
    return config


def load_config(path: Path) -> WatchConfig:
    """Read and validate a watch file; any problem is one UserError naming file and field."""
    data = load_yaml(read_text(path, what="watch config"), where=str(path))
    return parse_config(data, str(path))
