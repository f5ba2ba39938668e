"""Lure check benchmark (issue #15), side by side with DataDog's guarddog on the same inputs.

    nice -n 19 python bench/lure_guarddog.py            # guarddog verdicts into the cache (slow)
    nice -n 19 python bench/lure.py --part quality      # nkwatch on every input + cached verdicts
    flock /tmp/bench.lock python bench/lure.py --part speed [--rounds 3]

Inputs: the rebuilt lures (tests/lure/lures), their generated mutations, and clean inputs:
every distribution in this virtualenv's site-packages, the npm packages under node_modules,
starter projects made by the real generators (create-next-app, Vite, express-generator,
Hardhat, Django startproject, Flask's tutorial app) and a few dozen popular npm packages and
PyPI sdists fetched once by name (``npm pack`` / the PyPI JSON API) into the git-ignored
cache ``/bench/cache/lure`` (``NKWATCH_BENCH_CACHE``). guarddog's verdicts on the same inputs
come from :mod:`lure_guarddog` (parallel, cached, resumable). Prints a table, writes JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # tests.lure.mutate
sys.path.insert(0, str(ROOT / "bench"))  # lure_guarddog
from lure_inputs import CACHE, LURES, all_inputs, clean_inputs, fetch_cache  # noqa: E402


@dataclass
class Outcome:
    name: str
    group: str
    files: int = 0
    high: int = 0
    warning: int = 0
    rules: list[str] = field(default_factory=list)
    cpu_s: float = 0.0
    wall_s: float = 0.0
    gd_malicious: bool | None = None  # guarddog risk label high_risk (None: not scanned)
    gd_flagged: bool | None = None  # a threat-* rule or a label of suspicious or above
    gd_label: str = ""
    gd_rules: list[str] = field(default_factory=list)
    gd_key: str = ""  # the input's key in guarddog's verdict cache


def run_nkwatch(group: str, name: str, path: Path) -> Outcome:
    from nkwatch.errors import UserError
    from nkwatch.lure import check_path

    wall, cpu = time.perf_counter(), time.process_time()
    try:
        report = check_path(path)
    except UserError as exc:
        return Outcome(name, group, rules=[f"refused: {exc}"])
    return Outcome(
        name,
        group,
        report.files,
        report.high,
        report.warnings,
        sorted({f.rule_id for f in report.findings}),
        round(time.process_time() - cpu, 3),
        round(time.perf_counter() - wall, 3),
    )


def _timed(path: Path) -> tuple[int, float, float]:
    """(files, wall s, CPU s) of one check."""
    from nkwatch.lure import check_path

    wall, cpu = time.perf_counter(), time.process_time()
    files = check_path(path).files
    return files, time.perf_counter() - wall, time.process_time() - cpu


def speed(rounds: int, class_rounds: int) -> dict[str, object]:
    """Per input class: files per second of wall and of CPU over every input of the class,
    medians of rounds; and a 2,000-file real repository (the first 2,000 files of the
    Hardhat starter with its node_modules). Take /tmp/bench.lock around it."""
    inputs = clean_inputs()
    out: dict[str, object] = {}
    for group in dict.fromkeys(g for g, _, _ in inputs):
        paths = [p for g, _, p in inputs if g == group]
        runs = []
        for _ in range(class_rounds):
            timed = [_timed(p) for p in paths]
            runs.append(tuple(sum(t[i] for t in timed) for i in range(3)))
        out[group] = {
            "inputs": len(paths),
            "files": runs[0][0],
            "files_per_wall_s": round(statistics.median(f / w for f, w, _ in runs)),
            "files_per_cpu_s": round(statistics.median(f / c for f, _, c in runs)),
            "wall_s": [round(w, 1) for _, w, _ in runs],
            "cpu_s": [round(c, 1) for _, _, c in runs],
        }
    source = CACHE / "starters" / "hardhat-app"
    files = sorted(p for p in source.rglob("*") if p.is_file())[:2000]
    with tempfile.TemporaryDirectory() as tmp:
        for p in files:
            dest = Path(tmp) / p.relative_to(source)
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(p, dest)
        repo = [_timed(Path(tmp)) for _ in range(rounds)]
    out["repo-2000"] = {
        "files": repo[0][0],
        "wall_s": statistics.median(w for _, w, _ in repo),
        "cpu_s": statistics.median(c for _, _, c in repo),
        "wall_s_all": [round(w, 2) for _, w, _ in repo],
    }
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=3, help="rounds of the 2,000-file repository")
    ap.add_argument("--class-rounds", type=int, default=1, help="rounds over each input class")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "lure.json")
    ap.add_argument(
        "--part",
        choices=("quality", "speed", "join", "table"),
        default="quality",
        help="quality: nkwatch on every input beside guarddog's cached verdicts (not timed; "
        "bench/lure_guarddog.py fills that cache); join: re-join the verdicts cached since; "
        "speed: timed rounds (take the lock)",
    )
    args = ap.parse_args()
    if args.part == "speed":
        load = os.getloadavg()
        merge(
            args.out,
            {"speed": speed(args.rounds, args.class_rounds), "speed_load": [load, os.getloadavg()]},
        )
    elif args.part == "quality":
        merge(args.out, quality())
    elif args.part == "join":
        rejoin(args.out)
    table(json.loads(args.out.read_text()))


def quality() -> dict[str, object]:
    from lure_guarddog import GUARDDOG, key_of

    fetch_cache()
    load0 = os.getloadavg()
    outcomes: list[Outcome] = []
    with tempfile.TemporaryDirectory() as tmp:
        inputs = all_inputs(Path(tmp))
        for i, (group, name, path) in enumerate(inputs, 1):
            o = run_nkwatch(group, name, path)
            o.gd_key = key_of(GUARDDOG, group, path)
            outcomes.append(o)
            if i % 50 == 0 or o.high and group not in ("lures", "mutations"):
                print(
                    f"[{i}/{len(inputs)}] {group}/{name}: high={o.high} warn={o.warning}",
                    flush=True,
                )
    join(outcomes)
    from lure_splice import spliced

    nxt = sorted((CACHE / "npm").glob("next-[0-9]*.tgz"))
    return {
        "spliced": spliced(LURES, nxt[-1] if nxt else Path("-")),
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "machine": f"{os.cpu_count()} cores, {platform.platform()}",
        "load_before": load0,
        "load_after": os.getloadavg(),
        "groups": summarise(outcomes),
        "outcomes": [asdict(o) for o in outcomes],
    }


def merge(out: Path, part: dict[str, object]) -> None:
    """Write ``part`` into the results file, keeping what another part wrote."""
    out.parent.mkdir(parents=True, exist_ok=True)
    doc = json.loads(out.read_text()) if out.exists() else {}
    doc.update(part)
    out.write_text(json.dumps(doc, indent=1))


def join(outcomes: list[Outcome]) -> None:
    """Fill in guarddog's verdicts from its cache (what bench/lure_guarddog.py has scanned)."""
    from lure_guarddog import cached

    for o in outcomes:
        v = cached(o.gd_key) if o.gd_key else None
        if v is not None:
            o.gd_malicious, o.gd_flagged, o.gd_label = v.malicious, v.flagged, v.label
            o.gd_rules = v.threats


