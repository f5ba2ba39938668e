"""Applicant upload -> background screening -> review queue with clusters and citations."""

from __future__ import annotations

import time

from fastapi.testclient import TestClient

from .conftest import Keys, login

APPLICANTS = (
    "id,full_name,emails,payment_accounts,employers,shipping_address,address\n"
    "a1,Ann One,ann@example.org,GB82WEST12345698765432,Globex,,\n"
    "a2,Bob Two,bob@example.org,GB82WEST12345698765432,Yanbian Silverstar,,\n"
    "a3,Cy Three,cy@example.org,,Initech,,\n"
)


def _wait(client: TestClient, keys: Keys, job_id: str) -> dict[str, object]:
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        job: dict[str, object] = client.get(
            f"/api/v1/jobs/{job_id}", headers=keys.headers("analyst")
        ).json()
        if job["status"] in ("done", "failed"):
            return job
        time.sleep(0.3)
    raise AssertionError("job did not finish")


def test_upload_screen_and_review_cluster(client: TestClient, keys: Keys) -> None:
    res = client.post(
        "/api/v1/hiring/screenings",
        files={"file": ("applicants.csv", APPLICANTS.encode(), "text/csv")},
        headers=keys.headers("analyst"),
    )
    assert res.status_code == 202, res.text
    job = _wait(client, keys, res.json()["id"])
    assert job["status"] == "done", job
    sid = job["result"]["screening_id"]  # type: ignore[index]
    doc = client.get(f"/api/v1/hiring/screenings/{sid}", headers=keys.headers("viewer")).json()
    assert doc["clusters"][0]["members"] == ["a1", "a2"]
    assert doc["clusters"][0]["evidence"][0]["value"]
    a2 = next(p for p in doc["people"] if p["id"] == "a2")
    assert a2["level"] == "high"
    assert all(s["url"] and s["date"] for i in a2["indicators"] for s in i["sources"])
    stored = client.get("/api/v1/hiring/items/a2", headers=keys.headers("viewer")).json()
    assert stored["kind"] == "person" and stored["level"] == "high"
    audit = client.get(
        "/api/v1/audit", params={"action": "hiring.screen"}, headers=keys.headers("admin")
    ).json()
    assert audit["items"][0]["result"]["screening_id"] == sid
    login(client)
    page = client.get(f"/applicants/{sid}")
    assert page.status_code == 200 and "C00001" in page.text and "Yanbian Silverstar" in page.text


def test_hiring_upload_checks(client: TestClient, keys: Keys) -> None:
    h = keys.headers("analyst")
    for name, status in (("../x.csv", 400), ("x.exe", 415), ("x.csv", 400)):
        content = b"" if name == "x.csv" else APPLICANTS.encode()
        res = client.post(
            "/api/v1/hiring/screenings", files={"file": (name, content, "text/csv")}, headers=h
        )
        assert res.status_code == status, (name, res.text)
    viewer = client.post(
        "/api/v1/hiring/screenings",
        files={"file": ("a.csv", APPLICANTS.encode(), "text/csv")},
        headers=keys.headers("viewer"),
    )
    assert viewer.status_code == 403
