"""The service against its attackers: security events audited, login lock-out, no report
overwrite by job name, failed jobs without exception text (issue #16)."""

from __future__ import annotations

import time
from typing import Any

from fastapi.testclient import TestClient

from nkwatch.service.jobs import JobManager
from nkwatch.service.security import LoginThrottle

from .conftest import PASSWORD, Keys, submit_login

ANCHOR = "0x47666fab8bd0ac7003bce3f5c3585383f09486e2"


def _audit(client: TestClient, keys: Keys, action: str) -> list[dict[str, Any]]:
    res = client.get(
        "/api/v1/audit", params={"action": action, "limit": 500}, headers=keys.headers("admin")
    )
    assert res.status_code == 200, res.text
    items: list[dict[str, Any]] = res.json()["items"]
    return items


def test_key_creation_and_revocation_are_audited(client: TestClient, keys: Keys) -> None:
    made = client.post(
        "/api/v1/keys", json={"role": "viewer", "label": "ci"}, headers=keys.headers("admin")
    )
    assert made.status_code == 201
    key_id = made.json()["key"].split("_")[1]
    assert client.delete(f"/api/v1/keys/{key_id}", headers=keys.headers("admin")).status_code == 204
    created = [e for e in _audit(client, keys, "key.create") if e["query"]["key_id"] == key_id]
    revoked = [e for e in _audit(client, keys, "key.revoke") if e["query"]["key_id"] == key_id]
    assert len(created) == 1 and created[0]["query"]["role"] == "viewer"
    assert created[0]["actor"].startswith("key:") and len(revoked) == 1
    assert made.json()["key"] not in str(created)  # the secret never reaches the log


def test_failed_logins_are_audited_and_lock_the_account(client: TestClient, keys: Keys) -> None:
    for _ in range(5):
        assert submit_login(client, "root", "wrong password!!").status_code == 401
    # locked, even with the password
    assert submit_login(client, "root", PASSWORD).status_code == 429
    entries = [e for e in _audit(client, keys, "auth.login") if e["actor"] == "root"]
    outcomes = [e["result"]["outcome"] for e in entries]
    assert outcomes.count("failed") == 4 and "failed, now locked" in outcomes
    assert "locked" in outcomes


def test_login_and_logout_are_audited(client: TestClient, keys: Keys) -> None:
    assert submit_login(client, "alice", PASSWORD).status_code == 303
    home = client.get("/")
    csrf = home.text.split('name="csrf_token" value="')[1].split('"')[0]
    assert (
        client.post("/logout", data={"csrf_token": csrf}, follow_redirects=False).status_code == 303
    )
    logins = [e for e in _audit(client, keys, "auth.login") if e["actor"] == "user:alice"]
    assert logins and logins[-1]["result"]["outcome"] == "ok"
    assert [e["actor"] for e in _audit(client, keys, "auth.logout")] == ["user:alice"]


def test_the_throttle_forgets_old_failures_and_unlocks() -> None:
    now = [0.0]
    throttle = LoginThrottle(max_failures=3, window_s=10, lock_s=60, clock=lambda: now[0])
    for _ in range(2):
        assert not throttle.failed("user:a")
    now[0] = 11.0  # the first two fell out of the window
    assert not throttle.failed("user:a") and throttle.retry_after("user:a") == 0
    assert not throttle.failed("user:a") and throttle.failed("user:a")
    assert throttle.retry_after("user:a") == 60
    now[0] = 72.0
    assert throttle.retry_after("user:a") == 0


def test_a_job_named_after_a_report_is_refused_and_audited(client: TestClient, keys: Keys) -> None:
    h = keys.headers("analyst")
    before = client.get("/api/v1/trace/reports/bybit-example", headers=h).json()
    body = {
        "name": "bybit-example",
        "seeds": [{"address": ANCHOR, "since": "2025-02-21T14:00:00Z"}],
    }
    res = client.post("/api/v1/trace/jobs", json=body, headers=h)
    assert res.status_code == 409 and "already exists" in res.json()["error"]["message"]
    assert client.get("/api/v1/trace/reports/bybit-example", headers=h).json() == before
    refused = _audit(client, keys, "trace.job")
    assert refused and refused[-1]["result"]["outcome"] == "refused: name taken"
    assert refused[-1]["query"]["name"] == "bybit-example"


def test_a_started_trace_job_is_audited(client: TestClient, keys: Keys) -> None:
    body = {"name": "case-2", "seeds": [{"address": ANCHOR, "since": "2025-02-21T14:00:00Z"}]}
    res = client.post("/api/v1/trace/jobs", json=body, headers=keys.headers("analyst"))
    assert res.status_code == 202
    job_id = res.json()["id"]
    started = _audit(client, keys, "trace.job")
    assert started[-1]["result"] == {"outcome": "started", "job": job_id}
    for _ in range(600):  # let it finish before the store closes
        status = client.get(f"/api/v1/jobs/{job_id}", headers=keys.headers("analyst")).json()
        if status["status"] in ("done", "failed"):
            break
        time.sleep(0.1)
    assert status["status"] == "done", status


def test_a_failed_job_shows_a_reference_not_the_exception(tmp_path: Any, monkeypatch: Any) -> None:
    monkeypatch.setenv("NKWATCH_LOG_DIR", str(tmp_path))
    jobs = JobManager(workers=1)

    def broken(_: Any) -> dict[str, Any]:
        raise ValueError("/srv/secret/path.duckdb: boom")

    job = jobs.submit("trace", "key:x", broken)
    for _ in range(200):
        if jobs.get(job.id).status == "failed":
            break
        time.sleep(0.01)
    error = jobs.get(job.id).error or ""
    assert error.startswith("internal error (ref ") and "secret" not in error
    ref = error.split("(ref ")[1].rstrip(")")
    assert "boom" in (tmp_path / f"{ref}.log").read_text()
    jobs.shutdown()
