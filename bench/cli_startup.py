"""CLI start-up: ``nkwatch --help``, a cold ``screen name`` and ``screen file`` of 2,000 names.

Targets (issue #17 item 4), each command a fresh process of the installed ``nkwatch`` script
(start-up included), on the full OFAC 2025-11-19 + UN 2026-02-27 lists:

* ``nkwatch --help`` <= 0.3 s;
* a cold ``nkwatch screen name`` <= 1 s (the persisted name index is read, not rebuilt);
* ``nkwatch screen file`` of 2,000 names >= 600 names/s counting start-up.

Peer in the same run: the same ``screen name`` with the index file moved away, i.e. the
lookup builds the index itself as every lookup did before it was persisted. Medians of
``--rounds`` rounds; the load average is recorded before and after (the machine is shared).
Run: ``.venv/bin/python -m bench.cli_startup [--db STORE] [--rounds 5]`` (without ``--db``
the bundled lists are imported into a temporary store first, which is timed too).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.names_common import perturb

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared" / "data" / "sanctions"
LISTS = (
    SHARED / "ofac_sdn_advanced_2025-11-19.xml.bz2",
    SHARED / "un_consolidated_2026-02-27.xml.gz",
)
RESULTS = REPO / "bench" / "results" / "cli_startup.json"
NAMES = {  # one cold lookup per script the lists use most
    "Latin person": "Kim Jong Un",
    "Latin organisation, typo": "Korea Minng Development Trading",
    "Cyrillic": "Сергей Лавров",
    "Hangul": "김여정",
    "Han (reads the Han readings file, loads OpenCC)": "金與正",
}


def nkwatch() -> str:
    script = Path(sys.executable).parent / "nkwatch"
    return str(script) if script.exists() else shutil.which("nkwatch") or "nkwatch"


def timed(args: list[str], ok: tuple[int, ...] = (0, 3)) -> dict[str, float]:
    """Wall and CPU seconds of one fresh ``nkwatch`` process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.run([nkwatch(), *args], capture_output=True, text=True, check=False)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode not in ok:
        raise SystemExit(f"nkwatch {' '.join(args)} failed ({proc.returncode}): {proc.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"wall": wall, "cpu": cpu}


def rounds(args: list[str], n: int) -> dict[str, Any]:
    runs = [timed(args) for _ in range(n)]
    walls = [r["wall"] for r in runs]
    return {
        "wall_median": round(statistics.median(walls), 3),
        "wall_range": [round(min(walls), 3), round(max(walls), 3)],
        "cpu_median": round(statistics.median(r["cpu"] for r in runs), 3),
        "rounds": n,
    }


def prepare_store(db: Path | None, work: Path) -> tuple[Path, dict[str, Any] | None]:
    if db is not None:
        return db, None
    db = work / "bench.duckdb"
    imported = timed(["lists", "import", "--db", str(db), *map(str, LISTS)], ok=(0,))
    return db, {k: round(v, 2) for k, v in imported.items()}


def batch_names(db: Path, n: int = 2000, seed: int = 17) -> list[str]:
    """Listed names as a customer types them (typos, case, order), names in other scripts as
    published, and made-up names that should not hit, in a fixed mix."""
    import duckdb

    with duckdb.connect(str(db), read_only=True) as conn:
        rows = conn.execute(
            "SELECT name, script FROM sanctions_name WHERE version_id IN"
            " (SELECT version_id FROM sanctions_list_version WHERE active) ORDER BY ALL"
        ).fetchall()
    rng = random.Random(seed)
    latin = [r[0] for r in rows if r[1] == "Latn"]
    other = [r[0] for r in rows if r[1] != "Latn"]
    names = [perturb(rng.choice(latin), rng) for _ in range(n * 6 // 10)]
    names += rng.sample(other, n * 2 // 10)
    names += _made_up(n - len(names), seed)
    rng.shuffle(names)
    return names


def _made_up(n: int, seed: int) -> list[str]:
    from faker import Faker

    out: list[str] = []
    for locale in ("en_US", "ko_KR", "zh_CN", "ru_RU"):
        fake = Faker(locale)
        fake.seed_instance(seed)
        out += [fake.name() for _ in range(n // 4 + 1)]
    return out[:n]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", type=Path, default=None, help="store with the full lists imported")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--batch-rounds", type=int, default=3)
    ap.add_argument("--out", type=Path, default=RESULTS, help=f"results file (default {RESULTS})")
    args = ap.parse_args()
    load_before = os.getloadavg()
    work = Path(tempfile.mkdtemp(prefix="nkw-bench-"))
    try:
        db, imported = prepare_store(args.db, work)
        out: dict[str, Any] = {
            "date": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": f"{os.cpu_count()} cores, {platform.platform()}, Python {platform.python_version()}",
            "lists_import_with_index_write": imported,
        }
        timed(["screen", "name", "--db", str(db), "warm up the OS file cache"])
        out["help"] = rounds(["--help"], args.rounds)
        print("nkwatch --help:", out["help"], flush=True)
        out["screen_name"] = {}
        for label, text in NAMES.items():
            row = rounds(["screen", "name", "--db", str(db), text], args.rounds)
            out["screen_name"][label] = row
            print(f"screen name {label}: {row}", flush=True)
        in_csv, out_csv = work / "batch.csv", work / "out.csv"
        names = batch_names(db)
        with in_csv.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(["name"])
            writer.writerows([n] for n in names)
        row = rounds(
            ["screen", "file", "--db", str(db), str(in_csv), "-o", str(out_csv)], args.batch_rounds
        )
        row["names"] = len(names)
        row["names_per_second"] = round(len(names) / row["wall_median"], 1)
        out["screen_file"] = row
        print("screen file:", row, flush=True)
        out["peer_rebuild_index"] = _peer(db)
        print("peer (index rebuilt by the lookup):", out["peer_rebuild_index"], flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    out["load_average"] = {"before": load_before, "after": os.getloadavg()}
    args.out.write_text(json.dumps(out, indent=2, ensure_ascii=False) + "\n")
    print("load average before/after:", out["load_average"])


def _peer(db: Path) -> dict[str, Any]:
    """The Latin lookup with the index file moved away (restored afterwards)."""
    folder = db.with_name(db.name + ".d") / "name-index"
    aside = db.with_name(db.name + ".d") / "aside"
    folder.rename(aside)
    try:
        row = rounds(["screen", "name", "--db", str(db), NAMES["Latin person"]], 1)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        aside.rename(folder)
    return row


if __name__ == "__main__":
    main()
