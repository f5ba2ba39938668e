"""The service against its attackers, driving the real ``nkwatch serve`` (owner + worker):
every route without credentials and with a wrong, revoked and lower-role key or session;
CSRF on every write; SQL injection in every parameter of the OpenAPI document; path
traversal in every name taken from a URL; error bodies without paths or tracebacks;
X-Forwarded-* believed only from the configured proxy. Stored XSS is in
``test_service_xss.py`` (Chromium). Quick payload sets here; NKWATCH_ATTACK_FULL=1 for all.
"""

from __future__ import annotations

import http.client
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from . import live, sweeps
from .live import INLINE, PASSWORD, PROBE, TRUSTED_PROXY, Live

FULL = os.environ.get("NKWATCH_ATTACK_FULL") == "1"
WRONG_KEY = "nkw_0123456789ab_" + "A" * 43


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, bundled_store: Path) -> Iterator[Live]:
    yield from live.serve(tmp_path_factory.mktemp("attacks"), bundled_store)


def clean(res: httpx.Response | http.client.HTTPResponse, body: str, what: str) -> None:
    """No 5xx, and nothing in the body that tells an attacker about the inside."""
    status = res.status_code if isinstance(res, httpx.Response) else res.status
    assert status < 500, f"{what}: {status} {body[:300]}"
    leak = sweeps.LEAKS.search(body)
    assert leak is None, f"{what}: body reveals {leak.group(0)!r}: {body[:300]}"


def login(
    client: httpx.Client, user: str, password: str = PASSWORD, **headers: str
) -> httpx.Response:
    form = client.get("/login")
    token = form.text.split('name="csrf_token" value="')[1].split('"')[0]
    return client.post(
        "/login",
        data={"username": user, "password": password, "csrf_token": token, "next": "/"},
        headers=headers,
    )


def _send(client: httpx.Client, method: str, path: str, **kw: Any) -> httpx.Response:
    return client.request(method, path, follow_redirects=False, **kw)


def test_every_route_refuses_missing_wrong_revoked_and_lower_credentials(server: Live) -> None:
    table = sweeps.route_table()
    assert len(table) > 40  # the whole app, not a stub
    sessions = {}
    for role, user in server.users.items():
        c = server.client()
        assert login(c, user).status_code == 303
        sessions[role] = c
    anon = server.client()
    checked = 0
    for gate in table:
        path = sweeps.fill(gate.path)
        what = f"{gate.method} {gate.path}"
        tries: list[tuple[str, httpx.Client, dict[str, str], int]] = [
            ("no credentials", anon, {}, 401),
            ("wrong key", anon, {"Authorization": f"Bearer {WRONG_KEY}"}, 401),
            ("wrong X-API-Key", anon, {"X-API-Key": WRONG_KEY}, 401),
            ("revoked key", anon, server.headers("revoked"), 401),
            ("forged session", anon, {"Cookie": "nkw_session=" + "A" * 43}, 401),
        ]
        for lower in sweeps.lower_roles(gate.role):
            tries.append((f"{lower} key", anon, server.headers(lower), 403))
            tries.append((f"{lower} session", sessions[lower], {}, 403))
        for label, client, headers, want in tries:
            res = _send(client, gate.method, path, headers=headers, **gate.request())
            clean(res, res.text, f"{what} with {label}")
            if gate.kind == "page" and client is anon:
                # pages never take keys: no session means the login form, nothing else
                assert res.status_code == 303, f"{what} with {label}: {res.status_code}"
                assert res.headers["location"].startswith("/login"), what
            else:
                assert res.status_code == want, (
                    f"{what} with {label}: {res.status_code} {res.text[:200]}"
                )
            checked += 1
    assert checked > 5 * len(table)


def test_every_cookie_write_needs_the_csrf_token(server: Live) -> None:
    admin = server.client()
    assert login(admin, server.users["admin"]).status_code == 303
    writes = [g for g in sweeps.route_table() if g.method not in ("GET", "HEAD")]
    assert writes
    for gate in writes:
        if gate.path == "/logout":
            continue  # checked last: it would end the session
        for headers in ({}, {"X-CSRF-Token": "forged"}):
            res = _send(
                admin, gate.method, sweeps.fill(gate.path), headers=headers, **gate.request()
            )
            clean(res, res.text, f"{gate.method} {gate.path}")
            assert res.status_code == 403 and "CSRF" in res.text, f"{gate.path}: {res.status_code}"
    res = _send(admin, "POST", "/logout")
    assert res.status_code == 403
    assert _send(admin, "GET", "/api/v1/me").status_code == 200  # still logged in


