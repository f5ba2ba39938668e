"""Trace reports over HTTP: the bundled Bybit case, freeze requests, a new trace job."""

from __future__ import annotations

import io
import time
import zipfile

from fastapi.testclient import TestClient

from nkwatch.trace.pages import flow_graph, sankey
from nkwatch.trace.report_model import TraceReport

from .conftest import Keys, login

ANCHOR = "0x47666fab8bd0ac7003bce3f5c3585383f09486e2"


def test_bybit_example_report_and_freeze_requests(client: TestClient, keys: Keys) -> None:
    h = keys.headers("viewer")
    listed = client.get("/api/v1/trace/reports", headers=h).json()
    assert [r["name"] for r in listed] == ["bybit-example"]
    report = client.get("/api/v1/trace/reports/bybit-example", headers=h).json()
    assert report["parameters"]["seeds"][0]["address"] == ANCHOR
    assert report["endpoints"] and report["flows"]
    freeze = client.get("/api/v1/trace/reports/bybit-example/freeze", headers=h).json()
    assert freeze and all(r["addresses"] for r in freeze.values())
    z = client.get("/api/v1/trace/reports/bybit-example/freeze.zip", headers=h)
    assert z.status_code == 200 and z.headers["content-type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(z.content)).namelist()
    assert any(n.endswith(".md") for n in names) and any(n.endswith(".json") for n in names)
    for bad in ("../etc", "BYBIT", "x" * 80):
        assert client.get(f"/api/v1/trace/reports/{bad}", headers=h).status_code in (404, 422)


def test_graph_shapes_follow_the_report(client: TestClient, keys: Keys) -> None:
    report = client.get(
        "/api/v1/trace/reports/bybit-example", headers=keys.headers("viewer")
    ).json()
    graph = flow_graph(TraceReport.from_data(report))
    ids = {e["data"]["id"] for e in graph["elements"] if "source" not in e["data"]}
    assert ANCHOR in ids and len([e for e in graph["elements"] if "source" in e["data"]]) == len(
        report["flows"]
    )
    sk = sankey(TraceReport.from_data(report))
    assert sk["links"] and all(link["value"] > 0 for link in sk["links"])
    # a Sankey must be acyclic: no link's target reaches back to its source
    edges = {(link["source"], link["target"]) for link in sk["links"]}
    assert not any((b, a) in edges for a, b in edges)
    login(client)
    page = client.get("/cases/bybit-example")
    assert page.status_code == 200 and "flow-graph" in page.text and "Freeze requests" in page.text


def test_trace_job_runs_with_progress_and_stores_report(client: TestClient, keys: Keys) -> None:
    body = {"name": "my-case", "seeds": [{"address": ANCHOR, "since": "2025-02-21T14:00:00Z"}]}
    assert (
        client.post("/api/v1/trace/jobs", json=body, headers=keys.headers("viewer")).status_code
        == 403
    )
    bad = client.post(
        "/api/v1/trace/jobs", json={**body, "policy": "nonsense"}, headers=keys.headers("analyst")
    )
    assert bad.status_code == 422 and "known" in bad.json()["error"]["message"]
    res = client.post("/api/v1/trace/jobs", json=body, headers=keys.headers("analyst"))
    assert res.status_code == 202
    deadline = time.monotonic() + 60
    while True:
        job = client.get(f"/api/v1/jobs/{res.json()['id']}", headers=keys.headers("analyst")).json()
        if job["status"] in ("done", "failed") or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert job["status"] == "done", job
    stored = client.get("/api/v1/trace/reports/my-case", headers=keys.headers("viewer")).json()
    assert stored["parameters"]["policy"] == "haircut"
