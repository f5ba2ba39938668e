"""Indicator rules: a registry of pure functions over an in-memory screening context.

Each rule carries its id, severity and the advisory it comes from, so every flag in a
report can cite its source. Plug-ins register the same way the built-ins do.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from functools import cached_property
from typing import Any, Protocol, TypeVar, cast

from nkwatch.hiring import textsim
from nkwatch.hiring.fields import norm_text
from nkwatch.hiring.model import Applicant, HostEvent, LoginEvent
from nkwatch.hiring.refdata import ReferenceData

RESUME_THRESHOLD = 0.6
T = TypeVar("T")


class Severity(StrEnum):
    """Weak signals are common among honest people; alone they never make "high"."""

    WEAK = "weak"
    MEDIUM = "medium"
    STRONG = "strong"


@dataclass(frozen=True)
class Source:
    title: str
    publisher: str
    date: str
    url: str


@dataclass(frozen=True)
class Hit:
    """One indicator firing for one person, with the evidence that made it fire."""

    indicator_id: str
    person_id: str
    evidence: str
    related: tuple[str, ...] = ()
    details: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class SanctionsMatch:
    """What a sanctions checker found for a name or account, with its provenance."""

    query: str
    matched: str
    entity_id: str
    list_version: str
    score: float
    dprk_linked: bool


class SanctionsChecker(Protocol):
    """The small slice of sanctions screening the hiring rules need."""

    def check_name(self, name: str) -> Sequence[SanctionsMatch]: ...

    def check_address(self, address: str) -> Sequence[SanctionsMatch]: ...


class ScreeningContext:
    """Everything the rules read, indexed once. Built by the caller; never does I/O."""

    def __init__(
        self,
        applicants: Sequence[Applicant],
        logins: Iterable[LoginEvent] = (),
        host_events: Iterable[HostEvent] = (),
        refdata: ReferenceData | None = None,
        sanctions: SanctionsChecker | None = None,
        today: date | None = None,
    ) -> None:
        self.applicants = tuple(applicants)
        self.by_id = {a.id: a for a in self.applicants}
        self.refdata = refdata or ReferenceData.bundled()
        self.sanctions = sanctions
        self.today = today or date.today()
        self.logins: dict[str, list[LoginEvent]] = defaultdict(list)
        for ev in logins:
            self.logins[ev.person_id].append(ev)
        for events in self.logins.values():  # per person, stable: many small sorts, not one big
            events.sort(key=_at)
        self.host_events: dict[str, list[HostEvent]] = defaultdict(list)
        for hev in host_events:
            self.host_events[hev.person_id].append(hev)
        self.prior_hits: dict[str, list[Hit]] = {}
        self._memo: dict[str, Any] = {}

    def memo(self, key: str, build: Callable[[ScreeningContext], T]) -> T:
        """An index derived from the context, built once per run and shared by every rule
        and the linker (e.g. identifier groups): the same work is never done twice."""
        if key not in self._memo:
            self._memo[key] = build(self)
        return cast("T", self._memo[key])

    @cached_property
    def name_key(self) -> dict[str, str]:
        return {a.id: norm_text(a.full_name) for a in self.applicants}

    @cached_property
    def address_key(self) -> dict[str, str]:
        """Normalised ID address per record ("" when missing)."""
        return {a.id: norm_text(a.address) if a.address else "" for a in self.applicants}

    @cached_property
    def shipping_key(self) -> dict[str, str]:
        """Normalised equipment shipping address per record that has one."""
        return {a.id: norm_text(a.shipping_address) for a in self.applicants if a.shipping_address}

    @cached_property
    def ip_labels(self) -> dict[str, tuple[str | None, str | None]]:
        """(DPRK range, VPN label) per distinct login IP, looked up once per run."""
        ips = sorted({e.ip for events in self.logins.values() for e in events})
        dprk = self.refdata.dprk.lookup_many(ips)
        vpn = self.refdata.vpn.lookup_many(ips)
        return dict(zip(ips, zip(dprk, vpn, strict=True), strict=True))

    @cached_property
    def resume_pairs(self) -> list[textsim.SimilarPair]:
        """Near-duplicate resume pairs (indexes into ``applicants``), computed once per run."""
        sig = textsim.signatures([a.resume_text for a in self.applicants])
        return textsim.similar_pairs(sig, RESUME_THRESHOLD)


def _at(ev: LoginEvent) -> datetime:
    return ev.at


Rule = Callable[[ScreeningContext], Iterator[Hit]]


@dataclass(frozen=True)
class Indicator:
    id: str
    family: str
    title: str
    description: str
    severity: Severity
    sources: tuple[Source, ...]
    rule: Rule
    verify: str = ""  # what a human should check next, from the advisories
    needs_prior: bool = False  # runs after the others (e.g. referral from a flagged person)


class IndicatorRegistry:
    def __init__(self) -> None:
        self._items: dict[str, Indicator] = {}

    def register(self, indicator: Indicator) -> Indicator:
        if indicator.id in self._items:
            raise ValueError(f"indicator {indicator.id!r} registered twice")
        self._items[indicator.id] = indicator
        return indicator

    def get(self, indicator_id: str) -> Indicator:
        return self._items[indicator_id]

    def all(self) -> list[Indicator]:
        return list(self._items.values())


REGISTRY = IndicatorRegistry()


def indicator(
    id: str,
    *,
    family: str,
    title: str,
    description: str,
    severity: Severity,
    sources: tuple[Source, ...],
    verify: str = "",
    needs_prior: bool = False,
    registry: IndicatorRegistry = REGISTRY,
) -> Callable[[Rule], Rule]:
    """Decorator that registers a rule function as an indicator."""

    def wrap(rule: Rule) -> Rule:
        registry.register(
            Indicator(id, family, title, description, severity, sources, rule, verify, needs_prior)
        )
        return rule

    return wrap


def run_indicators(ctx: ScreeningContext, registry: IndicatorRegistry = REGISTRY) -> list[Hit]:
    """Run every rule; rules marked ``needs_prior`` see the hits of the others."""
    hits: list[Hit] = []
    later = [i for i in registry.all() if i.needs_prior]
    for ind in registry.all():
        if not ind.needs_prior:
            hits.extend(ind.rule(ctx))
    by_person: dict[str, list[Hit]] = defaultdict(list)
    for h in hits:
        by_person[h.person_id].append(h)
    ctx.prior_hits = dict(by_person)
    for ind in later:
        hits.extend(ind.rule(ctx))
    return hits
