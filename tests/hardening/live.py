"""The real ``nkwatch serve`` (owner + one worker) on a copy of the bundled store, for the
attack sweeps: keys of every role plus a revoked one, a web user of every role, hostile
values planted through the CLI importers (intel incident, trace label) before the start.

A client connecting from 127.0.0.2 is the configured ``--trusted-proxy``; every other
loopback address is an ordinary client.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from nkwatch.service import auth
from nkwatch.settings import Settings
from nkwatch.store import open_store

PASSWORD = "correct horse battery"
TRUSTED_PROXY = "127.0.0.2"
# Sets a flag if it ever runs: as markup, as an attribute breaker and as a URL.
MARK = "nkwxss"
PAYLOAD = (
    f"{MARK}\"'><img src=x onerror=\"window.__pwned='img'\">"
    "<script>window.__pwned='script'</script><svg onload=\"window.__pwned='svg'\">"
)
JS_URL = "javascript:window.__pwned='href'"
INCIDENT_ID = "2024-01-01-nkwxss"
SEED = "0x47666fab8bd0ac7003bce3f5c3585383f09486e2"  # the bundled Bybit case's first hop


@dataclass(frozen=True)
class Live:
    url: str
    keys: dict[str, str]  # viewer, analyst, admin, revoked
    users: dict[str, str]  # role -> user name (password PASSWORD)
    log: Path
    db: Path
    secrets: tuple[str, ...]  # stored hashes: no answer may ever contain one

    def headers(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.keys[who]}"}

    def client(self, source: str = "127.0.0.1") -> httpx.Client:
        """A client connecting from ``source`` (any 127/8 address)."""
        transport = httpx.HTTPTransport(local_address=source)
        return httpx.Client(base_url=self.url, transport=transport, timeout=60)


def _incident_csv() -> str:
    cells = {
        "incident_id": INCIDENT_ID,
        "theft_date": "2024-01-01",
        "victim": PAYLOAD,
        "victim_type": "centralized_exchange",
        "amount_usd": "1000",
        "amount_native": "",
        "chains": "ETH",
        "attribution": PAYLOAD,
        "attributed_by": PAYLOAD,
        "attribution_date": "",
        "confidence": "suspected",
        "techniques": "",
        "malware": "",
        "sources": f'https://example.org/{MARK}?q="><script>window.__pwned=1</script>',
        "notes": PAYLOAD,
    }
    quoted = ['"' + v.replace('"', '""') + '"' for v in cells.values()]
    return ",".join(cells) + "\n" + ",".join(quoted) + "\n"


def _labels_csv() -> str:
    row = ["ethereum", SEED, PAYLOAD, "exchange", "0.9", PAYLOAD, "2024-01-01", PAYLOAD]
    quoted = ['"' + v.replace('"', '""') + '"' for v in row]
    return "chain,address,service,category,confidence,source,date,detail\n" + ",".join(quoted)


def _cli(env: dict[str, str], *args: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "nkwatch", *args], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr


def serve(tmp: Path, bundled_store: Path, before: Sequence[Sequence[str]] = ()) -> Iterator[Live]:
    """The server on a copy of the bundled store, after the plants and the ``before``
    commands (``nkwatch`` arguments, e.g. a hostile list import)."""
    db = tmp / "nk.duckdb"
    shutil.copyfile(bundled_store, db)
    offline = "http://127.0.0.1:9/unreachable"
    env = {**os.environ, "HOME": str(tmp), "NKWATCH_DB": str(db),
           "NKWATCH_LISTS_BASE_URL": offline, "NKWATCH_UN_LIST_URL": offline}  # fmt: skip
    (tmp / "incident.csv").write_text(_incident_csv(), encoding="utf-8")
    (tmp / "labels.csv").write_text(_labels_csv(), encoding="utf-8")
    _cli(env, "intel", "import", str(tmp / "incident.csv"))
    _cli(env, "trace", "labels", "csv", str(tmp / "labels.csv"))
    for args in before:
        _cli(env, *args)
    with open_store(Settings.from_env(env)) as store:
        keys = {role.value: auth.create_key(store, role) for role in auth.Role}
        keys["revoked"] = auth.create_key(store, auth.Role.admin)
        auth.revoke_key(store, keys["revoked"].split("_")[1])
        users = {role.value: f"u-{role.value}" for role in auth.Role}
        for role in auth.Role:
            auth.create_user(store, users[role.value], PASSWORD, role)
        secrets = tuple(
            cell
            for table in ("service_api_keys", "service_users")
            for row in store.query(f"SELECT * FROM {table}")  # noqa: S608
            for cell in row
            if isinstance(cell, str) and len(cell) >= 32
        )
        assert len(secrets) >= 2 * len(auth.Role)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    log = tmp / "serve.log"
    cmd = [sys.executable, "-m", "nkwatch", "serve", "--port", str(port), "--workers", "1",
           "--key-cache-ttl", "0.5", "--trusted-proxy", TRUSTED_PROXY]  # fmt: skip
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env)
    try:
        deadline = time.monotonic() + 240
        while not re.search(r"worker 1/1 ready", log.read_text()):
            assert proc.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
        yield Live(f"http://127.0.0.1:{port}", keys, users, log, db, secrets)
    finally:
        proc.terminate()
        proc.wait(timeout=60)


# After every page load: did anything of ours run, or land in the DOM as live markup?
PROBE = """() => ({
  pwned: window.__pwned === undefined ? null : String(window.__pwned),
  handlers: [...document.querySelectorAll('[onerror],[onload],[onclick]')]
    .map(e => e.outerHTML.slice(0, 120)),
  scripts: [...document.scripts].filter(s => (s.textContent || '').includes('__pwned'))
    .map(s => s.outerHTML.slice(0, 120)),
  jsLinks: [...document.querySelectorAll('a[href],form[action],iframe[src]')]
    .map(e => e.getAttribute('href') || e.getAttribute('action') || e.getAttribute('src'))
    .filter(u => /^\\s*javascript:/i.test(u)),
  shown: document.body.innerText.includes('nkwxss'),
})"""

# An inline script added by hand: the page's CSP must stop it and report the violation.
INLINE = """() => new Promise(done => {
  document.addEventListener('securitypolicyviolation',
    e => done({blocked: e.violatedDirective, ran: window.__inline === 1}), {once: true});
  const s = document.createElement('script');
  s.textContent = 'window.__inline = 1';
  document.body.appendChild(s);
  setTimeout(() => done({blocked: null, ran: window.__inline === 1}), 2000);
})"""


def wait_job(c: httpx.Client, job: dict[str, Any], h: dict[str, str]) -> dict[str, Any]:
    """Poll a job until it ends; it must be done."""
    deadline = time.monotonic() + 240
    while job["status"] not in ("done", "failed", "error"):
        assert time.monotonic() < deadline, job
        time.sleep(0.3)
        job = c.get(f"/api/v1/jobs/{job['id']}", headers=h).json()
    assert job["status"] == "done", job
    return job


@contextlib.contextmanager
def browser(server: Live) -> Iterator[tuple[Any, list[str]]]:
    """Chromium (headless) logged in as admin: the page, and the dialogs any page opened."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--headless", "--no-sandbox", "--disable-gpu"],
        )
        page = chromium.new_context(base_url=server.url).new_page()
        dialogs: list[str] = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.goto("/login")
        page.get_by_label("User name").fill(server.users["admin"])
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(server.url + "/")
        try:
            yield page, dialogs
        finally:
            chromium.close()


def assert_nothing_ran(seen: dict[str, dict[str, Any]]) -> None:
    """Every page's PROBE: no planted script ran, no live handler or script, no js: link."""
    for url, probe in seen.items():
        assert probe["pwned"] is None, f"{url}: a planted script ran ({probe['pwned']})"
        assert not probe["handlers"] and not probe["scripts"], f"{url}: live markup {probe}"
        assert not probe["jsLinks"], f"{url}: javascript: link {probe['jsLinks']}"
