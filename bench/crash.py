"""Crash-consistency sweep: SIGKILL each import kind at many points, check the store.

    nice -n 19 python bench/crash.py                  # 50 points per kind (+ the audit segments)
    python bench/crash.py --kind lists --points 8
    nice -n 19 python bench/crash.py --kind intel --skip 25 &   # a second process, same sweep
    python bench/crash.py --merge --kind intel                  # join the point files

Per kind (sanctions lists, intel, transfers into the store and into the lake, applicants): a
store (and lake) holding a previous version is copied for every point; the import of a new
version runs in a fresh process armed with ``NKWATCH_CRASH_AT`` (``bench/crashkit.py``) and
dies by SIGKILL at that point; then the store must open and hold exactly the previous state
or exactly the new one (never a mix), a read command must still answer, and a re-run of the
import must succeed and leave exactly the new state. Each point is a line of
``bench/results/crash-KIND.jsonl`` as it ends; the kind's figures go to ``crash-KIND.json``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import re
import shutil
import sys
import tempfile
import time
from collections import Counter
from dataclasses import asdict
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.crashkit import Kind, Outcome, Sweep
from bench.listxml import ListParty, generated_parties, ofac_advanced

ROOT = Path(__file__).resolve().parent.parent
A = "0x098b716b8aaf21512996dc57eb0615e2383e2f96"


def _un(folder: Path) -> None:
    """The bundled UN publication cut to 150 individuals and 40 entities (the DPRK ones
    first), and the next publication; an OFAC publication of 150 parties and its next issue."""
    src = ROOT / "src/nkwatch/data/sanctions/un_consolidated_2026-02-27.xml.gz"
    full = gzip.decompress(src.read_bytes()).decode("utf-8")
    head = full[: full.index("<INDIVIDUALS>")]
    kept = []
    for tag, n in (("INDIVIDUAL", 150), ("ENTITY", 40)):
        found = re.findall(rf"<{tag}>.*?</{tag}>", full, flags=re.S)
        found.sort(key=lambda b: "<UN_LIST_TYPE>DPRK" not in b)  # stable: DPRK first
        kept.append("".join(found[:n]))
    text = f"{head}<INDIVIDUALS>{kept[0]}</INDIVIDUALS><ENTITIES>{kept[1]}</ENTITIES></CONSOLIDATED_LIST>\n"
    (folder / "un_v1.xml").write_text(text, "utf-8")
    # the next publication: a later date and one designation fewer
    v2 = re.sub(r'dateGenerated="[^"]*"', 'dateGenerated="2026-03-06T00:00:00.000Z"', text, count=1)
    v2 = re.sub(r"<INDIVIDUAL>.*?</INDIVIDUAL>", "", v2, count=1, flags=re.S)
    (folder / "un_v2.xml").write_text(v2, "utf-8")
    # and an OFAC publication beside it (both lists in one import, one transaction): the next
    # issue drops 5 parties, renames 10 and adds 20
    v1 = generated_parties(1000, 150)
    (folder / "ofac_v1.xml").write_text(ofac_advanced(v1, date(2026, 2, 20)), "utf-8")
    later = [ListParty(p.ref, p.name + " JR", p.aliases, p.remarks, p.programs, p.address, p.person)
             if p.ref % 15 == 0 else p for p in v1[5:]]  # fmt: skip
    v2p = later + generated_parties(2000, 20)
    (folder / "ofac_v2.xml").write_text(ofac_advanced(v2p, date(2026, 3, 5)), "utf-8")


def _intel(folder: Path) -> None:
    """40 new incidents with an address each, and corrections of the bundled dataset: 25
    address sources (each correction deletes the row it replaces), 8 incidents' notes and 6
    statistics; one YAML bundle, one transaction."""
    import csv

    import yaml

    data = ROOT / "src/nkwatch/data/intel"
    with (data / "incidents.csv").open(encoding="utf-8") as fh:
        incidents = [
            dict(r, notes=f"corrected by the crash sweep {n}")
            for n, r in enumerate(csv.DictReader(fh))
            if n < 8
        ]
    with (data / "incident_addresses.csv").open(encoding="utf-8") as fh:
        addresses = [
            dict(r, source=f"re-checked {n}; https://example.org/a{n}")
            for n, r in enumerate(csv.DictReader(fh))
            if n < 25
        ]
    with (data / "reported_statistics.csv").open(encoding="utf-8") as fh:
        stats = [dict(r, notes=f"corrected {n}") for n, r in enumerate(csv.DictReader(fh)) if n < 6]
    fixes = {"incidents": incidents, "addresses": addresses, "statistics": stats}
    rows = ["incidents:"]
    addrs = ["addresses:"]
    for i in range(40):
        rows += [f"  - incident_id: 2026-01-{i % 28 + 1:02d}-crash{i}", f"    theft_date: 2026-01-{i % 28 + 1:02d}",
                 f"    victim: Victim {i}", "    victim_type: defi_protocol", "    confidence: suspected",
                 f"    sources: https://example.org/{i}"]  # fmt: skip
        addrs += [f"  - incident_id: 2026-01-{i % 28 + 1:02d}-crash{i}", "    chain: ETH", "    role: laundering_hop",
                  f"    address: '0x{i + 1:040x}'", f"    source: https://example.org/{i}"]  # fmt: skip
    new = yaml.safe_load("\n".join(rows + addrs) + "\n")
    both = {k: new.get(k, []) + v for k, v in fixes.items()}
    (folder / "incidents.yaml").write_text(yaml.safe_dump(both, allow_unicode=True), "utf-8")


def _etl(first: int, n: int, spread: int = 0) -> str:
    """ethereum-etl transactions; ``spread`` blocks apart per row (0: ten per block)."""
    out = ["hash,nonce,transaction_index,from_address,to_address,value,gas,gas_price,input,"
           "block_timestamp,block_number,block_hash,receipt_status"]  # fmt: skip
    for i in range(first, first + n):
        block = 100 + i * spread if spread else 100 + i // 10
        out.append(f"0x{i:064x},{i},0,0x{i % 97 + 1:040x},0x{i % 89 + 200:040x},{10**18 + i},"
                   f"21000,1,0x,{1_700_000_000 + block * 12},{block},0x{block + 7:064x},1")  # fmt: skip
    return "\n".join(out) + "\n"


def _lake(folder: Path) -> None:
    """Two files of the next import span 8 block ranges (8 partitions per file kind), 3 of
    them over ranges the previous import wrote (those partitions are replaced)."""
    (folder / "v1").mkdir()
    (folder / "v1" / "transactions.csv").write_text(_etl(0, 3000, 100))
    (folder / "v2").mkdir()
    (folder / "v2" / "transactions.csv").write_text(_etl(3000, 8000, 100))
    tokens = ["token_address,from_address,to_address,value,transaction_hash,log_index,"
              "block_number,block_timestamp"]  # fmt: skip
    for i in range(3000, 11000, 4):
        block = 100 + i * 100
        tokens.append(f"0x{9:040x},0x{i % 97 + 1:040x},0x{i % 89 + 200:040x},{10**30 + i},"
                      f"0x{i:064x},0,{block},{1_700_000_000 + block * 12}")  # fmt: skip
    (folder / "v2" / "token_transfers.csv").write_text("\n".join(tokens) + "\n")


def _transfers(folder: Path) -> None:
    (folder / "v1").mkdir()
    (folder / "v1" / "transactions.csv").write_text(_etl(0, 500))
    (folder / "v2").mkdir()
    (folder / "v2" / "transactions.csv").write_text(_etl(500, 5000))


def _applicants(folder: Path) -> None:
    """120 records over 30; the next batch has 12 bad records (their errors are stored too)
    and shared wallets/phones (clusters)."""
    head = "id,full_name,email,phone,country,applied_at,wallets,ip\n"
    for name, first, n in (("a1.csv", 0, 30), ("a2.csv", 30, 120)):
        rows = [f"p{i},Person {i} Kim,p{i}@example.org,+1 415 555 {i % 40:04d},US,2025-03-01,"
                f"0x{i % 50 + 1:040x},203.0.113.{i % 250}" for i in range(first, first + n)]  # fmt: skip
        if first:
            rows += [f"bad{i},,not-an-email,,ZZ,2025-13-45,0xdeadbeef,999.1.1.1" for i in range(12)]
        (folder / name).write_text(head + "\n".join(rows) + "\n")


def kinds() -> dict[str, Kind]:
    db = ["--db", "{db}"]
    hiring = ["--no-sanctions", "--no-splink"]
    lake = ["--engine", "local", "--lake", "{dir}/lake"]
    return {
        "lists": Kind(
            "lists",
            _un,
            [["lists", "import", *db, "{dir}/un_v1.xml", "{dir}/ofac_v1.xml"]],
            ["lists", "import", *db, "{dir}/un_v2.xml", "{dir}/ofac_v2.xml"],
            ["screen", "name", *db, "KIM IL SUNG"],
        ),  # fmt: skip
        "intel": Kind(
            "intel",
            _intel,
            [["intel", "load-bundled", *db]],
            ["intel", "import", *db, "--by", "crash", "{dir}/incidents.yaml"],
            ["intel", "stats", *db],
        ),  # fmt: skip
        "transfers": Kind(
            "transfers",
            _transfers,
            [["trace", "import", *db, "ethereum-etl", "{dir}/v1/transactions.csv"]],
            ["trace", "import", *db, "ethereum-etl", "{dir}/v2/transactions.csv"],
            [
                "trace",
                "run",
                *db,
                "--chain",
                "ethereum",
                "--seed",
                f"0x{1:040x}",
                "-o",
                "{dir}/t.json",
            ],
        ),  # fmt: skip
        "lake": Kind(
            "lake",
            _lake,
            [["trace", "import", *db, *lake, "ethereum-etl", "{dir}/v1/transactions.csv"]],
            [
                "trace",
                "import",
                *db,
                *lake,
                "ethereum-etl",
                "{dir}/v2/transactions.csv",
                "{dir}/v2/token_transfers.csv",
            ],
            ["lake", "show", *db, "--lake", "{dir}/lake"],
            lake=True,
        ),  # fmt: skip
        "applicants": Kind(
            "applicants",
            _applicants,
            [["hiring", "screen", *db, *hiring, "-o", "{dir}/r1.txt", "{dir}/a1.csv"]],
            ["hiring", "screen", *db, *hiring, "-o", "{dir}/r2.txt", "{dir}/a2.csv"],
        ),  # fmt: skip
    }


def sweep(
    kind: Kind, points: int, work: Path, progress: Path | None = None, skip: int = 0,
    window: float | None = None,
) -> tuple[Sweep, list[Outcome]]:  # fmt: skip
    """Kill ``kind`` at ``points`` points; ``skip`` starts that far into the (shuffled) list,
    so a second process can work on the same sweep from elsewhere (``--merge`` joins them)."""
    from bench.crashkit import DERIVED, digest

    s = Sweep(kind, work)
    s.base()
    s.count(timed=False)  # timed kills are placed from the traced run's write span
    if progress is not None:
        meta = {"kind": kind.name, "new": " ".join(kind.new), "write_sites": len(s.sites),
                "write_span_s": round(s.window, 2), "digest_previous": digest(s.before, DERIVED),
                "digest_new": digest(s.after, DERIVED)}  # fmt: skip
        progress.with_name(f"crash-{kind.name}.meta.json").write_text(
            json.dumps(meta, indent=1) + "\n"
        )
    out = []
    if window is not None:  # only timed kills, spread over the first ``window`` s of writes
        s.window = window
        spread = [p for p in s.points(2 * len(s.sites) + points) if p.startswith("t")]
    else:
        spread = s.points(points)
    random.Random(16).shuffle(spread)  # any prefix of a cut-short sweep covers the whole run
    for p in spread[skip:] + spread[:skip]:
        out.append(s.kill_at(p))
        if progress is not None:  # one line per point, so a cut-short sweep still counts
            with progress.open("a") as fh:
                fh.write(json.dumps(asdict(out[-1])) + "\n")
    return s, out


def audit_sweep(points: int, work: Path) -> tuple[int, list[dict[str, object]]]:
    """The service's audit segments: a worker+owner process killed at ``points`` of its
    writes (every other one also has the next start's ingest killed once), then recovered."""
    from bench.crashkit import audit_state, run_audit

    first = work / "count"
    first.mkdir()
    assert run_audit(first, "count").returncode == 0
    sites = json.loads((first / "sites.json").read_text())
    every = [f"{i}{s}" for i in range(1, len(sites) + 1) for s in ("", "+")]
    rng = random.Random(16)
    out = []
    for n, point in enumerate(
        sorted(rng.sample(every, min(points, len(every))), key=lambda p: int(p.rstrip("+")))
    ):
        folder = work / f"p{n}"
        folder.mkdir()
        killed = run_audit(folder, point).returncode
        recover = None
        if n % 2:
            recover = str(rng.randint(1, 12))
            run_audit(folder, recover, recover=True)
        problems = audit_state(folder / "store.duckdb", folder / "segments", folder / "answered")
        out.append({"point": point, "site": sites[int(point.rstrip("+")) - 1], "killed": killed == -9,
                    "recovery_killed_at": recover, "problems": problems})  # fmt: skip
        with (ROOT / "bench" / "results" / "crash-audit.jsonl").open("a") as fh:
            fh.write(json.dumps(out[-1]) + "\n")
        shutil.rmtree(folder)
    return len(sites), out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kind", action="append", choices=[*sorted(kinds()), "audit"])
    ap.add_argument("--points", type=int, default=50)
    ap.add_argument("--skip", type=int, default=0, help="start this far into the point list")
    ap.add_argument("--merge", action="store_true", help="only join the kinds' point files")
    ap.add_argument("--timed-window", type=float, default=None,
                    help="only timed kills, spread over this many seconds after the first write")  # fmt: skip
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results",
                    help="folder: crash-KIND.json (the kind's row) and crash-KIND.jsonl (each point)")  # fmt: skip
    args = ap.parse_args()
    for name in args.kind or [*kinds(), "audit"]:
        start = time.monotonic()
        if args.merge:
            _write_row(args.out / f"crash-{name}.json", start, merge(args.out, name))
            continue
        work = Path(tempfile.mkdtemp(prefix=f"nkcrash-{name}-"))
        if name == "audit":
            try:
                sites, found = audit_sweep(args.points, work)
            finally:
                shutil.rmtree(work, ignore_errors=True)
            row = {"kind": "audit", "write_sites": sites, "points": len(found),
                   "killed": sum(bool(f["killed"]) for f in found),
                   "recoveries_killed": sum(f["recovery_killed_at"] is not None for f in found),
                   "bad": [f for f in found if f["problems"]],
                   "seconds": round(time.monotonic() - start, 1), "load_avg": os.getloadavg()}  # fmt: skip
            _write_row(args.out / "crash-audit.json", start, row)
            continue
        progress = args.out / f"crash-{name}{f'.from{args.skip}' if args.skip else ''}.jsonl"
        progress.write_text("")
        try:
            sweep(kinds()[name], args.points, work, progress, args.skip, args.timed_window)
        finally:
            shutil.rmtree(work, ignore_errors=True)
        if not args.skip:
            _write_row(args.out / f"crash-{name}.json", start, merge(args.out, name))


