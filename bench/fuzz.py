"""Coverage-guided fuzzing campaign (atheris / libFuzzer) over every parser family.

    nice -n 19 python bench/fuzz.py                       # every family, in sequence
    nice -n 19 python bench/fuzz.py --family intel --runs 1000000 --max-time 900
    python bench/fuzz.py --report --campaign 2026-12-06b   # figures from bench/results
    python bench/fuzz.py --speed --max-time 8              # exec per CPU second, no fuzzing
    python bench/fuzz.py --save-corpus                     # corpora -> fuzz-corpus.tar.gz

Each family runs in its own process (``--worker``): the harness of ``bench/fuzz_targets.py``
is instrumented (``atheris.instrument_imports`` over ``nkwatch``) and driven by libFuzzer
from the family's seeds, up to ``--runs`` executions or ``--max-time`` seconds. An input
that lets anything but a result or a one-line ``UserError`` escape is a crash: the worker
saves it (``bench/results/fuzz/crashes/<family>/``), names it by exception type and the
innermost ``nkwatch`` frame (the distinct-crash key), and keeps fuzzing instead of stopping
at the first one, so one campaign counts every distinct crash. Figures (executions, seconds,
executions/s, CPU seconds, corpus size, distinct crashes) go to ``bench/results/fuzz.json``
under a campaign label. A family whose working corpus (git-ignored) is missing starts from
the committed ``bench/results/fuzz-corpus.tar.gz``, so a campaign resumes on a fresh clone.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import random
import re
import resource
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
ARCHIVE = RESULTS / "fuzz-corpus.tar.gz"  # the corpora, committed: a fresh clone resumes


def crash_key(exc: BaseException) -> str:
    """Exception type + the innermost nkwatch frame: one key per distinct crash."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if "/nkwatch/" in f.filename]
    where = f"{frames[-1].filename.split('/nkwatch/')[-1]}:{frames[-1].lineno}" if frames else "?"
    return f"{type(exc).__name__} at {where}"


def worker(family_name: str, runs: int, max_time: int, seed: int, out: Path) -> None:
    import atheris

    sys.path.insert(0, str(ROOT))
    from bench.fuzz_targets import FAMILIES, Scratch, one_input, tmpfs

    family = FAMILIES[family_name]
    base = scratch_base(out, family_name, tmpfs())
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


def scratch_base(out: Path, family: str, tmp: Path | None) -> Path:
    """The worker's input files live in memory (tmpfs) when the machine has one: one
    folder per results folder and family, swept at the worker's start."""
    if tmp is None:
        return out / "scratch" / family
    tag = hashlib.sha1(str(out.resolve()).encode()).hexdigest()[:10]
    return tmp / f"nkwatch-fuzz-{os.getuid()}" / tag / family


# numba compiles these modules' functions from their bytecode: instrumented bytecode calls
# atheris, which nopython mode cannot type (their inputs are checked before they are called)
NUMBA = ["nkwatch.trace", "nkwatch.trace.kernel", "nkwatch.trace.kernel_lots", "nkwatch.trace.policies",
         "nkwatch.trace.deposits", "nkwatch.trace.lake.ids", "nkwatch.trace.lake.fastcols",
         "nkwatch.exposure.readoff", "nkwatch.exposure.sweep", "nkwatch.extras"]  # fmt: skip
_STAT = re.compile(r"stat::(\w+):\s+(\d+)")


