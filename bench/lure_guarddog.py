"""guarddog verdicts for the lure bench, in parallel, cached and resumable.

Each input (a folder or an archive) is scanned locally by guarddog (``guarddog npm|pypi scan
PATH``, its own venv) in a process pool of ``--jobs`` workers under ``nice``. A verdict is
stored as one JSON file per input under ``/bench/cache/lure-guarddog`` keyed by guarddog's
version, the ecosystem and a digest of the input's bytes, so a re-run (or a run after a
crash) scans only what it has not seen; mutations regenerated into a fresh temporary folder
keep their key because the key is the content, not the path.

    nice -n 19 python bench/lure_guarddog.py [--jobs 2]     # scan everything, then summarise
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import hashlib
import json
import os
import subprocess
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

GD_CACHE = Path(os.environ.get("NKWATCH_BENCH_CACHE", "/bench/cache")) / "lure-guarddog"
GUARDDOG = "/work/venvs/guarddog/bin/guarddog"
TIMEOUT = 900
_JS = (".js", ".cjs", ".mjs", ".ts", ".tsx", ".jsx")


@dataclass
class Verdict:
    """guarddog's answer on one input: ``malicious`` = risk label ``high_risk``; ``flagged`` =
    any ``threat-*`` rule or a label of ``suspicious`` or above (its ``capability-*`` rules
    describe what code can do and fire on most real packages)."""

    ecosystems: list[str]
    malicious: bool | None = None  # None: guarddog failed or timed out on every ecosystem
    flagged: bool | None = None
    label: str = ""
    threats: list[str] = field(default_factory=list)
    seconds: float = 0.0
    error: str = ""


def digest(path: Path) -> str:
    """Content digest of a file or a folder (relative names and bytes, links by target)."""
    h = hashlib.sha256()
    if path.is_file():
        with path.open("rb") as fh:
            while chunk := fh.read(1 << 20):
                h.update(chunk)
        return h.hexdigest()
    for dirpath, dirnames, filenames in os.walk(path):
        dirnames.sort()
        for name in sorted(filenames):
            p = Path(dirpath) / name
            h.update(p.relative_to(path).as_posix().encode() + b"\0")
            if p.is_symlink():
                h.update(b"->" + os.readlink(p).encode())
            elif p.is_file():
                with p.open("rb") as fh:
                    while chunk := fh.read(1 << 20):
                        h.update(chunk)
            h.update(b"\1")
    return h.hexdigest()


def ecosystems(group: str, path: Path) -> list[str]:
    """Which guarddog scanners fit the input: by class, and by content for lures/mutations."""
    if group in ("site-packages", "fetched-pypi"):
        return ["pypi"]
    if group in ("node_modules", "fetched-npm"):
        return ["npm"]
    if path.is_file():
        return ["npm"] if path.name.endswith(".tgz") else ["pypi"]
    names = [p.name for p in path.rglob("*") if p.is_file()]
    out = []
    if "package.json" in names or any(n.endswith(_JS) for n in names):
        out.append("npm")
    if any(n.endswith(".py") for n in names) or "pyproject.toml" in names:
        out.append("pypi")
    return out or ["npm"]


def _scan_one(exe: str, eco: str, path: Path) -> tuple[dict[str, object] | None, str]:
    try:
        proc = subprocess.run(
            ["nice", "-n", "19", exe, eco, "scan", str(path), "--output-format", "json"],
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return None, f"timeout after {TIMEOUT} s"
    except OSError as exc:
        return None, str(exc)
    try:
        doc = json.loads(proc.stdout[proc.stdout.find("{") :])
    except json.JSONDecodeError:
        tail = (proc.stderr.strip().splitlines() or [""])[-1]
        return None, f"exit {proc.returncode}: {tail[:200]}"
    return doc, ""


def scan(exe: str, group: str, path: Path) -> Verdict:
    ecos = ecosystems(group, path)
    v = Verdict(ecos)
    started = time.perf_counter()
    labels = {"": 0, "no_risks_detected": 0, "low": 1, "suspicious": 2, "high_risk": 3}
    best = ""
    for eco in ecos:
        doc, err = _scan_one(exe, eco, path)
        if doc is None:
            v.error = (v.error + "; " if v.error else "") + f"{eco}: {err}"
            continue
        found = [k for k, hits in (doc.get("results") or {}).items() if hits]  # type: ignore[union-attr]
        v.threats += [f"{eco}:{k}" for k in found if k.startswith("threat-")]
        label = str((doc.get("risk_score") or {}).get("label", ""))  # type: ignore[union-attr]
        best = label if labels.get(label, 0) > labels.get(best, 0) else best
        v.malicious = bool(v.malicious) or label == "high_risk"
        v.flagged = bool(v.flagged) or bool(v.threats) or labels.get(label, 0) >= 2
    v.label, v.seconds = best, round(time.perf_counter() - started, 2)
    return v


def cached(key: str) -> Verdict | None:
    f = GD_CACHE / f"{key}.json"
    if not f.exists():
        return None
    return Verdict(**json.loads(f.read_text()))


def _store(key: str, v: Verdict) -> None:
    GD_CACHE.mkdir(parents=True, exist_ok=True)
    tmp = GD_CACHE / f".{key}.{os.getpid()}.tmp"
    tmp.write_text(json.dumps(asdict(v)))
    tmp.replace(GD_CACHE / f"{key}.json")  # atomic: a killed run leaves no half verdict


def key_of(exe: str, group: str, path: Path) -> str:
    version = Path(exe).resolve().parent.parent.name  # the venv: one guarddog per venv
    return hashlib.sha256(
        f"{version}|{','.join(ecosystems(group, path))}|{digest(path)}".encode()
    ).hexdigest()[:32]


def verdicts(
    inputs: list[tuple[str, str, Path]],
    exe: str = GUARDDOG,
    jobs: int = 2,
    log: bool = True,
    scan_missing: bool = True,
) -> dict[tuple[str, str], Verdict]:
    """(group, name) -> guarddog's verdict; cached ones are not scanned again (and with
    ``scan_missing`` off, nothing is scanned: only the cache is read)."""
    out: dict[tuple[str, str], Verdict] = {}
    todo: list[tuple[str, str, Path, str]] = []
    for group, name, path in inputs:
        key = key_of(exe, group, path)
        hit = cached(key)
        if hit is not None:
            out[(group, name)] = hit
        elif scan_missing:
            todo.append((group, name, path, key))
    if log:
        print(f"guarddog: {len(out)} cached, {len(todo)} to scan with {jobs} workers", flush=True)
    with cf.ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = {pool.submit(scan, exe, g, p): (g, n, k) for g, n, p, k in todo}
        for done, fut in enumerate(cf.as_completed(futures), 1):
            g, n, k = futures[fut]
            v = fut.result()
            _store(k, v)
            out[(g, n)] = v
            if log:
                state = "flagged" if v.flagged else ("error" if v.flagged is None else "clean")
                print(f"[{done}/{len(todo)}] {g}/{n}: {state} {v.label} {v.seconds}s", flush=True)
    return out


PRIORITY = ("lures", "fetched-npm", "fetched-pypi")


def by_priority(inputs: list[tuple[str, str, Path]]) -> list[tuple[str, str, Path]]:
    """Lures and the fetched packages first, then the other classes (starters, mutations,
    installed packages) round-robin, so a run cut short still covers every class."""
    first = [i for g in PRIORITY for i in inputs if i[0] == g]
    rest = [i for i in inputs if i[0] not in PRIORITY]
    classes = list(dict.fromkeys(g for g, _, _ in rest))
    queues = [[i for i in rest if i[0] == g] for g in classes]
    mixed = [q[k] for k in range(max(map(len, queues), default=0)) for q in queues if k < len(q)]
    return first + mixed


def main() -> None:
    import sys
    import tempfile

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # tests.lure.mutate
    from lure_inputs import all_inputs, fetch_cache

    ap = argparse.ArgumentParser()
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--guarddog", default=GUARDDOG)
    args = ap.parse_args()
    fetch_cache()
    with tempfile.TemporaryDirectory() as tmp:
        found = verdicts(by_priority(all_inputs(Path(tmp))), args.guarddog, args.jobs)
    flagged = sum(1 for v in found.values() if v.flagged)
    print(f"{len(found)} inputs, {flagged} flagged by guarddog")


if __name__ == "__main__":
    main()
