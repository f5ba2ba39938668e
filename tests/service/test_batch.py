"""CSV batch screening: upload checks (4xx at once), then a job with progress and results."""

from __future__ import annotations

import csv
import io
import time

from fastapi.testclient import TestClient

from .conftest import Keys

GOOD = "name,address\nKim Jong Un,\nAda Lovelace,\n,0x098B716B8Aaf21512996dC57EB0615e2383E2f96\n"


def _upload(
    client: TestClient,
    keys: Keys,
    content: bytes,
    name: str = "payouts.csv",
    ctype: str = "text/csv",
):  # type: ignore[no-untyped-def]
    return client.post(
        "/api/v1/screen/batch",
        files={"file": (name, content, ctype)},
        headers=keys.headers("analyst"),
    )


def test_batch_job_reports_progress_and_results(client: TestClient, keys: Keys) -> None:
    res = _upload(client, keys, GOOD.encode())
    assert res.status_code == 202, res.text
    job_id = res.json()["id"]
    deadline = time.monotonic() + 120
    while True:
        job = client.get(f"/api/v1/jobs/{job_id}", headers=keys.headers("analyst")).json()
        if job["status"] in ("done", "failed") or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert job["status"] == "done", job
    result = job["result"]
    assert (result["rows"], result["hits"], result["errors"]) == (3, 2, 0)
    assert [r["status"] for r in result["results"]] == ["hit", "clear", "hit"]
    table = list(
        csv.DictReader(
            io.StringIO(
                client.get(
                    f"/api/v1/screen/batch/{job_id}.csv", headers=keys.headers("analyst")
                ).text
            )
        )
    )
    assert [r["screen_status"] for r in table] == ["hit", "clear", "hit"]
    audit = client.get(
        "/api/v1/audit", params={"action": "screen.batch"}, headers=keys.headers("admin")
    ).json()
    assert audit["total"] == 3
    other = client.get(f"/api/v1/jobs/{job_id}", headers=keys.headers("viewer"))
    assert other.status_code == 404  # another principal's job


def test_bad_uploads_are_refused_before_any_job(client: TestClient, keys: Keys) -> None:
    cases = [
        (b"name\nx\n", "../../etc/passwd.csv", "text/csv", 400, "path"),
        (b"name\nx\n", "..\\..\\boot.csv", "text/csv", 400, "path"),
        (b"name\nx\n", "list.exe", "text/csv", 415, ".csv"),
        (b"name\nx\n", "list.csv", "image/png", 415, "content type"),
        (b"name\n\xff\xfe\xfa\n", "list.csv", "text/csv", 400, "UTF-8"),
        (b"", "list.csv", "text/csv", 400, "empty"),
        (b"name\n", "list.csv", "text/csv", 400, "no data rows"),
        (b"colour,size\nred,2\n", "list.csv", "text/csv", 400, "no name or address column"),
        (b"name\nab\x00c\n", "list.csv", "text/csv", 400, "binary"),
    ]
    for content, name, ctype, status, words in cases:
        res = _upload(client, keys, content, name, ctype)
        assert res.status_code == status, (name, res.text)
        assert words in res.json()["error"]["message"], (name, res.text)
    assert client.get("/api/v1/jobs", headers=keys.headers("analyst")).json() == []
    raw = client.post(
        "/api/v1/screen/batch",
        content=GOOD,
        headers={**keys.headers("analyst"), "Content-Type": "text/csv"},
    )
    assert raw.status_code == 415


def test_oversized_upload_is_413(client: TestClient, keys: Keys) -> None:
    big = b"name\n" + b"Kim Jong Un\n" * 10_000  # > the 64 KiB test limit
    assert _upload(client, keys, big).status_code == 413
