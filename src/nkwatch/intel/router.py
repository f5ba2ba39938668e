"""``/api/v1/intel``: DPRK incidents, actors, attacker addresses and figures, with sources.

The knowledge base is small (hundreds of incidents) and read far more than written, so
the service keeps it in memory as one :class:`~nkwatch.intel.model.Dataset`, loaded at
start-up; every item it returns carries its sources and dates.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Annotated, Any

import anyio.to_thread
from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import Response
from pydantic import BaseModel

from nkwatch.errors import NotFoundError
from nkwatch.intel import repository, stats
from nkwatch.intel.model import Dataset, Incident, IncidentAddress, address_key
from nkwatch.service.deps import State, Viewer
from nkwatch.service.errors import COMMON_RESPONSES
from nkwatch.service.limits import Page, PageParams, page_params, paginate
from nkwatch.service.state import ServiceState

router = APIRouter(prefix="/api/v1/intel", tags=["intel"], responses=COMMON_RESPONSES)

_ID = Path(pattern=r"^[A-Za-z0-9._-]{1,120}$")


def startup(state: ServiceState) -> None:
    state.cache["intel"] = repository.load_dataset(state.access.view())


def dataset(state: ServiceState) -> Dataset:
    data: Dataset = state.cache["intel"]
    return data


class AddressOut(BaseModel):
    incident_id: str
    chain: str
    address: str
    role: str
    source: str


class IncidentSummary(BaseModel):
    incident_id: str
    theft_date: str
    victim: str
    victim_type: str
    amount_usd: Decimal | None
    chains: list[str]
    attribution: str
    actor_ids: list[str]
    confidence: str
    attributed_by: str
    attribution_date: str
    sources: list[str]


class IncidentDetail(IncidentSummary):
    amount_native: str
    techniques: list[str]
    malware: list[str]
    notes: str
    addresses: list[AddressOut]


class ActorOut(BaseModel):
    actor_id: str
    name: str
    description: str
    aliases: list[dict[str, str]]
    parent: str
    attack_id: str
    refs: list[str]
    sanctions_names: list[str]
    incidents: int
    usd: Decimal


class TotalOut(BaseModel):
    label: str
    usd: Decimal
    count: int
    incident_ids: list[str]
    without_amount: list[str]


def summary(i: Incident) -> IncidentSummary:
    return IncidentSummary(
        incident_id=i.incident_id,
        theft_date=i.theft_date,
        victim=i.victim,
        victim_type=i.victim_type.value,
        amount_usd=i.amount_usd,
        chains=list(i.chains),
        attribution=i.attribution,
        actor_ids=list(i.actor_ids),
        confidence=i.confidence.value,
        attributed_by=i.attributed_by,
        attribution_date=i.attribution_date,
        sources=list(i.sources),
    )


def address_out(a: IncidentAddress) -> AddressOut:
    return AddressOut(
        incident_id=a.incident_id,
        chain=a.chain,
        address=a.address,
        role=a.role.value,
        source=a.source,
    )


def detail(data: Dataset, incident_id: str) -> IncidentDetail:
    i = data.incident(incident_id)
    if i is None:
        raise NotFoundError(f"no incident {incident_id!r}", where="incident")
    return IncidentDetail(
        **summary(i).model_dump(),
        amount_native=i.amount_native,
        techniques=list(i.techniques),
        malware=list(i.malware),
        notes=i.notes,
        addresses=[address_out(a) for a in data.addresses if a.incident_id == incident_id],
    )


def per_year(data: Dataset, basis: stats.YearBasis = stats.YearBasis.THEFT) -> list[TotalOut]:
    def year(i: Incident) -> int | None:
        return i.theft_year if basis is stats.YearBasis.THEFT else i.attribution_year

    years = sorted({y for i in data.incidents if (y := year(i)) is not None})
    return [
        _total(stats.total(str(y), stats.select(data.incidents, year=y, basis=basis)))
        for y in years
    ]


def _total(t: stats.Total) -> TotalOut:
    return TotalOut(
        label=t.label,
        usd=t.usd,
        count=t.count,
        incident_ids=list(t.incident_ids),
        without_amount=list(t.without_amount),
    )


@router.get("/incidents", response_model=Page[IncidentSummary])
def incidents(
    _: Viewer,
    state: State,
    page: Annotated[PageParams, Depends(page_params)],
    year: Annotated[int | None, Query(ge=1990, le=2100)] = None,
    actor: Annotated[str | None, Query(max_length=120)] = None,
) -> Page[IncidentSummary]:
    data = dataset(state)
    chosen = stats.select(
        data.incidents,
        year=year,
        predicate=(lambda i: actor in i.actor_ids) if actor else None,
    )
    chosen.sort(key=lambda i: i.theft_date, reverse=True)
    return paginate([summary(i) for i in chosen], page)


@router.get("/incidents/{incident_id}", response_model=IncidentDetail)
def incident(incident_id: Annotated[str, _ID], _: Viewer, state: State) -> IncidentDetail:
    return detail(dataset(state), incident_id)


@router.get("/actors", response_model=list[ActorOut])
def actors(_: Viewer, state: State) -> list[ActorOut]:
    data = dataset(state)
    out: list[ActorOut] = []
    for a in data.actors:
        mine = [i for i in data.incidents if a.actor_id in i.actor_ids]
        out.append(
            ActorOut(
                actor_id=a.actor_id,
                name=a.name,
                description=a.description,
                aliases=[{"name": x.name, "origin": x.origin} for x in a.aliases],
                parent=a.parent,
                attack_id=a.attack_id,
                refs=list(a.refs),
                sanctions_names=list(a.sanctions_names),
                incidents=len(mine),
                usd=stats.total(a.actor_id, mine).usd,
            )
        )
    return out


@router.get("/addresses", response_model=Page[AddressOut])
def addresses(
    _: Viewer,
    state: State,
    page: Annotated[PageParams, Depends(page_params)],
    chain: Annotated[str | None, Query(max_length=16)] = None,
    address: Annotated[str | None, Query(max_length=200)] = None,
) -> Page[AddressOut]:
    key = address_key(address) if address else None
    chosen = [
        address_out(a)
        for a in dataset(state).addresses
        if (chain is None or a.chain == chain.upper()) and (key is None or a.key == key)
    ]
    return paginate(chosen, page)


@router.get("/stats/per-year", response_model=list[TotalOut])
def stats_per_year(
    _: Viewer, state: State, basis: stats.YearBasis = stats.YearBasis.THEFT
) -> list[TotalOut]:
    """Sum of incident amounts per year, with the incidents (and those without amounts)."""
    return per_year(dataset(state), basis)


@router.get("/stats/by/{grouping}", response_model=list[TotalOut])
def stats_grouped(
    grouping: Annotated[str, Path(pattern="^(actor|technique|victim_type|chain)$")],
    _: Viewer,
    state: State,
    year: Annotated[int | None, Query(ge=1990, le=2100)] = None,
) -> list[TotalOut]:
    chosen = stats.select(dataset(state).incidents, year=year)
    return [_total(t) for t in stats.grouped(chosen, grouping)]


@router.get("/export/{fmt}", response_class=Response)
async def export(
    fmt: Annotated[str, Path(pattern="^(stix|misp)$")], _: Viewer, state: State
) -> Response:
    """The knowledge base as a STIX 2.1 bundle or MISP events (sources and dates kept)."""
    from nkwatch.intel.misp import to_misp
    from nkwatch.intel.stix.export import to_bundle

    data = dataset(state)
    # Built once per loaded dataset: the STIX bundle costs ~3 CPU-s (stix2 validates every
    # object), and feeds poll this route. A reload replaces ``data``, so the entry goes stale.
    built: tuple[Dataset, dict[str, str]] | None = state.cache.get("intel_export")
    if built is None or built[0] is not data:
        built = (data, {})
        state.cache["intel_export"] = built

    def build() -> str:
        if fmt == "stix":
            text: str = to_bundle(data).serialize()  # pretty=True takes minutes in stix2
            return text
        return json.dumps(to_misp(data), indent=1, ensure_ascii=False)

    text = built[1].get(fmt)
    if text is None:
        text = built[1][fmt] = await anyio.to_thread.run_sync(build)
    name = "nkwatch-intel.stix.json" if fmt == "stix" else "nkwatch-intel.misp.json"
    return Response(
        text,
        media_type="application/json",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def dashboard_panels(state: ServiceState) -> dict[str, Any]:
    """Figures for the dashboard: per year, by actor, biggest heists (with sources)."""
    data = dataset(state)
    by_actor = stats.grouped(data.incidents, "actor")
    actor_names = {a.actor_id: a.name for a in data.actors}
    biggest = sorted(
        (i for i in data.incidents if i.amount_usd is not None),
        key=lambda i: i.amount_usd or 0,
        reverse=True,
    )[:10]
    return {
        "per_year": [
            {"label": t.label, "usd_m": round(float(t.usd) / 1e6, 1), "count": t.count}
            for t in per_year(data)
        ],
        "by_actor": [
            {
                "label": actor_names.get(t.label, t.label),
                "usd_m": round(float(t.usd) / 1e6, 1),
                "count": t.count,
            }
            for t in by_actor[:12]
        ],
        "biggest": [
            {
                "id": i.incident_id,
                "date": i.theft_date,
                "name": i.victim,
                "actor": actor_names.get(i.primary_actor or "", i.attribution),
                "usd": i.amount_usd,
                "source": f"{i.attributed_by} ({i.attribution_date or 'undated'})",
            }
            for i in biggest
        ],
    }


def linked_sanctions(state: ServiceState, incident: IncidentDetail) -> list[dict[str, Any]]:
    """Sanctions designations that share an address with the incident (filled once lists load)."""
    from nkwatch.sanctions import sanctions_by_address

    links: list[dict[str, Any]] = []
    for a in incident.addresses:
        links.extend(sanctions_by_address(state, a.address))
    return links
