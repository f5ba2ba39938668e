"""Answers to the CLI/API questions as plain JSON-able dicts (pure, no I/O).

Each answer carries its sources and dates, and comparisons carry the explanation of
why incident-level sums and published aggregates differ.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from nkwatch.errors import NotFoundError
from nkwatch.intel import stats
from nkwatch.intel.addresses import check_query
from nkwatch.intel.links import SanctionsLink
from nkwatch.intel.model import Actor, Dataset, Incident, IncidentAddress, Statistic, address_key
from nkwatch.intel.records import incident_to_row
from nkwatch.intel.stats import YearBasis


def money(value: Decimal | None) -> str:
    return "n/a" if value is None else f"${value:,.0f}"


def _stat(s: Statistic) -> dict[str, Any]:
    return {
        "id": s.statistic_id,
        "publisher": s.publisher,
        "published": s.publication_date or "undated (tabulated copy)",
        "period": s.period,
        "metric": s.metric,
        "value": str(s.value),
        "revises": s.revises or None,
        "source": s.source,
        "notes": s.notes,
    }


def _total(t: stats.Total) -> dict[str, Any]:
    return {
        "label": t.label,
        "usd": str(t.usd),
        "incidents": t.count,
        "without_usd_amount": len(t.without_amount),
    }


def _published(data: Dataset, year: int) -> list[dict[str, Any]]:
    """Latest DPRK theft figure per publisher for ``year``, with its revision history."""
    rows = []
    publishers = sorted({s.publisher for s in data.statistics if s.period == str(year)})
    bases = [p for p in publishers if not any(p != q and p.startswith(q) for q in publishers)]
    for publisher in bases:
        try:
            head = stats.latest(
                data.statistics, metric="dprk_stolen_usd", period=str(year), publisher=publisher
            )
        except LookupError:
            continue
        chain = stats.revision_chain(data.statistics, head)
        entry = _stat(head)
        entry["history"] = [
            f"{money(s.value)} ({s.publication_date or 'undated'}, {s.statistic_id})" for s in chain
        ]
        rows.append(entry)
    return rows


def _explain(data: Dataset, year: int, chosen: list[Incident], overall: stats.Total) -> list[str]:
    notes = [
        f"Incident-level sum covers the {overall.count} named incidents in this dataset"
        f" ({len(overall.without_amount)} without a published USD amount); publishers'"
        " aggregates also count incidents they do not name, and amounts differ by source"
        " (each row keeps its attribution source's figure).",
    ]
    attributed_later = stats.select(data.incidents, year=year, basis=YearBasis.ATTRIBUTION)
    earlier = [i for i in attributed_later if (i.theft_year or year) < year]
    if earlier:
        listed = ", ".join(f"{i.victim} (stolen {i.theft_date})" for i in earlier)
        notes.append(
            f"Attributed in {year} but stolen earlier (counted by theft year, not here): {listed}."
        )
    for publisher_entry in _published(data, year):
        if len(publisher_entry["history"]) > 1:
            notes.append(
                f"{publisher_entry['publisher']} restated {year}: "
                + " -> ".join(publisher_entry["history"])
            )
    suspected = sum(1 for i in chosen if i.confidence.value == "suspected")
    if suspected:
        notes.append(
            f"{suspected} of the {len(chosen)} incidents are only 'suspected' (single researcher or media); filter with --confidence."
        )
    return notes


def _checks(data: Dataset, year: int) -> list[dict[str, Any]]:
    checks: list[dict[str, Any]] = []
    for publisher in sorted({s.publisher for s in data.statistics}):
        for name, func in (
            ("growth", stats.yoy_growth),
            ("share_of_all_stolen", stats.share_of_all),
        ):
            try:
                ratio = func(data.statistics, publisher, year)
            except (LookupError, ArithmeticError):
                continue
            checks.append(
                {"check": name, "value": f"{ratio.value:.4f}", "explain": ratio.explain()}
            )
    for statement in sorted(
        {s.publisher for s in data.statistics if "statement" in s.publisher.casefold()}
    ):
        cited_by = statement.split(" ", 1)[1] if " " in statement else statement
        check = stats.statement_check(data, cited_by=cited_by, year=year)
        if check.published is None or not check.incidents:
            continue
        explain = f"{len(check.incidents)} incidents citing the {cited_by} sum to {money(check.total.usd)} vs published {money(check.published.value)}"
        if check.earlier_thefts:
            ids = ", ".join(
                f"{i.victim} (stolen {i.theft_date}, attributed {i.attribution_date})"
                for i in check.earlier_thefts
            )
            explain += f"; includes thefts from before {year}: {ids}; by theft year the sum is {money(check.theft_year_total.usd)}"
        checks.append(
            {
                "check": statement,
                "value": str(check.total.usd),
                "explain": explain,
                "incidents": [i.incident_id for i in check.incidents],
            }
        )
    return checks


def stats_view(
    data: Dataset, *, year: int | None, by: str | None, basis: YearBasis, confidence: Any = None
) -> dict[str, Any]:
    chosen = stats.select(data.incidents, year=year, basis=basis, confidence=confidence)
    overall = stats.total("all", chosen)
    view: dict[str, Any] = {
        "period": str(year) if year else "all years",
        "year_basis": basis.value,
        "incident_level": _total(overall),
    }
    if by:
        view["by"] = by
        view["groups"] = [_total(t) for t in stats.grouped(chosen, by)]
        if by in ("technique", "chain"):
            view["groups_note"] = f"incidents with several {by}s count in each; groups overlap"
    if year:
        view["published"] = _published(data, year)
        view["checks"] = _checks(data, year)
        view["differences"] = _explain(data, year, chosen, overall)
    return view


def incident_view(data: Dataset, incident_id: str) -> dict[str, Any]:
    incident = data.incident(incident_id)
    if incident is None:
        raise NotFoundError(f"no incident {incident_id!r}", where="intel")
    view: dict[str, Any] = incident_to_row(incident)
    view["sources"] = list(incident.sources)
    view["actors"] = [_actor_brief(data.actor(a)) for a in incident.actor_ids]
    view["addresses"] = [_address(a) for a in data.addresses if a.incident_id == incident_id]
    return view


def _actor_brief(actor: Actor | None) -> dict[str, str]:
    if actor is None:
        return {}
    return {
        "id": actor.actor_id,
        "name": actor.name,
        "attack_id": actor.attack_id,
        "galaxy_uuid": actor.galaxy_uuid,
    }


def _address(a: IncidentAddress) -> dict[str, str]:
    return {
        "incident_id": a.incident_id,
        "chain": a.chain,
        "address": a.address,
        "role": a.role.value,
        "source": a.source,
    }


def _link(link: SanctionsLink) -> dict[str, Any]:
    return {
        "entity_id": link.entity_id,
        "list": link.list_id,
        "name": link.caption,
        "relation": link.relation,
        "listed_on": link.listed_on,
        "addresses": [f"{c}:{a}" for c, a in link.addresses],
    }


def address_view(
    data: Dataset, address: str, links: list[SanctionsLink], note: str | None
) -> dict[str, Any]:
    if address.strip().lower().startswith("0x"):  # a typo in an EVM address is not "not found"
        check_query(address)
    key = address_key(address)
    hits = [a for a in data.addresses if a.key == key]
    sanctioned = [lk for lk in links if any(address_key(a) == key for _, a in lk.addresses)]
    if not hits and not sanctioned:
        raise NotFoundError(
            f"address {address!r} is in no incident and no linked designation", where="intel"
        )
    incidents = {a.incident_id for a in hits}
    actors = sorted({x for i in data.incidents if i.incident_id in incidents for x in i.actor_ids})
    return {
        "address": address,
        "appearances": [_address(a) for a in hits],
        "incidents": [
            {
                "id": i.incident_id,
                "victim": i.victim,
                "theft_date": i.theft_date,
                "amount_usd": str(i.amount_usd or ""),
            }
            for i in data.incidents
            if i.incident_id in incidents
        ],
        "actors": [_actor_brief(data.actor(a)) for a in actors],
        "sanctions": [_link(lk) for lk in sanctioned],
        "sanctions_note": note,
    }


def find_actor(data: Dataset, name: str) -> Actor:
    """An actor by id or any alias; else by a unique partial name ("lazarus")."""
    wanted = name.casefold().strip()
    for actor in data.actors:
        if wanted == actor.actor_id or wanted in actor.names():
            return actor
    partial = [a for a in data.actors if wanted and any(wanted in n for n in a.names())]
    if len(partial) == 1:
        return partial[0]
    choices = ", ".join(a.name for a in (partial or data.actors))
    raise NotFoundError(f"no single actor named {name!r} (candidates: {choices})", where="intel")


def actor_view(
    data: Dataset, name: str, links: list[SanctionsLink], note: str | None
) -> dict[str, Any]:
    actor = find_actor(data, name)
    incidents = [i for i in data.incidents if actor.actor_id in i.actor_ids]
    aliases: dict[str, list[str]] = {}
    for alias in actor.aliases:
        aliases.setdefault(alias.origin, []).append(alias.name)
    techniques = stats.grouped(incidents, "technique")
    return {
        "id": actor.actor_id,
        "name": actor.name,
        "description": actor.description,
        "aliases": aliases,
        "mitre_attack": {
            "id": actor.attack_id,
            "stix_id": actor.attack_stix_id,
            "software": [f"{s.name} ({s.attack_id})" for s in actor.software],
        },
        "misp_galaxy": {"value": actor.galaxy_value, "uuid": actor.galaxy_uuid},
        "parent": actor.parent or None,
        "refs": list(actor.refs),
        "incidents": [
            {
                "id": i.incident_id,
                "victim": i.victim,
                "amount_usd": str(i.amount_usd or ""),
                "confidence": i.confidence.value,
                "attributed_by": i.attributed_by,
            }
            for i in sorted(incidents, key=lambda i: i.theft_date)
        ],
        "total_stolen_usd": str(stats.total(actor.actor_id, incidents).usd),
        "techniques": {t.label: t.count for t in techniques},
        "sanctions": [_link(lk) for lk in links if lk.actor_id == actor.actor_id],
        "sanctions_note": note,
    }