def _state(server: Live) -> dict[str, Any]:
    """What the store holds, seen through the admin API: the sweep may add, never remove."""
    with server.client() as c:
        h = server.headers("admin")
        return {
            "keys": {(k["key_id"], k["revoked"]) for k in c.get("/api/v1/keys", headers=h).json()},
            "reports": {r["name"] for r in c.get("/api/v1/trace/reports", headers=h).json()},
            "lists": c.get("/api/v1/lists/versions", headers=h).json(),
            "incidents": c.get("/api/v1/intel/incidents", headers=h).json(),
            "audit": c.get("/api/v1/audit", params={"limit": 1}, headers=h).json()["total"],
        }


def _rows(res: httpx.Response) -> int:
    """How many records an answer carries (JSON list/page, or lines of an export)."""
    if res.headers.get("content-type", "").startswith("application/json"):
        return _size(res.json())
    return sum(1 for line in res.text.splitlines() if line.strip())


def _size(body: Any) -> int:
    if isinstance(body, list):
        return len(body)
    if isinstance(body, dict):
        for key in ("items", "rows", "results", "matches"):
            if isinstance(body.get(key), list):
                return len(body[key])
    return 0


def test_sql_injection_in_every_parameter_changes_and_leaks_nothing(server: Live) -> None:
    with server.client() as c:
        doc = c.get("/openapi.json", headers=server.headers("admin")).json()
    before = _state(server)
    payloads = sweeps.SQL_FULL if FULL else sweeps.SQL_QUICK
    probes = list(sweeps.sql_probes(doc, payloads))
    assert {p.where for p in probes} >= {"path", "query", "json", "filename"}
    baseline: dict[tuple[str, str, str], int] = {}
    with server.client() as c:
        for probe in probes:
            kw: dict[str, Any] = {"params": probe.params, "headers": server.headers("admin")}
            if probe.json is not None:
                kw["json"] = probe.json
            if probe.files is not None:
                kw["files"] = probe.files
                kw["data"] = probe.form or {}
            res = _send(c, probe.method, probe.path, **kw)
            what = f"{probe.method} {probe.path} {probe.where}:{probe.name}"
            clean(res, res.text, what)
            for secret in server.secrets:
                assert secret not in res.text, f"{what}: a stored hash in the answer"
            if probe.method == "GET" and probe.where == "query" and res.status_code == 200:
                key = (probe.path, probe.where, probe.name)
                if key not in baseline:
                    benign = dict(probe.params, **{probe.name: "nkw-no-such-value"})
                    ref = c.get(probe.path, params=benign, headers=server.headers("admin"))
                    baseline[key] = _rows(ref) if ref.status_code == 200 else 0
                assert _rows(res) <= baseline[key], f"{what}: more rows than a plain miss"
    after = _state(server)
    assert before["keys"] <= after["keys"]  # no key deleted or un-revoked
    assert {k for k, revoked in after["keys"] if revoked} == {
        k for k, revoked in before["keys"] if revoked
    }  # and none revoked by a DELETE /keys/<payload>
    assert before["reports"] <= after["reports"]
    assert after["lists"] == before["lists"] and after["incidents"] == before["incidents"]
    assert after["audit"] >= before["audit"]
    for role in ("viewer", "analyst", "admin"):
        with server.client() as c:
            assert c.get("/api/v1/me", headers=server.headers(role)).status_code == 200


def _raw(server: Live, method: str, target: str, headers: dict[str, str]) -> tuple[int, str]:
    """Unnormalised request target (httpx would resolve ``..`` itself)."""
    host, port = server.url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=60)
    try:
        conn.request(method, target, headers=headers)
        res = conn.getresponse()
        body = res.read().decode("utf-8", "replace")
        clean(res, body, f"{method} {target}")
        return res.status, body
    finally:
        conn.close()


