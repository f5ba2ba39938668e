"""Mixed load with abusers against ``nkwatch serve --workers 2`` (issue #16).

One driver process (uvloop, a minimal keep-alive HTTP/1.1 client, so the driver costs
little of the 2 cores) runs, for ``--seconds`` (300):

- address screening: ``--address`` closed-loop clients (API key), or, with
  ``--address-rate R``, an open loop: requests start on a Poisson schedule of R per second
  and their latency counts from the scheduled start (the server's speed does not set the
  rate, and a request waiting for a free connection counts that wait);
- name screening: ``--names`` clients (open loop: ``--names-rate``);
- exposure: 1 client, ``POST /api/v1/exposure`` on listed and clear addresses;
- trace pages: 1 browser-like client with a session: the case list, the Bybit case page,
  its report JSON;
- uploads: 1 client posting a 20-row screening CSV and a 3-row applicant file in turn,
  following each job to its end;
- abusers at the same time: a password guesser (wrong passwords, new user names, from its
  own loopback address), a key guesser (a new random API key on every screening request),
  an oversized-body sender (6 MiB) and a CSRF-less session writer.

Checks: zero 5xx anywhere; abusers get only their 4xx (401/403/413/429); p99 of address
screening <= 20 ms and names <= 50 ms (issue 7's targets; the other kinds are reported);
every screening and exposure decision answered is in the audit log exactly once (the
``audit_id`` of each 200 answer against the admin export), and the log holds no screening
entry that no client saw answered. Results: bench/results/service_mixed.json.

    flock /tmp/bench.lock .venv/bin/python -m bench.service_mixed [--seconds 300]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import secrets
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from bench.service_load import ADDRESSES, NAMES, _port, cpu_seconds, start_server, wait_workers

RESULTS = Path(__file__).resolve().parent / "results" / "service_mixed.json"
SERVER_LOG = Path(tempfile.gettempdir()) / "nkwatch-service-mixed.log"
TARGETS_MS = {"screen.address": 20.0, "screen.name": 50.0}
CSV_ROWS = "name,address\n" + "".join(
    f"{NAMES[i % len(NAMES)]},{ADDRESSES[i % len(ADDRESSES)]}\n" for i in range(20)
)
APPLICANTS = (
    "id,full_name,emails,payment_accounts,employers,shipping_address,address\n"
    "a1,Ann One,ann@example.org,GB82WEST12345698765432,Globex,,\n"
    "a2,Bob Two,bob@example.org,GB82WEST12345698765432,Yanbian Silverstar,,\n"
    "a3,Cy Three,cy@example.org,,Initech,,\n"
)


@dataclass
class Tally:
    """Per request kind: latencies, statuses, audit ids answered."""

    latency: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    status: dict[str, Counter[int]] = field(default_factory=lambda: defaultdict(Counter))
    audit_ids: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))

    def add(self, kind: str, status: int, seconds: float) -> None:
        self.latency[kind].append(seconds * 1000)
        self.status[kind][status] += 1


class Conn:
    """One keep-alive HTTP/1.1 connection (Content-Length bodies; what the server sends)."""

    def __init__(self, port: int, source: str = "127.0.0.1") -> None:
        self.port, self.source = port, source
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(
        self, method: str, path: str, headers: dict[str, str], body: bytes = b""
    ) -> tuple[int, dict[str, str], bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(
                "127.0.0.1", self.port, local_addr=(self.source, 0)
            )
        assert self.reader is not None
        head = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{self.port}",
                f"Content-Length: {len(body)}"] + [f"{k}: {v}" for k, v in headers.items()]  # fmt: skip
        self.writer.write(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body)
        status_line = await self.reader.readline()
        status = int(status_line.split()[1])
        got: dict[str, list[str]] = defaultdict(list)
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            got[name.strip().lower()].append(value.strip())
        if "content-length" in got:
            data = await self.reader.readexactly(int(got["content-length"][0]))
        else:  # chunked (streamed answers)
            chunks = []
            while True:
                size = int((await self.reader.readline()).strip(), 16)
                chunks.append(await self.reader.readexactly(size + 2))
                if size == 0:
                    break
            data = b"".join(c[:-2] for c in chunks)
        if "close" in ",".join(got.get("connection", [])):
            await self.close()
        return (
            status,
            {k: ", ".join(v) for k, v in got.items()}
            | {"set-cookie-all": "\n".join(got.get("set-cookie", []))},
            data,
        )

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.writer = self.reader = None


def _multipart(name: str, filename: str, data: bytes) -> tuple[str, bytes]:
    boundary = secrets.token_hex(12)
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            f"Content-Type: text/csv\r\n\r\n"
        ).encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return f"multipart/form-data; boundary={boundary}", body


class Mix:
    def __init__(self, port: int, key: str, until: float, tally: Tally) -> None:
        self.port, self.key, self.until, self.t = port, key, until, tally
        self.auth = {"Authorization": f"Bearer {key}"}

    async def timed(self, kind: str, conn: Conn, method: str, path: str,
                    headers: dict[str, str], body: bytes = b"") -> tuple[int, dict[str, str], bytes]:  # fmt: skip
        t0 = time.perf_counter()
        status, head, data = await conn.request(method, path, headers, body)
        self.t.add(kind, status, time.perf_counter() - t0)
        return status, head, data

    async def screening(self, kind: str, path: str, bodies: list[bytes]) -> None:
        conn, i = Conn(self.port), random.randrange(100)
        headers = {**self.auth, "Content-Type": "application/json"}
        while time.monotonic() < self.until:
            i += 1
            status, _, data = await self.timed(
                kind, conn, "POST", path, headers, bodies[i % len(bodies)]
            )
            if status == 200:
                self.t.audit_ids[kind].append(json.loads(data)["audit_id"])

    async def screening_open(
        self, kind: str, path: str, bodies: list[bytes], rate: float, conns: int
    ) -> None:
        """Open loop: requests start on a Poisson schedule of ``rate`` per second over a pool
        of ``conns`` keep-alive connections, whatever the server's speed. A latency counts
        from the request's scheduled start, so waiting for a free connection (the server
        falling behind) is in the figure, not hidden (no coordinated omission)."""
        pool: asyncio.Queue[Conn] = asyncio.Queue()
        for _ in range(conns):
            pool.put_nowait(Conn(self.port))
        headers = {**self.auth, "Content-Type": "application/json"}
        draw = random.Random(kind)
        due, i, running = time.perf_counter(), 0, set()
        while time.monotonic() < self.until:
            due += draw.expovariate(rate)
            if (wait := due - time.perf_counter()) > 0:
                await asyncio.sleep(wait)
            i += 1
            task = asyncio.create_task(
                self._scheduled(kind, pool, path, headers, bodies[i % len(bodies)], due)
            )
            running.add(task)
            task.add_done_callback(running.discard)
        await asyncio.gather(*running)

    async def _scheduled(self, kind: str, pool: asyncio.Queue[Conn], path: str,
                         headers: dict[str, str], body: bytes, due: float) -> None:  # fmt: skip
        conn = await pool.get()
        try:
            status, _, data = await conn.request("POST", path, headers, body)
        finally:
            pool.put_nowait(conn)
        self.t.add(kind, status, time.perf_counter() - due)
        if status == 200:
            self.t.audit_ids[kind].append(json.loads(data)["audit_id"])

    async def exposure(self) -> None:
        conn, i = Conn(self.port), 0
        headers = {**self.auth, "Content-Type": "application/json"}
        while time.monotonic() < self.until:
            i += 1
            body = json.dumps({"address": ADDRESSES[i % 3 if i % 2 else 0]}).encode()
            status, _, data = await self.timed(
                "exposure", conn, "POST", "/api/v1/exposure", headers, body
            )
            if status == 200:  # no id in the answer: counted
                self.t.audit_ids["exposure"].append(-len(self.t.audit_ids["exposure"]) - 1)
            await asyncio.sleep(0.05)

    async def login(self, conn: Conn, user: str, password: str, kind: str) -> tuple[int, str]:
        status, head, data = await self.timed(kind + " (form)", conn, "GET", "/login", {})
        token = re.search(rb'name="csrf_token" value="([^"]+)"', data)
        cookie = re.search(r"nkw_login_csrf=([^;]+)", head["set-cookie-all"])
        if not (token and cookie):  # counted above (a 503 while the owner is saturated)
            await asyncio.sleep(0.5)
            return status, ""
        form = f"username={user}&password={password}&csrf_token={token.group(1).decode()}&next=/"
        status, head, _ = await self.timed(kind, conn, "POST", "/login", {
            "Cookie": f"nkw_login_csrf={cookie.group(1)}",
            "Content-Type": "application/x-www-form-urlencoded"}, form.encode())  # fmt: skip
        session = re.search(r"nkw_session=([^;]+)", head["set-cookie-all"])
        return status, session.group(1) if session else ""

    async def session(self, conn: Conn, user: str, password: str) -> str:
        for _ in range(20):
            status, session = await self.login(conn, user, password, "login")
            if status == 303:
                return session
        raise SystemExit(f"cannot log in as {user}: {status}")

    async def trace_pages(self, user: str, password: str) -> None:
        conn = Conn(self.port)
        session = await self.session(conn, user, password)
        cookie = {"Cookie": f"nkw_session={session}"}
        while time.monotonic() < self.until:
            for path in ("/cases", "/cases/bybit-example", "/api/v1/trace/reports/bybit-example"):
                await self.timed("trace pages", conn, "GET", path, cookie)
            await asyncio.sleep(0.1)

    async def uploads(self) -> None:
        conn, n = Conn(self.port), 0
        while time.monotonic() < self.until:
            n += 1
            if n % 3:
                path, name, data = "/api/v1/screen/batch", f"batch-{n}.csv", CSV_ROWS.encode()
            else:
                path, name, data = (
                    "/api/v1/hiring/screenings",
                    f"applicants-{n}.csv",
                    APPLICANTS.encode(),
                )
            ctype, body = _multipart("file", name, data)
            status, _, answer = await self.timed("uploads", conn, "POST", path,
                                                 {**self.auth, "Content-Type": ctype}, body)  # fmt: skip
            if status != 202:
                continue
            job = json.loads(answer)
            while job["status"] not in ("done", "failed", "error"):
                await asyncio.sleep(0.25)
                status, _, answer = await self.timed(
                    "job polls", conn, "GET", f"/api/v1/jobs/{job['id']}", self.auth
                )
                job = json.loads(answer)
            self.t.status["upload jobs"][job["status"] == "done"] += 1
            await asyncio.sleep(1.0)

    async def password_guesser(self) -> None:
        conn = Conn(self.port, "127.0.0.7")
        n = 0
        while time.monotonic() < self.until:
            n += 1
            await self.login(conn, f"guess-{n % 50}", f"wrong-{n}-password", "abuse: logins")
            await asyncio.sleep(0.02)

    async def key_guesser(self) -> None:
        conn = Conn(self.port, "127.0.0.8")
        body = json.dumps({"address": ADDRESSES[0]}).encode()
        while time.monotonic() < self.until:
            fake = f"nkw_{secrets.token_hex(6)}_{secrets.token_urlsafe(32)}"
            await self.timed("abuse: keys", conn, "POST", "/api/v1/screen/address",
                             {"Authorization": f"Bearer {fake}", "Content-Type": "application/json"}, body)  # fmt: skip
            await asyncio.sleep(0.005)

    async def oversized(self) -> None:
        blob = b'{"name": "' + b"A" * (6 << 20) + b'"}'
        while time.monotonic() < self.until:
            conn = Conn(self.port, "127.0.0.9")
            try:
                await self.timed("abuse: 6 MiB bodies", conn, "POST", "/api/v1/screen/name",
                                 {**self.auth, "Content-Type": "application/json"}, blob)  # fmt: skip
            except (ConnectionError, asyncio.IncompleteReadError):
                self.t.status["abuse: 6 MiB bodies"][0] += 1  # cut off: fine, never a 5xx
            await conn.close()
            await asyncio.sleep(0.5)

    async def csrf_less(self, user: str, password: str) -> None:
        conn = Conn(self.port, "127.0.0.10")
        session = await self.session(conn, user, password)
        while time.monotonic() < self.until:
            await self.timed("abuse: no CSRF", conn, "POST", "/api/v1/keys",
                             {"Cookie": f"nkw_session={session}", "Content-Type": "application/json"},
                             b'{"role": "admin"}')  # fmt: skip
            await asyncio.sleep(0.1)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


async def drive(port: int, key: str, user: str, password: str, args: argparse.Namespace) -> Tally:
    tally = Tally()
    mix = Mix(port, key, time.monotonic() + args.seconds, tally)
    addr = [json.dumps({"address": a}).encode() for a in ADDRESSES]
    names = [json.dumps({"name": n}, ensure_ascii=False).encode() for n in NAMES]
    if args.address_rate:  # open loop at fixed rates
        tasks = [
            mix.screening_open("screen.address", "/api/v1/screen/address", addr,
                               args.address_rate, args.address * 8),
            mix.screening_open("screen.name", "/api/v1/screen/name", names,
                               args.names_rate, args.names * 8),
        ]  # fmt: skip
    else:  # closed loop: each client sends its next request when the last is answered
        tasks = [
            mix.screening("screen.address", "/api/v1/screen/address", addr)
            for _ in range(args.address)
        ]
        tasks += [
            mix.screening("screen.name", "/api/v1/screen/name", names) for _ in range(args.names)
        ]
    if not args.screening_only:
        tasks += [mix.exposure(), mix.trace_pages(user, password), mix.uploads(),
                  mix.password_guesser(), mix.key_guesser(), mix.oversized(),
                  mix.csrf_less(user, password)]  # fmt: skip
    await asyncio.gather(*tasks)
    return tally


def audit_entries(url: str, admin: str, action: str) -> list[int]:
    with httpx.stream("GET", url + "/api/v1/audit/export", params={"action": action},
                      headers={"Authorization": f"Bearer {admin}"}, timeout=300) as res:  # fmt: skip
        res.raise_for_status()
        return [json.loads(line)["id"] for line in res.iter_lines() if line.strip()]


def main() -> None:
    import uvloop

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=int, default=300)
    ap.add_argument("--address", type=int, default=6, help="address screening clients")
    ap.add_argument("--names", type=int, default=2, help="name screening clients")
    ap.add_argument("--owner-nice", type=int, default=None,
                    help="serve --owner-nice (default: the server's own default)")  # fmt: skip
    ap.add_argument(
        "--address-rate",
        type=float,
        default=0.0,
        help="open loop: address requests per second (Poisson; 0: closed loop)",
    )
    ap.add_argument("--names-rate", type=float, default=100.0,
                    help="open loop: name requests per second (with --address-rate)")  # fmt: skip
    ap.add_argument("--screening-only", action="store_true",
                    help="baseline: the screening clients alone, no other kind, no abusers")  # fmt: skip
    ap.add_argument("--out", type=Path, default=RESULTS, help="result JSON")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="nkwatch-mixed-") as d:
        tmp = Path(d)
        port = _port()
        extra = () if args.owner_nice is None else ("--owner-nice", str(args.owner_nice))
        proc, key, admin = start_server(tmp, port, extra)
        pids = [proc.pid, *wait_workers(tmp / "serve.log", 2)]
        url = f"http://127.0.0.1:{port}"
        try:
            text = (tmp / "serve.log").read_text()
            login = re.search(r"web login: user (\S+)\s+password (\S+)", text)
            assert login, text
            for _ in range(600):  # the name index is built at start-up
                if httpx.post(url + "/api/v1/screen/name", json={"name": "warm"}, timeout=60,
                              headers={"Authorization": f"Bearer {key}"}).status_code == 200:  # fmt: skip
                    break
            # exposure builds its index on first use (seconds): not part of the timed load
            httpx.post(url + "/api/v1/exposure", json={"address": ADDRESSES[0]}, timeout=600,
                       headers={"Authorization": f"Bearer {key}"}).raise_for_status()  # fmt: skip
            before = {
                a: set(audit_entries(url, admin, a))
                for a in ("screen.address", "screen.name", "exposure.address")
            }
            load0, cpu0, t0 = os.getloadavg()[0], cpu_seconds(pids), time.monotonic()
            split0, busy0, own0 = _split_cpu(pids), _machine_busy_s(), time.process_time()
            tally = uvloop.run(drive(port, key, login.group(1), login.group(2), args))
            wall, cpu = time.monotonic() - t0, cpu_seconds(pids) - cpu0
            split = {k: round(v - split0[k], 1) for k, v in _split_cpu(pids).items()}
            split["driver"] = round(time.process_time() - own0, 1)
            split["machine busy"] = round(_machine_busy_s() - busy0, 1)
            split["everything else"] = round(
                split["machine busy"] - cpu - split["driver"], 1
            )  # other jobs on the machine during the run
            load1 = os.getloadavg()[0]
            logged = {
                a: [i for i in audit_entries(url, admin, a) if i not in before[a]] for a in before
            }
        finally:
            log_text = (tmp / "serve.log").read_text()
            SERVER_LOG.write_text(log_text)  # what any 5xx was (not committed: may be large)
            proc.terminate()
            proc.wait(timeout=60)
    report(tally, logged, args, wall, cpu, (load0, load1), log_text, split)


def _split_cpu(pids: list[int]) -> dict[str, float]:
    """CPU-s of the owner (first pid) and of each worker."""
    names = ["owner"] + [f"worker {i}" for i in range(1, len(pids))]
    return {name: cpu_seconds([pid]) for name, pid in zip(names, pids, strict=True)}


def _machine_busy_s() -> float:
    """All cores' non-idle time from /proc/stat (user, nice, system, irq, softirq, steal)."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    busy = sum(fields[:3]) + sum(fields[5:8])
    return busy / os.sysconf("SC_CLK_TCK")


