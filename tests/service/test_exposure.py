"""Exposure over HTTP: an address downstream of the Bybit theft is flagged, with sources."""

from __future__ import annotations

from fastapi.testclient import TestClient

from .conftest import Keys, login

DOWNSTREAM = "0xdd90071d52f20e85c89802e5dc1ec0a7b6475f92"  # received 49,755 ETH at hop 1


def test_downstream_address_is_exposed_and_audited(client: TestClient, keys: Keys) -> None:
    h = keys.headers("analyst")
    res = client.post(
        "/api/v1/exposure", json={"chain": "ethereum", "address": DOWNSTREAM}, headers=h
    )
    assert res.status_code == 200, res.text
    body = res.json()
    assert body["decision"] != "allow" and body["fired"]
    assert any(s["dprk_linked"] and s["provenance"] for s in body["sources"])
    entry = client.get(
        "/api/v1/audit", params={"action": "exposure.address"}, headers=keys.headers("admin")
    ).json()["items"][0]
    assert entry["actor"].startswith("key:") and entry["query"]["subject"] == DOWNSTREAM


def test_exposure_input_errors(client: TestClient, keys: Keys) -> None:
    h = keys.headers("analyst")
    bad = client.post("/api/v1/exposure", json={"chain": "ethereum", "address": "0x12"}, headers=h)
    assert bad.status_code == 400
    unknown = client.post(
        "/api/v1/exposure", json={"chain": "marsnet", "address": DOWNSTREAM}, headers=h
    )
    assert unknown.status_code == 400 and "unknown chain" in unknown.json()["error"]["message"]
    assert (
        client.post(
            "/api/v1/exposure", json={"address": DOWNSTREAM}, headers=keys.headers("viewer")
        ).status_code
        == 403
    )
    assert client.get("/api/v1/exposure/alerts", headers=keys.headers("viewer")).json() == []


def test_exposure_page(client: TestClient) -> None:
    csrf = login(client)
    page = client.post(
        "/exposure", data={"chain": "ethereum", "subject": DOWNSTREAM, "csrf_token": csrf}
    )
    assert page.status_code == 200 and "exposure-result" in page.text
