"""The audit log: written before the answer, append-only, exported by admins only."""

from __future__ import annotations

import csv
import io
import json

from fastapi.testclient import TestClient

from nkwatch.store.audit import AuditRecord

from .conftest import Keys


def _state(client: TestClient):  # type: ignore[no-untyped-def]
    return client.app.state.nk  # type: ignore[attr-defined]


def test_group_commit_writes_every_entry_in_order(client: TestClient, keys: Keys) -> None:
    writer = _state(client).audit
    futures = [
        writer.submit(
            AuditRecord(
                actor="key:test",
                action="screen.name",
                query={"name": f"q{i}"},
                result={"hit": i % 2 == 0},
                list_versions=["ofac-x"],
            )
        )
        for i in range(300)
    ]
    ids = [f.result(timeout=10) for f in futures]
    assert ids == sorted(ids) and len(set(ids)) == 300
    page = client.get(
        "/api/v1/audit",
        params={"action": "screen.name", "limit": 500},
        headers=keys.headers("admin"),
    ).json()
    assert page["total"] == 300
    assert page["items"][0]["query"] == {"name": "q299"}  # newest first
    assert page["items"][0]["list_versions"] == ["ofac-x"]


def test_export_is_admin_only_and_itself_audited(client: TestClient, keys: Keys) -> None:
    _state(client).audit.record(
        actor="user:alice",
        action="screen.address",
        query={"address": "0xabc"},
        result={"hit": True, "matches": 1},
        list_versions=["ofac-2025-11-19"],
    )
    for role in ("viewer", "analyst"):
        assert client.get("/api/v1/audit/export", headers=keys.headers(role)).status_code == 403
    jsonl = client.get("/api/v1/audit/export", headers=keys.headers("admin"))
    assert jsonl.status_code == 200
    assert jsonl.headers["content-type"].startswith("application/x-ndjson")
    # key creation is audited too (issue #16), so the screening decision is found by its action
    rows = [json.loads(line) for line in jsonl.text.splitlines()]
    screened = [row for row in rows if row["action"] == "screen.address"]
    assert len(screened) == 1
    assert screened[0]["actor"] == "user:alice" and screened[0]["result"]["hit"] is True
    assert {row["action"] for row in rows} >= {"screen.address", "key.create"}
    as_csv = client.get(
        "/api/v1/audit/export", params={"format": "csv"}, headers=keys.headers("admin")
    )
    table = [r for r in csv.DictReader(io.StringIO(as_csv.text)) if r["action"] == "screen.address"]
    assert len(table) == 1
    assert table[0]["list_versions"] == "ofac-2025-11-19"
    exports = client.get(
        "/api/v1/audit", params={"action": "audit.export"}, headers=keys.headers("admin")
    ).json()
    assert exports["total"] == 2
    assert (
        client.get(
            "/api/v1/audit/export", params={"format": "xml"}, headers=keys.headers("admin")
        ).status_code
        == 422
    )


def test_there_is_no_way_to_change_the_log(client: TestClient, keys: Keys) -> None:
    h = keys.headers("admin")
    for method in ("PUT", "PATCH", "DELETE"):
        assert client.request(method, "/api/v1/audit", headers=h).status_code == 405
