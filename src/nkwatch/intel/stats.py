"""Figures computed from the knowledge base, next to the published ones, with the why.

Pure functions over model values. Incident-level sums and published aggregates never
agree exactly (publishers count incidents they do not name, restate past years, and group
by attribution or theft date differently), so every comparison carries the facts that
explain the difference instead of hiding it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from nkwatch.intel.model import Confidence, Dataset, Incident, Statistic


class YearBasis(StrEnum):
    THEFT = "theft"  # the year the funds were stolen
    ATTRIBUTION = "attribution"  # the year a government or firm attributed the theft


GROUPINGS = ("actor", "technique", "victim_type", "chain")


@dataclass(frozen=True)
class Total:
    """A sum over incidents, with the ids that make it up (the explanation)."""

    label: str
    usd: Decimal
    incident_ids: tuple[str, ...]
    without_amount: tuple[str, ...] = ()

    @property
    def count(self) -> int:
        return len(self.incident_ids)


def _year(incident: Incident, basis: YearBasis) -> int | None:
    return incident.theft_year if basis is YearBasis.THEFT else incident.attribution_year


def select(
    incidents: Iterable[Incident],
    *,
    year: int | None = None,
    basis: YearBasis = YearBasis.THEFT,
    confidence: Confidence | None = None,
    predicate: Callable[[Incident], bool] | None = None,
) -> list[Incident]:
    """Incidents of ``year`` (on ``basis``), at ``confidence`` if given, matching ``predicate``."""
    return [
        i
        for i in incidents
        if (year is None or _year(i, basis) == year)
        and (confidence is None or i.confidence is confidence)
        and (predicate is None or predicate(i))
    ]


def total(label: str, incidents: Iterable[Incident]) -> Total:
    chosen = list(incidents)
    return Total(
        label=label,
        usd=sum((i.amount_usd for i in chosen if i.amount_usd is not None), Decimal(0)),
        incident_ids=tuple(i.incident_id for i in chosen),
        without_amount=tuple(i.incident_id for i in chosen if i.amount_usd is None),
    )


def _keys(incident: Incident, by: str) -> tuple[str, ...]:
    if by == "actor":
        return (incident.primary_actor or "unresolved",)
    if by == "victim_type":
        return (incident.victim_type.value,)
    if by == "technique":
        return incident.techniques or ("not stated",)
    if by == "chain":
        return incident.chains or ("not stated",)
    raise ValueError(f"unknown grouping {by!r}; use one of {', '.join(GROUPINGS)}")


def grouped(incidents: Iterable[Incident], by: str) -> list[Total]:
    """Totals per actor (primary actor), victim type, technique or chain, largest first.

    An incident with several techniques or chains counts in each of them, so those
    groupings overlap and do not add up to the overall total; actor and victim type do.
    """
    groups: dict[str, list[Incident]] = {}
    for incident in incidents:
        for key in _keys(incident, by):
            groups.setdefault(key, []).append(incident)
    totals = [total(key, members) for key, members in groups.items()]
    return sorted(totals, key=lambda t: (-t.usd, t.label))


# -- published figures ---------------------------------------------------------------------


def figures(
    stats: Iterable[Statistic], *, metric: str, period: str, publisher: str | None = None
) -> list[Statistic]:
    """Published figures for exactly ``period``, oldest publication first."""
    chosen = [
        s
        for s in stats
        if s.metric == metric
        and s.period == period
        and (publisher is None or s.publisher == publisher)
    ]
    return sorted(chosen, key=lambda s: (s.publication_date or "9999", s.statistic_id))


def current(stats: Iterable[Statistic], *, metric: str, period: str, publisher: str) -> Statistic:
    """The latest dated figure a publisher gave for a period (restatements win)."""
    dated = [
        s
        for s in figures(stats, metric=metric, period=period, publisher=publisher)
        if s.publication_date
    ]
    if not dated:
        raise LookupError(f"no {publisher} {metric} for {period}")
    return dated[-1]


def latest(stats: Iterable[Statistic], *, metric: str, period: str, publisher: str) -> Statistic:
    """The publisher's figure that nothing restates, across its copies ("X (as tabulated…)").

    Restatement links win over dates: an undated tabulated series value that ``revises`` a
    dated figure is newer than it. Among unrevised figures the latest dated one wins.
    """
    candidates = [
        s
        for s in stats
        if s.metric == metric and s.period == period and s.publisher.startswith(publisher)
    ]
    revised = {s.revises for s in candidates if s.revises}
    heads = [s for s in candidates if s.statistic_id not in revised]
    if not heads:
        raise LookupError(f"no {publisher} {metric} for {period}")
    dated = sorted((s for s in heads if s.publication_date), key=lambda s: s.publication_date)
    return dated[-1] if dated else heads[-1]


def revision_chain(stats: Iterable[Statistic], stat: Statistic) -> list[Statistic]:
    """``stat`` and every earlier figure it restates, oldest first (follows ``revises``)."""
    by_id = {s.statistic_id: s for s in stats}
    chain = [stat]
    while chain[-1].revises and chain[-1].revises in by_id and len(chain) < 50:
        chain.append(by_id[chain[-1].revises])
    return list(reversed(chain))


def as_of(
    stats: Iterable[Statistic], publication: Statistic, metric: str, period: str
) -> Statistic:
    """The publisher's figure for ``period`` as stated in, or last before, ``publication``."""
    cutoff = publication.publication_date
    candidates = [
        s
        for s in figures(stats, metric=metric, period=period, publisher=publication.publisher)
        if s.publication_date and s.publication_date <= cutoff
    ]
    if not candidates:
        raise LookupError(f"no {publication.publisher} {metric} for {period} by {cutoff}")
    return candidates[-1]