def test_path_traversal_in_every_name_from_a_url(server: Live) -> None:
    admin = server.client()
    assert login(admin, server.users["admin"]).status_code == 303
    cookie = "; ".join(f"{k}={v}" for k, v in admin.cookies.items())
    named = [g for g in sweeps.route_table() if "{" in g.path and g.method == "GET"]
    assert any("/cases/" in g.path for g in named) and any("reports" in g.path for g in named)
    targets = [sweeps.fill(g.path, "PAYLOAD") for g in named]
    targets += ["/static/PAYLOAD", "/static/service/PAYLOAD", "/static/trace/PAYLOAD"]
    headers = {"Authorization": f"Bearer {server.keys['admin']}", "Cookie": cookie}
    seen = 0
    for target in targets:
        for payload in sweeps.TRAVERSAL:
            status, body = _raw(server, "GET", target.replace("PAYLOAD", payload), headers)
            assert "root:x:0:0" not in body and "DUCK" not in body[:64], target
            assert status in (303, 400, 403, 404, 405, 415, 422), f"{target} {payload}: {status}"
            seen += 1
    assert seen >= len(targets) * len(sweeps.TRAVERSAL)


def test_malformed_requests_get_clean_error_bodies(server: Live) -> None:
    h = server.headers("admin")
    posts = [g.path for g in sweeps.route_table() if g.method == "POST" and g.body]
    assert len(posts) >= 6
    with server.client() as c:
        for path in posts:
            path = sweeps.fill(path)
            for body, ctype in (
                (b"{", "application/json"),
                (b'{"a": ' * 5000, "application/json"),
                (b"\xff\xfe\x00garbage", "application/json"),
                (b"--x\r\nContent-Disposition: form-data; name=file\r\n\r\n", "multipart/form-data; boundary=x"),
                (b"a=b", "application/x-www-form-urlencoded"),
                (b"<?xml version='1.0'?><!DOCTYPE a [<!ENTITY e SYSTEM 'file:///etc/passwd'>]><a>&e;</a>", "application/xml"),
            ):  # fmt: skip
                res = c.post(path, content=body, headers={**h, "Content-Type": ctype})
                clean(res, res.text, f"POST {path} {ctype} {body[:20]!r}")
                assert 400 <= res.status_code < 500, f"{path} {ctype}: {res.status_code}"
                assert "root:" not in res.text
        big = c.post("/api/v1/screen/name", content=b"x" * (6 << 20),
                     headers={**h, "Content-Type": "application/json"})  # fmt: skip
        clean(big, big.text, "6 MiB body")
        assert big.status_code == 413
        for method, path in (("PUT", "/api/v1/keys"), ("GET", "/nope"), ("GET", "/api/v1/nope")):
            res = _send(c, method, path, headers=h)
            clean(res, res.text, f"{method} {path}")
            assert res.status_code in (404, 405)


def _cookie_flags(res: httpx.Response) -> str:
    found = [v for k, v in res.headers.multi_items() if k == "set-cookie" and "nkw_session" in v]
    assert found, res.text[:300]
    return found[0].lower()


def test_forwarded_proto_and_for_believed_only_from_the_trusted_proxy(server: Live) -> None:
    user = server.users["viewer"]
    # a client on loopback claims https: its session cookie must not become "Secure" context
    with server.client("127.0.0.1") as c:
        res = login(c, user, **{"X-Forwarded-Proto": "https"})
        assert res.status_code == 303 and "secure" not in _cookie_flags(res).split("; ")
    with server.client(TRUSTED_PROXY) as c:
        res = login(c, user, **{"X-Forwarded-Proto": "https", "X-Forwarded-For": "10.1.1.1"})
        assert res.status_code == 303 and "secure" in _cookie_flags(res).split("; ")
    with server.client(TRUSTED_PROXY) as c:
        res = login(c, user)
        assert res.status_code == 303 and "secure" not in _cookie_flags(res).split("; ")
    # a client cannot dodge the per-address lock-out by inventing X-Forwarded-For
    with server.client("127.0.0.3") as c:
        for n in range(5):
            res = login(c, f"ghost-{n}", "wrong password!", **{"X-Forwarded-For": f"10.0.0.{n}"})
            assert res.status_code == 401, res.status_code
        res = login(c, server.users["analyst"], **{"X-Forwarded-For": "10.0.0.99"})
        assert res.status_code == 429 and "retry-after" in res.headers
    # behind the proxy, the address it names is the one locked, not the proxy itself
    with server.client(TRUSTED_PROXY) as c:
        for n in range(5):
            res = login(c, f"phantom-{n}", "wrong password!", **{"X-Forwarded-For": "10.9.9.9"})
            assert res.status_code == 401
        assert login(c, "phantom-x", **{"X-Forwarded-For": "10.9.9.9"}).status_code == 429
        ok = login(c, server.users["analyst"], **{"X-Forwarded-For": "10.9.9.8"})
        assert ok.status_code == 303


