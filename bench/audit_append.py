"""The audit part of a screening answer's latency, per ``--audit-sync`` mode (issue #16).

A worker answers once ``SegmentWriter.append`` returns. This times exactly that call, with
8 and 16 concurrent "requests" in one event loop (as a worker under wrk's connections), for
both modes in alternating rounds so they see the same disk and machine load:

- ``write`` (default): the entry is written to the segment, synced every 20 ms in the
  background;
- ``sync``: the answer waits for the ``fdatasync`` of its group.

Each request also spends ``--work-us`` of CPU (the app's ~140 us per address answer).
Optionally a thread writes 4 MiB chunks with an ``fsync`` every 32 MiB beside it (a DuckDB
checkpoint's pattern). Run under ``flock /tmp/bench.lock`` and note the load average.

    python -m bench.audit_append [--seconds 10] [--rounds 3] [--heavy]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from bench.fsync_probe import _heavy

from nkwatch.service.segments import SegmentWriter

RESULTS = Path(__file__).resolve().parent / "results" / "audit_append.json"


async def _round(
    directory: Path, mode: str, conns: int, seconds: float, work_us: int
) -> dict[str, Any]:
    counter = iter(range(1, 1 << 40))

    async def reserve(n: int) -> list[int]:
        return [next(counter) for _ in range(n)]

    writer = SegmentWriter(directory, reserve, sync_before_answer=mode == "sync")
    lat: list[float] = []
    until = time.monotonic() + seconds

    async def client() -> None:
        while time.monotonic() < until:
            spin = time.perf_counter() + work_us / 1e6
            while time.perf_counter() < spin:  # the request's own CPU
                pass
            t0 = time.perf_counter()
            await writer.record(actor="key:bench", action="screen.address",
                                query={"address": "0x098B716B8Aaf21512996dC57EB0615e2383E2f96"},
                                result={"hit": True}, list_versions=["us_ofac_sdn@2025"])  # fmt: skip
            lat.append((time.perf_counter() - t0) * 1000)
            await asyncio.sleep(0)  # sending the answer: a real request yields here

    await asyncio.gather(*(client() for _ in range(conns)))
    await writer.close()
    lat.sort()

    def q(p: float) -> float:
        return round(lat[min(len(lat) - 1, int(p * len(lat)))], 3)

    return {"appends_per_s": round(len(lat) / seconds), "p50_ms": q(0.5), "p99_ms": q(0.99),
            "p999_ms": q(0.999), "max_ms": round(lat[-1], 1), "load": os.getloadavg()[0]}  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=10)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--work-us", type=int, default=150)
    ap.add_argument("--heavy", action="store_true", help="a checkpoint-like writer beside it")
    args = ap.parse_args()
    base = Path(tempfile.mkdtemp(prefix="nkw-audit-", dir=os.environ.get("NKW_BENCH_DIR", "/tmp")))
    stop = threading.Event()
    heavy = threading.Thread(target=_heavy, args=(str(base), stop), daemon=True)
    if args.heavy:
        heavy.start()
    print(f"load average at start: {os.getloadavg()}", flush=True)
    runs: dict[str, list[dict[str, Any]]] = {}
    try:
        for i in range(args.rounds):
            for conns in (8, 16):
                for mode in ("write", "sync") if i % 2 == 0 else ("sync", "write"):
                    seg = base / f"{mode}-{conns}-{i}"
                    row = asyncio.run(_round(seg, mode, conns, args.seconds, args.work_us))
                    runs.setdefault(f"{mode} c={conns}", []).append(row)
                    print(f"round {i + 1} {mode} c={conns}: {row}", flush=True)
    finally:
        stop.set()
        if args.heavy:
            heavy.join()
        shutil.rmtree(base, ignore_errors=True)
    summary = {
        k: {m: statistics.median(r[m] for r in rows) for m in rows[0]} for k, rows in runs.items()
    }
    for key, med in summary.items():
        print(f"median of {args.rounds}: {key}: {med}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({"args": vars(args), "median": summary, "runs": runs}, indent=2))


if __name__ == "__main__":
    main()