def rejoin(out: Path) -> None:
    """Join the verdicts cached since the quality run into its outcomes and summaries."""
    doc = json.loads(out.read_text())
    outcomes = [Outcome(**o) for o in doc["outcomes"]]
    join(outcomes)
    merge(out, {"groups": summarise(outcomes), "outcomes": [asdict(o) for o in outcomes]})


def summarise(outcomes: list[Outcome]) -> dict[str, dict[str, object]]:
    groups: dict[str, dict[str, object]] = {}
    for g in dict.fromkeys(o.group for o in outcomes):
        rows = [o for o in outcomes if o.group == g]
        gd_rows = [o for o in rows if o.gd_flagged is not None]
        attack = g in ("lures", "mutations")
        cpu = sum(o.cpu_s for o in rows)
        groups[g] = {
            "inputs": len(rows),
            "files": sum(o.files for o in rows),
            "nk_high": sum(1 for o in rows if o.high),
            "nk_any": sum(1 for o in rows if o.high or o.warning),
            "nk_files_per_cpu_s": round(sum(o.files for o in rows) / cpu) if cpu else None,
            "gd_scanned": len(gd_rows),
            "gd_malicious": sum(1 for o in gd_rows if o.gd_malicious),
            "gd_flagged": sum(1 for o in gd_rows if o.gd_flagged),
            "gd_flagged_nk_reports": sum(
                1 for o in gd_rows if o.gd_flagged and (o.high or o.warning)
            ),
            "gd_flagged_inputs": [
                f"{o.name} [{o.gd_label}; {','.join(o.gd_rules)}] nkwatch: "
                + ("high" if o.high else "warning" if o.warning else "nothing")
                for o in gd_rows
                if o.gd_flagged
            ],
            "nk_missed": [o.name for o in rows if attack and not o.high],
            "gd_missed": [o.name for o in gd_rows if attack and not o.gd_flagged],
            "nk_high_inputs": [o.name for o in rows if not attack and o.high],
            "nk_warned_inputs": [
                f"{o.name}: {','.join(o.rules)}"
                for o in rows
                if not attack and o.warning and not o.high
            ],
            "refused": [
                f"{o.name}: {o.rules[0]}"
                for o in rows
                if o.rules[:1] and o.rules[0].startswith("refused")
            ],
        }
    return groups


def table(result: dict[str, object]) -> None:
    groups = result.get("groups", {})
    assert isinstance(groups, dict)
    head = (
        "group",
        "inputs",
        "files",
        "nk high",
        "nk any",
        "f/cpu-s",
        "gd scan",
        "gd mal",
        "gd flag",
        "gd&nk",
    )
    print("".join(f"{h:>10}" if i else f"{h:16}" for i, h in enumerate(head)))
    for g, s in groups.items():
        cells = (s["inputs"], s["files"], s["nk_high"], s["nk_any"], s["nk_files_per_cpu_s"])
        cells += (s["gd_scanned"], s["gd_malicious"], s["gd_flagged"], s["gd_flagged_nk_reports"])
        print(f"{g:16}" + "".join(f"{c!s:>10}" for c in cells))
    for g, s in groups.items():
        for key in (
            "nk_missed",
            "gd_missed",
            "gd_flagged_inputs",
            "nk_high_inputs",
            "nk_warned_inputs",
            "refused",
        ):
            if s.get(key):
                print(f"{g} {key}: {s[key]}")
    print(
        json.dumps({k: result.get(k) for k in ("speed", "speed_load", "load_before", "load_after")})
    )


if __name__ == "__main__":
    main()