def run_family(family: str, runs: int, max_time: int, seed: int) -> dict[str, Any]:
    WORK.mkdir(parents=True, exist_ok=True)
    corpus = WORK / "corpus" / family
    if not corpus.is_dir():
        restore(family)
    start_corpus = len(list(corpus.iterdir())) if corpus.exists() else 0  # > 0: a resumed run
    log = WORK / f"{family}.crashes.jsonl"
    before = log.read_text().count("\n") if log.exists() else 0
    start, cpu0 = time.monotonic(), _children_cpu()
    proc = subprocess.run(
        [sys.executable, __file__, "--worker", family, "--runs", str(runs),
         "--max-time", str(max_time), "--seed", str(seed)],
        capture_output=True, text=True, check=False, cwd=ROOT,
    )  # fmt: skip
    seconds, cpu = time.monotonic() - start, _children_cpu() - cpu0
    (WORK / f"{family}.libfuzzer.log").write_text(proc.stderr[-20000:])
    stats = {k: int(v) for k, v in _STAT.findall(proc.stderr)}
    found = [json.loads(x) for x in log.read_text().splitlines()] if log.exists() else []
    return {
        "family": family,
        "executions": stats.get("number_of_executed_units", 0),
        "seconds": round(seconds, 1),
        "exec_per_s": round(stats.get("number_of_executed_units", 0) / max(seconds, 1e-9)),
        "cpu_seconds": round(cpu, 1),
        "exec_per_cpu_s": round(stats.get("number_of_executed_units", 0) / max(cpu, 1e-9)),
        "start_corpus": start_corpus,
        "corpus": len(list(corpus.iterdir())) if corpus.exists() else 0,
        "peak_rss_mb": stats.get("peak_rss_mb", 0),
        "new_crashes": [c["key"] for c in found[before:]],
        "exit": proc.returncode,
        "load_avg": os.getloadavg(),
        "finished_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }


def restore(family: str) -> None:
    """The family's corpus from the committed archive, when the working copy has none."""
    import tarfile

    if not ARCHIVE.exists():
        return
    with tarfile.open(ARCHIVE) as tar:
        members = [
            m for m in tar.getmembers() if m.isfile() and m.name.startswith(f"corpus/{family}/")
        ]
        tar.extractall(WORK, members=members, filter="data")


def archive() -> None:
    """``--save-corpus``: every family's corpus into the committed archive."""
    import tarfile

    with tarfile.open(ARCHIVE, "w:gz") as tar:
        for path in sorted((WORK / "corpus").glob("*/*")):
            tar.add(path, arcname=str(path.relative_to(WORK)))
    print(f"{ARCHIVE}: {ARCHIVE.stat().st_size:,} bytes")


def _children_cpu() -> float:
    use = resource.getrusage(resource.RUSAGE_CHILDREN)
    return use.ru_utime + use.ru_stime


def measure(family_name: str, seconds: float, seed: int) -> dict[str, Any]:
    """Executions per CPU second of one family's harness, instrumented as in a campaign
    but without libFuzzer: its seeds, up to 400 inputs of its saved corpus and 200 seeded
    mutants of those (byte flips, cuts, repeats), looped for ``seconds``. CPU time is the
    figure that does not depend on the machine's load."""
    import atheris

    sys.path.insert(0, str(ROOT))
    from bench.fuzz_targets import FAMILIES, Scratch, one_input, tmpfs

    family = FAMILIES[family_name]
    rng = random.Random(seed)
    corpus = WORK / "corpus" / family_name  # a campaign's corpus, when there is one
    saved = sorted(corpus.iterdir())[:400] if corpus.is_dir() else []
    inputs = list(family.seeds) + [p.read_bytes() for p in saved]
    inputs += [_mutant(rng, rng.choice(inputs)) for _ in range(200)]
    base = scratch_base(WORK / "measure", family_name, tmpfs())  # where a worker's files go
    base.mkdir(parents=True, exist_ok=True)
    scratch = Scratch(base)
    outcomes = {"result": 0, "user_error": 0, "crash": 0}

    def one(data: bytes) -> None:
        try:
            outcomes["result" if one_input(family, data, scratch) else "user_error"] += 1
        except Exception:
            outcomes["crash"] += 1

    with atheris.instrument_imports(include=["nkwatch"], exclude=NUMBA):
        for data in inputs:  # imports and warms every module the inputs reach
            one(data)
    done, cpu0, wall0 = 0, time.process_time(), time.monotonic()
    while time.monotonic() - wall0 < seconds:
        for data in inputs:
            one(data)
        done += len(inputs)
    cpu, wall = time.process_time() - cpu0, time.monotonic() - wall0
    scratch.close()
    return {"family": family_name, "executions": done, "cpu_s": round(cpu, 2),
            "exec_per_cpu_s": round(done / cpu), "exec_per_wall_s": round(done / wall),
            "outcomes": outcomes, "load_avg": os.getloadavg()}  # fmt: skip


def _mutant(rng: random.Random, data: bytes) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 3)):
        op, at = rng.randrange(4), rng.randrange(len(out) + 1)
        if op == 0 and out:
            out[min(at, len(out) - 1)] = rng.randrange(256)
        elif op == 1:
            del out[at : at + rng.randint(1, 64)]
        elif op == 2:
            out[at:at] = bytes([rng.randrange(256)]) * rng.randint(1, 300)
        else:
            out[at:at] = data[rng.randrange(len(data) + 1) :][: rng.randint(1, 200)]
    return bytes(out)


