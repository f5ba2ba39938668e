"""Coverage-guided fuzzing campaign (atheris / libFuzzer) over every parser family.

    nice -n 19 python bench/fuzz.py                       # every family, in sequence
    nice -n 19 python bench/fuzz.py --family intel --runs 1000000 --max-time 900
    python bench/fuzz.py --report                          # figures from bench/results

Each family runs in its own process (``--worker``): the harness of ``bench/fuzz_targets.py``
is instrumented (``atheris.instrument_imports`` over ``nkwatch``) and driven by libFuzzer
from the family's seeds, up to ``--runs`` executions or ``--max-time`` seconds. An input
that lets anything but a result or a one-line ``UserError`` escape is a crash: the worker
saves it (``bench/results/fuzz/crashes/<family>/``), names it by exception type and the
innermost ``nkwatch`` frame (the distinct-crash key), and keeps fuzzing instead of stopping
at the first one, so one campaign counts every distinct crash. Figures (executions, seconds,
executions/s, corpus size, distinct crashes) go to ``bench/results/fuzz.json``.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
import traceback
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
WORK = RESULTS / "fuzz"
SUMMARY = RESULTS / "fuzz.json"


def crash_key(exc: BaseException) -> str:
    """Exception type + the innermost nkwatch frame: one key per distinct crash."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if "/nkwatch/" in f.filename]
    where = f"{frames[-1].filename.split('/nkwatch/')[-1]}:{frames[-1].lineno}" if frames else "?"
    return f"{type(exc).__name__} at {where}"


def worker(family_name: str, runs: int, max_time: int, seed: int, out: Path) -> None:
    import atheris

    sys.path.insert(0, str(ROOT))
    from bench.fuzz_targets import FAMILIES, Scratch, one_input

    family = FAMILIES[family_name]
    base = out / "scratch" / family_name
    shutil.rmtree(base, ignore_errors=True)  # what an earlier run's exit() left
    base.mkdir(parents=True)
    scratch = Scratch(base)
    crashes = out / "crashes" / family_name
    crashes.mkdir(parents=True, exist_ok=True)
    log = out / f"{family_name}.crashes.jsonl"
    seen: set[str] = set()
    with atheris.instrument_imports(include=["nkwatch"], exclude=NUMBA):
        for s in family.seeds:  # imports every module the family touches, instrumented
            with contextlib.suppress(Exception):  # a crashing seed is found again by the fuzzer
                one_input(family, s, scratch)
    count = [0]

    def test_one_input(data: bytes) -> None:
        count[0] += 1
        try:
            one_input(family, data, scratch)
        except RecursionError as exc:  # as for any other escape: recorded, then go on
            record(exc, data)
        except Exception as exc:
            record(exc, data)

    def record(exc: BaseException, data: bytes) -> None:
        key = crash_key(exc)
        if key in seen:
            return
        seen.add(key)
        name = hashlib.sha1(data).hexdigest()[:16]
        (crashes / name).write_bytes(data)
        line = {"family": family_name, "key": key, "input": name,
                "message": str(exc)[:300], "at_execution": count[0]}  # fmt: skip
        with log.open("a") as fh:
            fh.write(json.dumps(line) + "\n")

    corpus = out / "corpus" / family_name
    corpus.mkdir(parents=True, exist_ok=True)
    for i, s in enumerate(family.seeds):
        (corpus / f"seed-{i}").write_bytes(s)
    argv = [sys.argv[0], str(corpus), f"-runs={runs}", f"-max_total_time={max_time}",
            f"-seed={seed}", "-max_len=8192", "-timeout=20", "-rss_limit_mb=1536",
            "-print_final_stats=1", "-close_fd_mask=1"]  # fmt: skip
    atheris.Setup(argv, test_one_input)
    try:
        atheris.Fuzz()
    finally:
        scratch.close()


