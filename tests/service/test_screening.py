"""Screening over HTTP on the real bundled OFAC and UN lists, with the audit trail."""

from __future__ import annotations

from fastapi.testclient import TestClient

from .conftest import Keys, login

LAZARUS_ETH = "0x098B716B8Aaf21512996dC57EB0615e2383E2f96"


def test_hangul_name_finds_kim_jong_un_with_explanation(client: TestClient, keys: Keys) -> None:
    res = client.post(
        "/api/v1/screen/name", json={"name": "김정은"}, headers=keys.headers("analyst")
    )
    assert res.status_code == 200, res.text
    body = res.json()
    assert body["hit"]
    top = body["matches"][0]
    assert top["name"] == "Kim Jong Un"
    assert top["dprk_linked"] and top["dprk_reasons"]
    assert top["explanation"] and all(f["feature"] for f in top["explanation"])
    assert top["list_version"] in body["list_versions"]
    entry = client.get(
        "/api/v1/audit", params={"action": "screen.name"}, headers=keys.headers("admin")
    ).json()["items"][0]
    assert entry["id"] == body["audit_id"]
    assert entry["actor"].startswith("key:") and entry["query"]["name"] == "김정은"
    assert entry["result"]["matches"][0]["name"] == "Kim Jong Un"
    assert entry["list_versions"] == body["list_versions"]


def test_address_screening_is_case_insensitive_for_evm(client: TestClient, keys: Keys) -> None:
    h = keys.headers("analyst")
    for text in (LAZARUS_ETH, LAZARUS_ETH.lower()):
        body = client.post("/api/v1/screen/address", json={"address": text}, headers=h).json()
        assert body["hit"] and body["matches"][0]["name"] == "Lazarus Group"
        assert body["matches"][0]["score"] == 1.0
    clear = client.post(
        "/api/v1/screen/address",
        json={"address": "0x0000000000000000000000000000000000000001"},
        headers=h,
    ).json()
    assert clear["hit"] is False and clear["matches"] == []
    bad = client.post("/api/v1/screen/address", json={"address": "0xnothex"}, headers=h)
    assert bad.status_code == 400 and bad.json()["error"]["message"]


def test_screening_needs_analyst_and_json(client: TestClient, keys: Keys) -> None:
    body = {"address": LAZARUS_ETH}
    assert client.post("/api/v1/screen/address", json=body).status_code == 401
    viewer = client.post("/api/v1/screen/address", json=body, headers=keys.headers("viewer"))
    assert viewer.status_code == 403
    form = client.post("/api/v1/screen/address", data=body, headers=keys.headers("analyst"))
    assert form.status_code == 415
    empty = client.post("/api/v1/screen/name", json={"name": ""}, headers=keys.headers("analyst"))
    assert empty.status_code == 422
    # refused requests are not decisions (key creation is audited, issue #16, so count decisions)
    admin = keys.headers("admin")
    for action in ("screen.address", "screen.name"):
        found = client.get("/api/v1/audit", params={"action": action}, headers=admin).json()
        assert found["total"] == 0


def test_list_versions_have_provenance(client: TestClient, keys: Keys) -> None:
    versions = client.get("/api/v1/lists/versions", headers=keys.headers("viewer")).json()
    by_list = {v["list_id"]: v for v in versions}
    assert by_list["us_ofac_sdn"]["published"] == "2025-11-19" and by_list["us_ofac_sdn"]["active"]
    assert by_list["un_sc_consolidated"]["party_count"] == 1003
    assert all(len(v["sha256"]) == 64 for v in versions)
    assert client.post("/api/v1/lists/update", headers=keys.headers("analyst")).status_code == 403


def test_screening_page_single_name(client: TestClient) -> None:
    csrf = login(client)
    page = client.post("/screen", data={"name": "김정은", "csrf_token": csrf})
    assert page.status_code == 200
    assert "Kim Jong Un" in page.text and "DPRK" in page.text