def speed(families: list[str], seconds: float, seed: int) -> None:
    """``--speed``: one process per family (as a campaign's workers), one JSON line each."""
    for family in families:
        proc = subprocess.run(
            [sys.executable, __file__, "--measure", family, "--max-time", str(seconds),
             "--seed", str(seed)],
            capture_output=True, text=True, check=False, cwd=ROOT,
        )  # fmt: skip
        line = proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else proc.stderr[-500:]
        print(line, flush=True)


def save(result: dict[str, Any]) -> None:
    import fcntl

    with (RESULTS / ".fuzz.json.lock").open("a") as lock:  # two queues may finish at once
        fcntl.flock(lock, fcntl.LOCK_EX)
        doc = json.loads(SUMMARY.read_text()) if SUMMARY.exists() else {"runs": []}
        doc["runs"].append(result)
        SUMMARY.write_text(json.dumps(doc, indent=1) + "\n")


FIRST_CAMPAIGN = "2026-12-06a"  # the runs saved before campaigns were labelled


def report(campaign: str | None) -> None:
    """Totals per family (executions, wall and CPU seconds, rates, the last corpus size,
    distinct crashes, the load average at the end of the last run): of one campaign (its
    runs resume from the saved corpus), or of every run saved when ``campaign`` is None."""
    doc = json.loads(SUMMARY.read_text()) if SUMMARY.exists() else {"runs": []}
    total: dict[str, dict[str, Any]] = {}
    for r in doc["runs"]:
        if campaign is not None and r.get("campaign", FIRST_CAMPAIGN) != campaign:
            continue
        t = total.setdefault(r["family"], {"runs": 0, "executions": 0, "seconds": 0.0,
                                           "cpu": 0.0, "crashes": []})  # fmt: skip
        t["runs"] += 1
        t["executions"] += r["executions"]
        t["seconds"] += r["seconds"]
        t["cpu"] += r.get("cpu_seconds", 0.0)
        t["crashes"] += r["new_crashes"]
        t["corpus"], t["load"] = r["corpus"], r["load_avg"][0]
    print("| family | runs | executions | wall s | exec/s | CPU s | exec/CPU s | corpus "
          "| distinct crashes found | load avg at end |")  # fmt: skip
    print("|---|---:|---:|---:|---:|---:|---:|---:|---|---:|")
    for fam, t in sorted(total.items(), key=lambda kv: -kv[1]["executions"]):
        rate = t["executions"] / max(t["seconds"], 1e-9)
        per_cpu = f"{t['executions'] / t['cpu']:,.0f}" if t["cpu"] else "—"
        crashes = "; ".join(sorted(set(t["crashes"]))) or "0"
        print(f"| {fam} | {t['runs']} | {t['executions']:,} | {t['seconds']:,.0f} | {rate:,.0f} "
              f"| {t['cpu']:,.0f} | {per_cpu} | {t['corpus']} | {crashes} | {t['load']:.1f} |")  # fmt: skip


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
    ap.add_argument(
        "--campaign",
        default=time.strftime("%Y-%m-%d", time.gmtime()),
        help="label saved with each run; --report totals one campaign",
    )
    ap.add_argument(
        "--speed",
        action="store_true",
        help="executions per CPU second of each harness (no fuzzing, --max-time s each)",
    )
    ap.add_argument("--measure", help=argparse.SUPPRESS)
    ap.add_argument("--save-corpus", action="store_true",
                    help=f"write every family's corpus to {ARCHIVE.relative_to(ROOT)}")  # fmt: skip
    args = ap.parse_args()
    if args.save_corpus:
        archive()
        return
    if args.measure:
        print(json.dumps(measure(args.measure, args.max_time, args.seed)), flush=True)
        return
    if args.speed:
        speed(args.family or [f for f in FAMILIES if f != "all"], args.max_time, args.seed)
        return
    if args.worker:
        worker(args.worker, args.runs, args.max_time, args.seed, args.out)
        return
    if args.report:
        report(args.campaign)
        return
    for family in args.family or [f for f in FAMILIES if f != "all"]:
        result = {
            "campaign": args.campaign,
            **run_family(family, args.runs, args.max_time, args.seed),
        }
        save(result)
        print(json.dumps(result), flush=True)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