def _commit() -> str:
    import subprocess

    done = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True,
                          text=True, cwd=Path(__file__).resolve().parent)  # fmt: skip
    return done.stdout.strip()


def report(tally: Tally, logged: dict[str, list[int]], args: argparse.Namespace, wall: float,
           cpu: float, load: tuple[float, float], log_text: str,
           split: dict[str, float]) -> None:  # fmt: skip
    rows: dict[str, dict[str, Any]] = {}
    fivexx = 0
    for kind, lat in sorted(tally.latency.items()):
        statuses = tally.status[kind]
        fivexx += sum(n for s, n in statuses.items() if s >= 500)
        rows[kind] = {"requests": len(lat), "rps": round(len(lat) / wall, 1),
                      "p50_ms": round(pct(lat, 0.5), 2), "p99_ms": round(pct(lat, 0.99), 2),
                      "max_ms": round(max(lat), 1), "statuses": dict(sorted(statuses.items()))}  # fmt: skip
    audit: dict[str, dict[str, int]] = {}
    for kind, action in (("screen.address", "screen.address"), ("screen.name", "screen.name"),
                         ("exposure", "exposure.address")):  # fmt: skip
        answered, entries = tally.audit_ids.get(kind, []), logged.get(action, [])
        audit[kind] = {
            "answered": len(answered),
            "entries": len(entries),
            "distinct_entries": len(set(entries)),
        }
        if kind != "exposure":  # exposure answers carry no id: the counts must agree
            audit[kind]["answered_missing"] = len(set(answered) - set(entries))
            audit[kind]["entries_unanswered"] = len(set(entries) - set(answered))  # fmt: skip
    abuse_ok = all(
        s in (0, 401, 403, 413, 429)
        for k, c in tally.status.items()
        if k.startswith("abuse") and "(form)" not in k
        for s in c
    )
    print(
        f"{args.seconds} s mixed load, load average {load[0]:.1f} -> {load[1]:.1f}, server CPU {cpu:.0f} s"
    )
    print(f"CPU-s over the run: {split}")
    print(f"{'kind':<26}{'req':>9}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}  statuses")
    for kind, r in rows.items():
        print(
            f"{kind:<26}{r['requests']:>9}{r['rps']:>9}{r['p50_ms']:>9}{r['p99_ms']:>9}{r['max_ms']:>9}  {r['statuses']}"
        )
    print(f"upload jobs done/failed: {dict(tally.status['upload jobs'])}")
    print(
        f"5xx answers: {fivexx}; abusers only 4xx: {abuse_ok}; tracebacks in server log: {log_text.count('Traceback')}"
    )
    for kind, a in audit.items():
        print(f"audit {kind}: {a}")
    for kind, limit in TARGETS_MS.items():
        print(
            f"{kind} p99 {rows[kind]['p99_ms']} ms (target {limit:.0f}): {'met' if rows[kind]['p99_ms'] <= limit else 'NOT met'}"
        )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    clients = {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()}
    args.out.write_text(json.dumps({"seconds": args.seconds, "clients": clients, "rows": rows,
                                   "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
                                   "commit": _commit(),
                                   "audit": audit, "fivexx": fivexx, "abusers_only_4xx": abuse_ok,
                                   "server_cpu_s": round(cpu, 1), "cpu_s": split, "loadavg": load,
                                   "upload_jobs": {str(k): v for k, v in tally.status["upload jobs"].items()},
                                   "machine": {"cores": os.cpu_count(), "python": sys.version.split()[0]}},
                                  indent=2))  # fmt: skip


if __name__ == "__main__":
    main()