def merge(folder: Path, name: str) -> dict[str, object]:
    """A kind's figures from its point files (one per process; a point once): points that
    killed the import (sited / timed), what each left."""
    meta = json.loads((folder / f"crash-{name}.meta.json").read_text())
    seen: dict[str, Outcome] = {}
    for part in sorted(folder.glob(f"crash-{name}*.jsonl")):
        for line in part.read_text().splitlines():
            o = Outcome(**json.loads(line))
            seen.setdefault(o.point, o)
    outcomes = list(seen.values())
    (folder / f"crash-{name}.jsonl").write_text(
        "".join(json.dumps(asdict(o)) + "\n" for o in outcomes)
    )
    for part in folder.glob(f"crash-{name}.from*"):
        part.unlink()
    killed = [o for o in outcomes if o.state != "not reached"]
    states = Counter(o.state.split(":")[0] for o in killed)
    return {
        **meta,
        "points": len(killed), "sited_points": sum(not o.point.startswith("t") for o in killed),
        "timed_points": sum(o.point.startswith("t") for o in killed),
        "timed_not_reached": len(outcomes) - len(killed), "distinct_sites_hit": len({o.site for o in killed if not o.point.startswith("t")}),
        "states": dict(states), "corrupt": states.get("corrupt", 0),
        "lost_previous": sum(o.state not in ("previous", "new") for o in killed),
        "rerun_failed": sum(not o.rerun_ok for o in killed),
        "bad": [asdict(o) for o in killed if o.state.startswith("corrupt") or not o.rerun_ok],
    }  # fmt: skip


def _write_row(path: Path, start: float, row: dict[str, object]) -> None:
    row = {**row, "seconds": round(time.monotonic() - start, 1), "load_avg": [round(x, 1) for x in os.getloadavg()],
           "at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}  # fmt: skip
    print(json.dumps(row), flush=True)
    path.write_text(json.dumps(row, indent=1) + "\n")


if __name__ == "__main__":
    main()