# -- stored XSS, checked in Chromium ---------------------------------------------------
APPLICANTS = (
    "id,full_name,emails,payment_accounts,employers,shipping_address,address\n"
    f'x1,"{live.PAYLOAD.replace(chr(34), chr(34) * 2)}",xss@example.org,GB82WEST12345698765432,'
    f'"{live.PAYLOAD.replace(chr(34), chr(34) * 2)}","{live.PAYLOAD.replace(chr(34), chr(34) * 2)}",'
    f'"{live.PAYLOAD.replace(chr(34), chr(34) * 2)}"\n'
    f'"{live.PAYLOAD.replace(chr(34), chr(34) * 2)}",Bob Two,bob@example.org,GB82WEST12345698765432,Globex,,\n'
)
UPLOAD_NAME = f"{live.MARK}<img src=x onerror=window.__pwned=1>.csv"
CASE = f"nkwxss-case-{os.getpid()}"


def _plant(server: Live) -> dict[str, str]:
    """Hostile values through the upload and job APIs (the importers planted the rest)."""
    h = server.headers("analyst")
    with server.client() as c:
        # a file name with markup never gets in: refused by name at every upload
        for path in ("/api/v1/hiring/screenings", "/api/v1/screen/batch", "/api/v1/lure/checks"):
            up = c.post(path, headers=h, files={"file": (UPLOAD_NAME, b"name\nx\n", "text/csv")})
            assert up.status_code == 400 and "file name" in up.text, (path, up.text)
        up = c.post("/api/v1/hiring/screenings", headers=h,
                    files={"file": (f"{live.MARK}.csv", APPLICANTS.encode(), "text/csv")})  # fmt: skip
        assert up.status_code == 202, up.text
        screening = live.wait_job(c, up.json(), h)["result"]["screening_id"]
        job = c.post("/api/v1/trace/jobs", headers=h,
                     json={"name": CASE, "seeds": [{"address": live.SEED}]})  # fmt: skip
        assert job.status_code == 202, job.text
        live.wait_job(c, job.json(), h)
    return {
        "incident_id": live.INCIDENT_ID,
        "screening_id": str(screening),
        "name": CASE,
    }


def test_stored_values_never_run_as_script_in_chromium(server: Live) -> None:
    ids = _plant(server)
    pages = [g for g in sweeps.route_table() if g.kind == "page" and g.method == "GET"]
    urls = []
    for gate in pages:
        params = [p.strip("{}") for p in gate.path.split("/") if p.startswith("{")]
        missing = [p for p in params if p not in ids]
        assert not missing, f"{gate.path}: no planted value for {missing}: add one to _plant"
        urls.append(gate.path.format(**ids))
    must_show = {
        f"/incidents/{live.INCIDENT_ID}",
        f"/applicants/{ids['screening_id']}",
        f"/cases/{CASE}",
    }
    with live.browser(server) as (page, dialogs):
        # the reflected path too: a hostile name typed into the screening form
        page.goto("/screen")
        page.locator("form[action='/screen'] input[name=name]").fill(live.PAYLOAD)
        page.locator("form[action='/screen'] button[type=submit]").click()
        page.wait_for_load_state("networkidle")
        seen = {"/screen (posted)": page.evaluate(PROBE)}
        echoed = page.locator("form[action='/screen'] input[name=name]").input_value()
        for url in urls:
            res = page.goto(url)
            assert res is not None and res.status == 200, f"{url}: {res and res.status}"
            csp = res.headers["content-security-policy"]
            script_src = next(
                d for d in csp.split(";") if d.strip().startswith(("script-src", "default-src"))
            )
            assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src
            page.wait_for_load_state("networkidle")
            seen[url] = page.evaluate(PROBE)
        inline = page.evaluate(INLINE)
    live.assert_nothing_ran(seen)
    for url in must_show:  # the hostile values were really on the page, as text
        assert seen[url]["shown"], f"{url}: the planted value is not shown, so not tested"
    assert echoed == live.PAYLOAD  # the reflected name came back as the field's text
    assert not dialogs
    assert inline == {"blocked": "script-src-elem", "ran": False} or (
        inline["blocked"] and not inline["ran"]
    ), inline
