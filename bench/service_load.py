"""Load test of ``nkwatch serve`` (production settings, 2 workers) on loopback with wrk.

Starts the real server on a fresh store (bundled lists imported at start-up), creates an
analyst key, then drives, one after the other:

- ``GET /health`` (no auth, no store work): the HTTP stack's ceiling on this machine, the
  side-by-side reference for the screening rows;
- ``POST /api/v1/screen/address``: format check + index lookup + audit-log append;
- ``POST /api/v1/screen/name``: cross-script name matching + audit-log append.

Each screening request rotates through real sanctioned and clear inputs. Afterwards the
audit log is checked to hold exactly one entry per screening answered. Targets (issue 7):
address >= 2,000 req/s with p99 <= 20 ms, name >= 300 req/s with p99 <= 50 ms, zero errors.

    .venv/bin/python -m bench.service_load              # 5-minute run (150 s + 150 s)
    .venv/bin/python -m bench.service_load --seconds 20  # quick look
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

RESULTS = Path(__file__).resolve().parent / "results" / "service_load.json"

ADDRESSES = [
    "0x098B716B8Aaf21512996dC57EB0615e2383E2f96",  # Lazarus Group (OFAC)
    "0xa0e1c89Ef1a489c9C7dE96311eD5Ce5D32c20E4B",
    "0x0000000000000000000000000000000000000001",
    "bc1qa5wkgaew2dkv56kfvj49j0av5nml45x9ek9hz6",
    "0x47666Fab8bd0Ac7003bce3f5C3585383F09486E2",  # Bybit exploiter
    "TAYhjpL8pPs8T84FSM329nffQpc6jD8GBM",  # OFAC-listed TRX
    "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa",
]
NAMES = [
    "김정은", "Kim Jong Un", "Lazarus Group", "Korea Kwangson Banking Corp", "Ada Lovelace",
    "Tian Yinyin", "조선광선은행", "Sim Hyon Sop", "Maria Gonzalez", "Chinpo Shipping Company",
]  # fmt: skip

# Bodies as Lua long strings (raw UTF-8); every answer but 200 is counted as an error
# (wrk itself does not count 3xx, and a broken script would silently send GET /).
LUA = """
local threads = {}
function setup(thread) table.insert(threads, thread) end
local bodies = {%s}
local i = 0
bad = 0
request = function()
  i = i + 1
  return wrk.format("POST", "%s", {["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer %s"}, bodies[(i %% #bodies) + 1])
end
response = function(status, headers, body)
  if status ~= 200 then bad = bad + 1 end
end
done = function(summary, latency, requests)
  local total = 0
  for _, t in ipairs(threads) do total = total + t:get("bad") end
  io.write(string.format("Non-200 answers: %%d\\n", total))
end
"""


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_workers(log: Path, n: int, timeout: float = 300) -> list[int]:
    """Worker pids, once all ``n`` have built their indexes and listen (else wrk's
    connections would all land on the first one up)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        pids = re.findall(r"worker \d+/\d+ ready \(pid (\d+)\)", log.read_text())
        if len(pids) >= n:
            return [int(p) for p in pids[:n]]
        time.sleep(0.2)
    raise SystemExit(f"workers not ready after {timeout} s:\n{log.read_text()[-2000:]}")


def cpu_seconds(pids: list[int]) -> float:
    """utime + stime of live processes, from /proc (the server is not our waited child)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / tick
    return total


def start_server(
    tmp: Path, port: int, extra: tuple[str, ...] = ()
) -> tuple[subprocess.Popen[bytes], str, str]:
    env = {**os.environ, "HOME": str(tmp), "NKWATCH_DB": str(tmp / "nk.duckdb")}
    log = (tmp / "serve.log").open("wb")
    cmd = [sys.executable, "-m", "nkwatch", "serve", "--port", str(port), "--workers", "2", *extra]
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit((tmp / "serve.log").read_text())
        try:
            if httpx.get(url + "/health", timeout=1).status_code == 200:
                break
        except httpx.TransportError:
            time.sleep(0.5)
    key = re.search(r"API key:\s+(nkw_\S+)", (tmp / "serve.log").read_text())
    assert key, "no admin key printed"
    made = httpx.post(
        url + "/api/v1/keys",
        json={"role": "analyst", "label": "bench"},
        headers={"Authorization": f"Bearer {key.group(1)}"},
    )
    made.raise_for_status()
    return proc, str(made.json()["key"]), key.group(1)


def _ms(text: str) -> float:
    value, unit = float(re.match(r"[\d.]+", text).group()), re.sub(r"[\d.]", "", text)  # type: ignore[union-attr]
    return value * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def parse_wrk(out: str) -> dict[str, Any]:
    pct = dict(re.findall(r"^\s+(50|75|90|99)%\s+(\S+)", out, re.M))
    worst = re.search(r"^\s+Latency\s+\S+\s+\S+\s+(\S+)", out, re.M)
    requests = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    non2xx = re.search(r"Non-200 answers: (\d+)", out) or re.search(
        r"Non-2xx or 3xx responses: (\d+)", out
    )
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return {
        "requests": requests,
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),  # type: ignore[union-attr]
        "p50_ms": _ms(pct["50"]),
        "p90_ms": _ms(pct["90"]),
        "p99_ms": _ms(pct["99"]),
        "max_ms": _ms(worst.group(1)) if worst else None,
        "errors": (int(non2xx.group(1)) if non2xx else 0)
        + (sum(int(x) for x in sock.groups()) if sock else 0),
    }


def run_wrk(
    url: str,
    seconds: int,
    conns: int,
    lua: Path | None,
    server: list[int],
    segments: Path | None = None,
) -> dict[str, Any]:
    """One wrk run; also the CPU seconds the server processes and wrk itself used."""
    cmd = ["wrk", "-t1", f"-c{conns}", f"-d{seconds}s", "--latency", "--timeout", "5s"]
    if lua is not None:
        cmd += ["-s", str(lua)]
    per0 = [cpu_seconds([pid]) for pid in server]
    server0, wrk0 = cpu_seconds(server), resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.monotonic()
    done = subprocess.run([*cmd, url], capture_output=True, text=True, check=True)
    wall = time.monotonic() - t0
    wrk1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    if lua is not None and "Non-200 answers" not in done.stdout:
        raise SystemExit(f"wrk script failed: {done.stderr or done.stdout}")
    row = parse_wrk(done.stdout)
    server_cpu = cpu_seconds(server) - server0
    wrk_cpu = (wrk1.ru_utime + wrk1.ru_stime) - (wrk0.ru_utime + wrk0.ru_stime)
    row.update(
        wall_s=round(wall, 1),
        server_cpu_s=round(server_cpu, 1),
        wrk_cpu_s=round(wrk_cpu, 1),
        wrk_cpu_share=round(wrk_cpu / (server_cpu + wrk_cpu), 3),
        server_cpu_ms_per_req=round(1000 * server_cpu / max(1, row["requests"]), 3),
        loadavg_1m=os.getloadavg()[0],
    )
    row["cpu_s_owner_then_workers"] = [
        round(cpu_seconds([pid]) - a, 1) for pid, a in zip(server, per0, strict=True)
    ]
    return row


def lua_script(tmp: Path, name: str, path: str, key: str, bodies: list[dict[str, str]]) -> Path:
    quoted = ", ".join(f"[==[{json.dumps(b, ensure_ascii=False)}]==]" for b in bodies)
    script = tmp / f"{name}.lua"
    script.write_text(LUA % (quoted, path, key), encoding="utf-8")
    return script


def p99_rounds(seconds: int, rounds: int) -> None:
    """Address screening at 8 and 16 connections against two servers started side by side,
    one per audit mode (``--audit-sync write``, the default, and ``sync``, answers after
    ``fdatasync``), in alternating rounds so both see the same machine load; medians of the
    rounds per mode and connection count, the audit count checked per server at the end."""
    import statistics

    modes = ("write", "sync")
    with tempfile.TemporaryDirectory(prefix="nkwatch-bench-") as d:
        servers: dict[str, dict[str, Any]] = {}
        try:
            for mode in modes:
                tmp = Path(d) / mode
                tmp.mkdir()
                port = _port()
                proc, key, admin = start_server(tmp, port, ("--audit-sync", mode))
                servers[mode] = {
                    "proc": proc, "url": f"http://127.0.0.1:{port}",
                    "pids": [proc.pid, *wait_workers(tmp / "serve.log", 2)],
                    "audit": {"Authorization": f"Bearer {admin}"},
                    "script": lua_script(tmp, "addr", "/api/v1/screen/address", key,
                                         [{"address": a} for a in ADDRESSES]),
                }  # fmt: skip
            for srv in servers.values():
                srv["before"] = _audit_total(srv)
            runs: dict[str, list[dict[str, Any]]] = {}
            for i in range(rounds):
                for conns in (8, 16):
                    for mode in modes if i % 2 == 0 else modes[::-1]:
                        srv = servers[mode]
                        row = run_wrk(srv["url"], seconds, conns, srv["script"], srv["pids"])
                        runs.setdefault(f"{mode} c={conns}", []).append(row)
                        print(f"round {i + 1} {mode} c={conns}: {row['rps']:.0f} req/s p50"
                              f" {row['p50_ms']} p99 {row['p99_ms']} ms errors {row['errors']}"
                              f" load {row['loadavg_1m']:.1f}", flush=True)  # fmt: skip
            audit = {}
            for mode, srv in servers.items():
                answered = sum(
                    r["requests"] for k, v in runs.items() if k.startswith(mode) for r in v
                )
                audit[mode] = {"logged": _audit_total(srv) - srv["before"], "answered": answered}
        finally:
            for srv in servers.values():
                srv["proc"].terminate()
                srv["proc"].wait(timeout=60)
    summary = {
        name: {k: statistics.median(r[k] for r in rows)
               for k in ("rps", "p50_ms", "p90_ms", "p99_ms", "max_ms", "errors", "loadavg_1m")}
        for name, rows in runs.items()
    }  # fmt: skip
    for name, m in summary.items():
        print(f"median of {rounds} x {seconds} s, {name}: {m}")
    print(f"audit entries vs answers (wrk counts): {audit}")
    out = RESULTS.with_name("service_p99.json")
    out.write_text(json.dumps({"seconds": seconds, "rounds": rounds, "median": summary,
                               "runs": runs, "audit": audit,
                               "machine": {"cores": os.cpu_count()}}, indent=2))  # fmt: skip


def _audit_total(srv: dict[str, Any]) -> int:
    got = httpx.get(srv["url"] + "/api/v1/audit", params={"limit": 1}, headers=srv["audit"])
    return int(got.json()["total"])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=int, default=150, help="per screening scenario")
    ap.add_argument("--address-connections", type=int, default=16, help="wrk connections")
    ap.add_argument("--name-connections", type=int, default=8, help="wrk connections")
    ap.add_argument(
        "--p99-rounds",
        type=int,
        default=0,
        help="instead: only address screening, this many rounds at 8 and at 16 connections"
        " (alternating), reporting the median of the rounds",
    )
    args = ap.parse_args()
    if args.p99_rounds:
        p99_rounds(args.seconds, args.p99_rounds)
        return
    with tempfile.TemporaryDirectory(prefix="nkwatch-bench-") as d:
        tmp = Path(d)
        port = _port()
        t0 = time.monotonic()
        proc, key, admin = start_server(tmp, port)
        server = [proc.pid, *wait_workers(tmp / "serve.log", 2)]
        startup_s = time.monotonic() - t0
        url = f"http://127.0.0.1:{port}"
        try:
            # the name index is built in the background at start-up; wait for it
            warm_until = time.monotonic() + 600
            while time.monotonic() < warm_until:  # 504 while the index is still building
                warm = httpx.post(url + "/api/v1/screen/name", json={"name": "warm"}, timeout=60,
                                  headers={"Authorization": f"Bearer {key}"})  # fmt: skip
                if warm.status_code == 200:
                    break
            before = httpx.get(url + "/api/v1/audit", params={"limit": 1},
                               headers={"Authorization": f"Bearer {admin}"}).json()["total"]  # fmt: skip
            rows = {
                "health (HTTP ceiling)": run_wrk(url + "/health", min(args.seconds, 20), 16, None, server),
                "address screening": run_wrk(
                    url, args.seconds, args.address_connections,
                    lua_script(tmp, "addr", "/api/v1/screen/address", key, [{"address": a} for a in ADDRESSES]),
                    server,
                ),
                "name screening": run_wrk(
                    url, args.seconds, args.name_connections,
                    lua_script(tmp, "name", "/api/v1/screen/name", key, [{"name": n} for n in NAMES]),
                    server,
                ),
            }  # fmt: skip
            after = httpx.get(url + "/api/v1/audit", params={"limit": 1},
                              headers={"Authorization": f"Bearer {admin}"}).json()["total"]  # fmt: skip
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    answered = rows["address screening"]["requests"] + rows["name screening"]["requests"]
    targets = {"address screening": (2000, 20.0), "name screening": (300, 50.0)}
    print(f"nkwatch serve --workers 2, start-up {startup_s:.0f} s (bundled lists imported)")
    print(
        f"{'scenario':<24}{'req/s':>10}{'p50 ms':>9}{'p90 ms':>9}{'p99 ms':>9}{'errors':>8}"
        f"{'srv CPU-s':>10}{'wrk CPU-s':>10}{'wrk %':>7}{'load':>6}  target"
    )
    for name, r in rows.items():
        t = targets.get(name)
        goal = f">= {t[0]} req/s, p99 <= {t[1]:.0f} ms" if t else "reference"
        print(f"{name:<24}{r['rps']:>10.0f}{r['p50_ms']:>9.2f}{r['p90_ms']:>9.2f}{r['p99_ms']:>9.2f}{r['errors']:>8}"
              f"{r['server_cpu_s']:>10.1f}{r['wrk_cpu_s']:>10.1f}{100 * r['wrk_cpu_share']:>6.0f}%{r['loadavg_1m']:>6.1f}  {goal}")  # fmt: skip
    print(f"audit entries written: {after - before} for ~{answered} screening answers")
    for name in ("address screening", "name screening"):
        print(f"{name}: CPU-s owner, then each worker {rows[name]['cpu_s_owner_then_workers']}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({
        "seconds_per_scenario": args.seconds, "connections": {
            "address": args.address_connections, "name": args.name_connections},
        "startup_s": round(startup_s, 1), "rows": rows,
        "audit_entries": after - before, "screening_requests": answered,
        "machine": {"cores": os.cpu_count(), "python": sys.version.split()[0]},
    }, indent=2))  # fmt: skip


if __name__ == "__main__":
    main()
