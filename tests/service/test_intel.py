"""Intel over HTTP: incidents with sources, addresses, figures, and the incident page."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient

from .conftest import Keys, login


def test_incidents_are_paginated_and_carry_sources(client: TestClient, keys: Keys) -> None:
    h = keys.headers("viewer")
    first = client.get("/api/v1/intel/incidents", params={"limit": 5}, headers=h).json()
    assert first["limit"] == 5 and len(first["items"]) == 5 and first["total"] > 100
    second = client.get(
        "/api/v1/intel/incidents", params={"limit": 5, "offset": 5}, headers=h
    ).json()
    ids = {i["incident_id"] for i in first["items"]} | {i["incident_id"] for i in second["items"]}
    assert len(ids) == 10
    assert all(i["sources"] and i["attributed_by"] for i in first["items"])
    bad = client.get("/api/v1/intel/incidents", params={"limit": 0}, headers=h)
    assert bad.status_code == 422 and bad.json()["error"]["where"] == "query.limit"


def test_bybit_incident_detail(client: TestClient, keys: Keys) -> None:
    res = client.get("/api/v1/intel/incidents/2025-02-21-bybit", headers=keys.headers("viewer"))
    assert res.status_code == 200
    body = res.json()
    assert Decimal(body["amount_usd"]) == Decimal(1_500_000_000)
    assert body["confidence"] == "confirmed_government"
    assert any("ic3.gov" in s for s in body["sources"])
    assert body["addresses"] and all(a["source"] for a in body["addresses"])
    missing = client.get("/api/v1/intel/incidents/no-such-thing", headers=keys.headers("viewer"))
    assert missing.status_code == 404 and "no-such-thing" in missing.json()["error"]["message"]


def test_per_year_totals_add_up_to_the_incidents(client: TestClient, keys: Keys) -> None:
    h = keys.headers("viewer")
    years = client.get("/api/v1/intel/stats/per-year", headers=h).json()
    y2025 = next(y for y in years if y["label"] == "2025")
    listed = client.get(
        "/api/v1/intel/incidents", params={"year": 2025, "limit": 500}, headers=h
    ).json()["items"]
    assert y2025["count"] == len(listed)
    assert Decimal(y2025["usd"]) == sum(Decimal(i["amount_usd"] or 0) for i in listed)
    assert Decimal(y2025["usd"]) >= Decimal(1_500_000_000)
    by = client.get("/api/v1/intel/stats/by/actor", headers=h).json()
    assert by[0]["usd"] >= by[-1]["usd"]
    assert client.get("/api/v1/intel/stats/by/nonsense", headers=h).status_code == 422


def test_incident_page_shows_facts_sources_and_addresses(client: TestClient) -> None:
    login(client)
    page = client.get("/incidents/2025-02-21-bybit")
    assert page.status_code == 200
    assert "Bybit" in page.text and "1,500,000,000" in page.text
    assert "https://www.ic3.gov/PSA/2025/PSA250226" in page.text
    assert "TraderTraitor" in page.text
    home = client.get("/")
    assert "Biggest heists" in home.text and "/incidents/2025-02-21-bybit" in home.text


def test_stix_and_misp_exports_keep_sources(client: TestClient, keys: Keys) -> None:
    import json

    stix = client.get("/api/v1/intel/export/stix", headers=keys.headers("viewer"))
    assert stix.status_code == 200
    bundle = json.loads(stix.text)
    assert bundle["type"] == "bundle"
    incidents = [o for o in bundle["objects"] if o["type"] == "incident"]
    assert incidents and all(o.get("external_references") for o in incidents)
    misp = client.get("/api/v1/intel/export/misp", headers=keys.headers("viewer"))
    assert misp.status_code == 200 and json.loads(misp.text)
    assert client.get("/api/v1/intel/export/pdf", headers=keys.headers("viewer")).status_code == 422


def test_export_is_built_once_per_loaded_dataset(
    client: TestClient, keys: Keys, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The STIX bundle costs seconds of CPU (stix2 validates every object); feeds that poll
    the route get the text built for the dataset the service has loaded."""
    from nkwatch.intel.stix import export

    calls: list[int] = []
    real = export.to_bundle

    def counting(data: Any) -> Any:
        calls.append(1)
        return real(data)

    monkeypatch.setattr(export, "to_bundle", counting)
    client.app.state.nk.cache.pop("intel_export", None)  # type: ignore[attr-defined]
    first = client.get("/api/v1/intel/export/stix", headers=keys.headers("viewer"))
    second = client.get("/api/v1/intel/export/stix", headers=keys.headers("viewer"))
    assert first.status_code == second.status_code == 200
    assert first.text == second.text and len(calls) == 1
