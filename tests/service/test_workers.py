"""``nkwatch serve`` as it runs in production: a store-owning process plus worker processes.

The real command on a loopback port and a copy of the bundled store. Workers answer API-key
screening from their own indexes and proxy everything else to the owner; these tests check
that a worker's answers, errors and audit entries are the same as the in-process app's, that
cookie sessions and pages still work through the proxy, and that a revoked key stops
working within the key-cache TTL.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from nkwatch.service import auth
from nkwatch.settings import Settings
from nkwatch.store import open_store

from .conftest import PASSWORD, Keys

ADDRESSES = [
    {"address": "0x098B716B8Aaf21512996dC57EB0615e2383E2f96"},
    {"address": "bc1qa5wkgaew2dkv56kfvj49j0av5nml45x9ek9hz6"},
    {"address": "TAYhjpL8pPs8T84FSM329nffQpc6jD8GBM", "chain": "TRX"},
    {"address": "0x0000000000000000000000000000000000000001"},
]
NAMES = [
    {"name": "김정은"},
    {"name": "Kim Jong Un", "type": "person", "country": "KP"},
    {"name": "Korea Kwangson Banking Corp", "threshold": 0.8},
    {"name": "Ada Lovelace"},
]
TTL_S = 1.0


@dataclass(frozen=True)
class Served:
    url: str
    keys: Keys
    log: Path
    segments: Path
    worker_pids: list[int]
    owner_pid: int

    def post(self, path: str, role: str, body: dict[str, Any]) -> httpx.Response:
        return httpx.post(self.url + path, json=body, headers=self.keys.headers(role), timeout=30)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory, bundled_store: Path) -> Iterator[Served]:
    tmp = tmp_path_factory.mktemp("workers")
    db = tmp / "nk.duckdb"
    shutil.copyfile(bundled_store, db)
    offline = "http://127.0.0.1:9/unreachable"
    env = {**os.environ, "HOME": str(tmp), "NKWATCH_DB": str(db),
           "NKWATCH_LISTS_BASE_URL": offline, "NKWATCH_UN_LIST_URL": offline}  # fmt: skip
    with open_store(Settings.from_env(env)) as store:
        keys = Keys(
            viewer=auth.create_key(store, auth.Role.viewer),
            analyst=auth.create_key(store, auth.Role.analyst),
            admin=auth.create_key(store, auth.Role.admin),
        )
        auth.create_user(store, "alice", PASSWORD, auth.Role.analyst)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    log = tmp / "serve.log"
    cmd = [sys.executable, "-m", "nkwatch", "serve", "--port", str(port), "--workers", "1",
           "--key-cache-ttl", str(TTL_S)]  # fmt: skip
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env)
    try:
        deadline = time.monotonic() + 180
        while not (pids := re.findall(r"worker 1/1 ready \(pid (\d+)\)", log.read_text())):
            assert proc.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
        yield Served(
            f"http://127.0.0.1:{port}",
            keys,
            log,
            Path(f"{db}.audit-segments"),
            [int(pids[0])],
            proc.pid,  # `nkwatch serve` is the store owner itself
        )
    finally:
        proc.terminate()
        proc.wait(timeout=60)
    assert "Traceback" not in log.read_text(), log.read_text()
    assert not list(Path(f"{db}.audit-segments").iterdir())  # drained into the store on stop


def _same(answer: httpx.Response, reference: Any) -> None:
    assert answer.status_code == reference.status_code, answer.text
    got, want = answer.json(), reference.json()
    if isinstance(got, dict):
        got.pop("audit_id", None)
        want.pop("audit_id", None)
    assert got == want


def test_worker_screening_answers_like_the_app(
    served: Served, client: TestClient, keys: Keys
) -> None:
    for path, bodies in (("/api/v1/screen/address", ADDRESSES), ("/api/v1/screen/name", NAMES)):
        for body in bodies:
            answer = served.post(path, "analyst", body)
            _same(answer, client.post(path, json=body, headers=keys.headers("analyst")))
            assert "default-src 'self'" in answer.headers["content-security-policy"]
    # answered by the worker itself: its own audit segment holds the entries
    own = [
        p for p in served.segments.iterdir() if p.name.startswith(f"seg-{served.worker_pids[0]}-")
    ]
    assert own and sum(p.stat().st_size for p in own) > 0


def test_every_worker_answer_is_in_the_audit_log(served: Served) -> None:
    answers = [
        served.post("/api/v1/screen/address", "analyst", ADDRESSES[i % 4]) for i in range(40)
    ]
    answers += [served.post("/api/v1/screen/name", "analyst", body) for body in NAMES]
    ids = {a.json()["audit_id"]: a.json() for a in answers}
    assert len(ids) == len(answers)
    log = httpx.get(served.url + "/api/v1/audit", params={"limit": 500},
                    headers=served.keys.headers("admin")).json()  # fmt: skip
    logged = {row["id"]: row for row in log["items"]}
    actor = "key:" + served.keys.analyst.split("_")[1]
    for audit_id, answer in ids.items():
        row = logged[audit_id]
        assert row["actor"] == actor
        assert row["query"] == answer["query"]
        assert row["result"]["hit"] == answer["hit"]
        assert row["list_versions"] == answer["list_versions"]


@pytest.mark.parametrize(
    ("path", "role", "content", "ctype"),
    [
        ("/api/v1/screen/address", "analyst", b'{"address": "0xzz"}', "application/json"),
        ("/api/v1/screen/address", "analyst", b'{"address": ""}', "application/json"),
        ("/api/v1/screen/address", "analyst", b'{"address": "0x1"', "application/json"),
        ("/api/v1/screen/name", "analyst", b'{"name": "___"}', "application/json"),
        ("/api/v1/screen/name", "analyst", b'{"name": "Kim"}', "text/plain"),
        ("/api/v1/screen/name", "viewer", b'{"name": "Kim"}', "application/json"),
        ("/api/v1/screen/name", None, b'{"name": "Kim"}', "application/json"),
        ("/api/v1/screen/name", "bogus", b'{"name": "Kim"}', "application/json"),
    ],
)
def test_worker_errors_are_the_apps(
    served: Served, client: TestClient, keys: Keys, path: str, role: str | None, content: bytes, ctype: str
) -> None:  # fmt: skip
    def headers(k: Keys) -> dict[str, str]:
        found = {"content-type": ctype}
        if role == "bogus":
            found["Authorization"] = "Bearer nkw_000000000000_" + "A" * 43
        elif role is not None:
            found.update(k.headers(role))
        return found

    answer = httpx.post(served.url + path, content=content, headers=headers(served.keys))
    assert 400 <= answer.status_code < 500
    _same(answer, client.post(path, content=content, headers=headers(keys)))


def test_revoked_key_stops_within_the_cache_ttl(served: Served) -> None:
    admin = served.keys.headers("admin")
    made = httpx.post(served.url + "/api/v1/keys", json={"role": "analyst"}, headers=admin)
    assert made.status_code == 201, made.text
    key = made.json()["key"]
    auth_header = {"Authorization": f"Bearer {key}"}
    ok = httpx.post(served.url + "/api/v1/screen/address", json=ADDRESSES[0], headers=auth_header)
    assert ok.status_code == 200
    gone = httpx.delete(served.url + f"/api/v1/keys/{key.split('_')[1]}", headers=admin)
    assert gone.status_code == 204
    revoked_at = time.monotonic()
    while True:
        res = httpx.post(
            served.url + "/api/v1/screen/address", json=ADDRESSES[0], headers=auth_header
        )
        if res.status_code == 401:
            break
        assert res.status_code == 200
        assert time.monotonic() - revoked_at < TTL_S + 1.0, "revoked key still accepted"
        time.sleep(0.05)


def test_browser_session_works_through_the_proxy(served: Served) -> None:
    with httpx.Client(base_url=served.url) as browser:
        page = browser.get("/login")
        assert page.status_code == 200
        token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
        res = browser.post("/login", data={"username": "alice", "password": PASSWORD,
                                           "csrf_token": token, "next": "/"})  # fmt: skip
        assert res.status_code == 303 and res.headers["location"] == "/"
        home = browser.get("/")
        assert home.status_code == 200
        csrf = home.text.split('name="csrf_token" value="')[1].split('"')[0]
        no_csrf = browser.post("/api/v1/screen/name", json={"name": "김정은"})
        assert no_csrf.status_code == 403
        hit = browser.post("/api/v1/screen/name", json={"name": "김정은"},
                           headers={"X-CSRF-Token": csrf})  # fmt: skip
        assert hit.status_code == 200
        assert hit.json()["matches"][0]["name"] == "Kim Jong Un"
    # the session is this browser's only: the proxy keeps no cookies of its own
    anonymous = httpx.get(served.url + "/", follow_redirects=False)
    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/login")


def _thread_nice(pid: int) -> dict[int, int]:
    """Each thread's nice value (field 19 of /proc/PID/task/TID/stat)."""
    found = {}
    for task in Path(f"/proc/{pid}/task").iterdir():
        fields = (task / "stat").read_text().rsplit(")", 1)[1].split()
        found[int(task.name)] = int(fields[16])
    return found


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="per-thread nice is Linux's")
def test_owner_request_handling_runs_below_the_workers(served: Served) -> None:
    """Screening first under CPU saturation: the owner's event loop and the handler threads
    it starts run --owner-nice (default 5) below the workers; the threads a worker may wait
    on (ids, key checks, the dispatcher) keep the workers' priority; the ingester is at 10."""
    spec = httpx.get(served.url + "/openapi.json", headers=served.keys.headers("viewer"))
    assert spec.status_code == 200  # proxied: a handler thread of the owner ran it
    base = os.getpriority(os.PRIO_PROCESS, 0)  # what `nkwatch serve` was started with
    worker = _thread_nice(served.worker_pids[0])
    owner = _thread_nice(served.owner_pid)
    assert set(worker.values()) == {base}
    lowered = min(19, base + 5)
    assert owner[served.owner_pid] == lowered  # the event-loop thread
    assert sum(nice == lowered for nice in owner.values()) >= 2  # and a handler thread
    assert base in owner.values()  # ids, key checks, dispatch
    assert min(19, base + 10) in owner.values()  # the audit ingester