# numba compiles these modules' functions from their bytecode: instrumented bytecode calls
# atheris, which nopython mode cannot type (their inputs are checked before they are called)
NUMBA = ["nkwatch.trace", "nkwatch.trace.kernel", "nkwatch.trace.kernel_lots", "nkwatch.trace.policies",
         "nkwatch.trace.deposits", "nkwatch.trace.lake.ids", "nkwatch.trace.lake.fastcols",
         "nkwatch.exposure.readoff", "nkwatch.exposure.sweep", "nkwatch.extras"]  # fmt: skip
_STAT = re.compile(r"stat::(\w+):\s+(\d+)")


def run_family(family: str, runs: int, max_time: int, seed: int) -> dict[str, Any]:
    WORK.mkdir(parents=True, exist_ok=True)
    log = WORK / f"{family}.crashes.jsonl"
    before = log.read_text().count("\n") if log.exists() else 0
    start = time.monotonic()
    proc = subprocess.run(
        [sys.executable, __file__, "--worker", family, "--runs", str(runs),
         "--max-time", str(max_time), "--seed", str(seed)],
        capture_output=True, text=True, check=False, cwd=ROOT,
    )  # fmt: skip
    seconds = time.monotonic() - start
    (WORK / f"{family}.libfuzzer.log").write_text(proc.stderr[-20000:])
    stats = {k: int(v) for k, v in _STAT.findall(proc.stderr)}
    found = [json.loads(x) for x in log.read_text().splitlines()] if log.exists() else []
    corpus = WORK / "corpus" / family
    return {
        "family": family,
        "executions": stats.get("number_of_executed_units", 0),
        "seconds": round(seconds, 1),
        "exec_per_s": round(stats.get("number_of_executed_units", 0) / max(seconds, 1e-9)),
        "corpus": len(list(corpus.iterdir())) if corpus.exists() else 0,
        "peak_rss_mb": stats.get("peak_rss_mb", 0),
        "new_crashes": [c["key"] for c in found[before:]],
        "exit": proc.returncode,
        "load_avg": os.getloadavg(),
        "finished_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }


def save(result: dict[str, Any]) -> None:
    doc = json.loads(SUMMARY.read_text()) if SUMMARY.exists() else {"runs": []}
    doc["runs"].append(result)
    SUMMARY.write_text(json.dumps(doc, indent=1) + "\n")


def report() -> None:
    doc = json.loads(SUMMARY.read_text()) if SUMMARY.exists() else {"runs": []}
    total: dict[str, dict[str, Any]] = {}
    for r in doc["runs"]:
        t = total.setdefault(r["family"], {"executions": 0, "seconds": 0.0, "crashes": []})
        t["executions"] += r["executions"]
        t["seconds"] += r["seconds"]
        t["crashes"] += r["new_crashes"]
    print("| family | executions | CPU-nice seconds | exec/s | distinct crashes found |")
    print("|---|---:|---:|---:|---:|")
    for fam, t in total.items():
        rate = t["executions"] / max(t["seconds"], 1e-9)
        print(
            f"| {fam} | {t['executions']:,} | {t['seconds']:,.0f} | {rate:,.0f} | {len(set(t['crashes']))} |"
        )


def main() -> None:
    from bench.fuzz_targets import FAMILIES

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--family", action="append", choices=sorted(FAMILIES))
    ap.add_argument("--runs", type=int, default=1_000_000)
    ap.add_argument("--max-time", type=int, default=900, help="seconds per family")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--out", type=Path, default=WORK, help=argparse.SUPPRESS)
    ap.add_argument("--report", action="store_true")
    args = ap.parse_args()
    if args.worker:
        worker(args.worker, args.runs, args.max_time, args.seed, args.out)
        return
    if args.report:
        report()
        return
    for family in args.family or [f for f in FAMILIES if f != "all"]:
        result = run_family(family, args.runs, args.max_time, args.seed)
        save(result)
        print(json.dumps(result), flush=True)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