@dataclass(frozen=True)
class Ratio:
    """A ratio computed from two published figures, next to the publisher's own rounding."""

    name: str
    value: Decimal
    numerator: Statistic
    denominator: Statistic
    published: Statistic | None

    def explain(self) -> str:
        text = (
            f"{self.name} = {self.numerator.value:,.0f} / {self.denominator.value:,.0f}"
            f" ({self.numerator.statistic_id} / {self.denominator.statistic_id}) = {self.value:.4f}"
        )
        if self.published is not None:
            text += f"; published {self.published.value} ({self.published.statistic_id})"
        return text


def yoy_growth(stats: tuple[Statistic, ...], publisher: str, year: int) -> Ratio:
    """Year-on-year change of DPRK theft, using the prior year as restated in the same report."""
    now = current(stats, metric="dprk_stolen_usd", period=str(year), publisher=publisher)
    base = as_of(stats, now, "dprk_stolen_usd", str(year - 1))
    return Ratio(f"{publisher} {year} vs {year - 1}", now.value / base.value - 1, now, base, None)


def share_of_all(stats: tuple[Statistic, ...], publisher: str, year: int) -> Ratio:
    """DPRK share of all stolen crypto in a year, from one publication's two totals."""
    dprk = current(stats, metric="dprk_stolen_usd", period=str(year), publisher=publisher)
    everyone = as_of(stats, dprk, "total_stolen_all_actors_usd", str(year))
    shares = figures(stats, metric="share_of_all_stolen", period=str(year), publisher=publisher)
    published = next((s for s in shares if s.publication_date == dprk.publication_date), None)
    name = f"{publisher} {year} DPRK share of all stolen"
    return Ratio(name, dprk.value / everyone.value, dprk, everyone, published)


# -- the joint statement ------------------------------------------------------------------


@dataclass(frozen=True)
class StatementCheck:
    """Incidents a statement cites, their sum, the published figure and what explains gaps."""

    incidents: tuple[Incident, ...]
    total: Total
    published: Statistic | None
    earlier_thefts: tuple[Incident, ...]  # cited for the period but stolen before it
    theft_year_total: Total


def statement_check(data: Dataset, *, cited_by: str, year: int) -> StatementCheck:
    """Reproduce a statement's figure from the incidents whose attribution cites it.

    A statement about a year cites the incidents attributed for it, whenever the funds
    were stolen; incidents stolen before ``year`` are listed separately, with the sum a
    theft-year filter would give.
    """
    needle = cited_by.casefold()
    cited = tuple(
        sorted(
            (i for i in data.incidents if needle in i.attributed_by.casefold()),
            key=lambda i: i.theft_date,
        )
    )
    in_year = cited
    earlier = tuple(i for i in in_year if (i.theft_year or 0) < year)
    stated = [
        s
        for s in data.statistics
        if needle in s.publisher.casefold()
        and s.metric == "dprk_stolen_usd"
        and s.period == str(year)
    ]
    return StatementCheck(
        incidents=in_year,
        total=total(f"{cited_by} {year}", in_year),
        published=stated[-1] if stated else None,
        earlier_thefts=earlier,
        theft_year_total=total(
            f"{cited_by} {year} by theft year", [i for i in in_year if i.theft_year == year]
        ),
    )