def test_health_and_openapi(served: Served, client: TestClient, keys: Keys) -> None:
    _same(httpx.get(served.url + "/health"), client.get("/health"))
    assert httpx.get(served.url + "/openapi.json").status_code == 401
    spec = httpx.get(served.url + "/openapi.json", headers=served.keys.headers("viewer"))
    assert "/api/v1/screen/address" in spec.json()["paths"]


def test_a_killed_worker_is_replaced_and_nothing_answered_is_lost(served: Served) -> None:
    """Runs last: kills the worker after answers it has synced but the owner may not have
    ingested yet; the replacement serves, and the admin still sees every answer."""
    answered = [
        served.post("/api/v1/screen/address", "analyst", ADDRESSES[0]).json()["audit_id"]
        for _ in range(20)
    ]
    os.kill(served.worker_pids[0], signal.SIGKILL)
    deadline = time.monotonic() + 120
    while len(re.findall(r"worker 1/1 ready", served.log.read_text())) < 2:
        assert time.monotonic() < deadline, served.log.read_text()
        time.sleep(0.2)
    res = served.post("/api/v1/screen/address", "analyst", ADDRESSES[0])
    assert res.status_code == 200
    log = httpx.get(served.url + "/api/v1/audit", params={"limit": 500},
                    headers=served.keys.headers("admin")).json()  # fmt: skip
    logged = {row["id"] for row in log["items"]}
    assert set(answered) | {res.json()["audit_id"]} <= logged
