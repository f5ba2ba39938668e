"""Lure check benchmark (issue #15), side by side with DataDog's guarddog on the same inputs.

    flock /tmp/bench.lock python bench/lure.py [--rounds 3] [--guarddog /work/venvs/guarddog/bin/guarddog]

Inputs: the rebuilt lures (tests/lure/lures), their generated mutations, and clean inputs:
every distribution in this virtualenv's site-packages, the npm packages under node_modules,
starter projects made by the real generators (create-next-app, Vite, express-generator,
Hardhat, Django startproject, Flask's sdist) and a few dozen popular npm packages and PyPI
sdists fetched once by name (``npm pack`` / ``pip download``) into the git-ignored cache
``bench/cache/lure``. guarddog runs in its own venv on the lures, the mutations, the starters,
the fetched packages and a fixed sample of installed packages. Prints a table, writes JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # tests.lure.mutate
CACHE = Path(os.environ.get("NKWATCH_BENCH_CACHE", "/bench/cache")) / "lure"
LURES = ROOT / "tests" / "lure" / "lures"
NPM_POPULAR = [
    "express",
    "react",
    "react-dom",
    "lodash",
    "axios",
    "chalk",
    "commander",
    "debug",
    "moment",
    "dayjs",
    "uuid",
    "dotenv",
    "yargs",
    "ws",
    "socket.io",
    "jsonwebtoken",
    "bcryptjs",
    "mongoose",
    "pg",
    "redis",
    "next",
    "vue",
    "typescript",
    "eslint",
    "prettier",
    "webpack",
    "vite",
    "esbuild",
    "ethers",
    "web3",
    "body-parser",
    "cors",
    "nodemon",
    "jest",
    "mocha",
    "rxjs",
    "tailwindcss",
    "postcss",
    "sharp",
    "puppeteer",
]
PYPI_POPULAR = [
    "requests",
    "flask",
    "django",
    "click",
    "jinja2",
    "pyyaml",
    "urllib3",
    "idna",
    "certifi",
    "six",
    "attrs",
    "packaging",
    "setuptools",
    "boto3",
    "python-dateutil",
    "sqlalchemy",
    "pytest",
    "web3",
    "eth-account",
    "paramiko",
]
STARTERS = {
    "next-app": [
        "npx",
        "-y",
        "create-next-app@latest",
        "next-app",
        "--ts",
        "--eslint",
        "--tailwind",
        "--app",
        "--src-dir",
        "--import-alias",
        "@/*",
        "--use-npm",
        "--skip-install",
        "--no-git",
        "--yes",
    ],
    "vite-app": ["npm", "create", "-y", "vite@latest", "vite-app", "--", "--template", "react-ts"],
    "express-app": ["npx", "-y", "express-generator@4", "express-app", "--view=pug"],
}


@dataclass
class Outcome:
    name: str
    group: str
    files: int = 0
    high: int = 0
    warning: int = 0
    rules: list[str] = field(default_factory=list)
    gd_flag: bool | None = None  # guarddog: threat rule or risk label above low
    gd_rules: list[str] = field(default_factory=list)


def _run(cmd: list[str], cwd: Path, timeout: int = 600) -> bool:
    try:
        return (
            subprocess.run(
                cmd, cwd=cwd, capture_output=True, timeout=timeout, check=False
            ).returncode
            == 0
        )
    except (OSError, subprocess.TimeoutExpired):
        return False


def fetch_cache() -> None:
    """Fetch once by name (skipped when present): starters, npm tarballs, PyPI sdists."""
    starters = CACHE / "starters"
    starters.mkdir(parents=True, exist_ok=True)
    for name, cmd in STARTERS.items():
        if not (starters / name).exists():
            _run(cmd, starters)
    hh = starters / "hardhat-app"
    if not (hh / "hardhat.config.js").exists():
        hh.mkdir(exist_ok=True)
        _run(["npm", "init", "-y"], hh)
        _run(["npm", "i", "-D", "--no-audit", "--no-fund", "hardhat@2"], hh)
        env = {**os.environ, "HARDHAT_CREATE_JAVASCRIPT_PROJECT_WITH_DEFAULTS": "true"}
        subprocess.run(
            ["npx", "hardhat", "init"],
            cwd=hh,
            env=env,
            capture_output=True,
            timeout=900,
            check=False,
        )
    npm = CACHE / "npm"
    npm.mkdir(exist_ok=True)
    for name in NPM_POPULAR:
        if not list(npm.glob(f"{name.replace('/', '-')}-[0-9]*.tgz")):
            _run(["npm", "pack", name, "--pack-destination", str(npm)], npm)
    pypi = CACHE / "pypi"
    pypi.mkdir(exist_ok=True)
    for name in PYPI_POPULAR:
        if not any(p.name.lower().startswith(name.replace("-", "_") + "-") for p in pypi.iterdir()):
            fetch_sdist(name, pypi)
    _python_starters(starters)


def _python_starters(starters: Path) -> None:
    """Django's ``startproject`` (Django from the starters venv) and Flask's tutorial app
    (``examples/tutorial`` of the Flask sdist, its documented starting point)."""
    django = starters / "django-app"
    admin = Path(os.environ.get("NKWATCH_STARTERS_VENV", "/work/venvs/starters")) / "bin"
    if not django.exists() and (admin / "django-admin").exists():
        django.mkdir()
        _run([str(admin / "django-admin"), "startproject", "mysite", str(django)], starters)
    flask = starters / "flask-app"
    sdists = sorted((CACHE / "pypi").glob("flask-*.tar.gz"))
    if not flask.exists() and sdists:
        import tarfile

        with tarfile.open(sdists[-1]) as tf:
            for m in tf.getmembers():
                head, _, rest = m.name.partition("/examples/tutorial/")
                if rest and m.isreg() and "/" not in head:
                    dest = flask / rest
                    dest.parent.mkdir(parents=True, exist_ok=True)
                    src = tf.extractfile(m)
                    if src is not None:
                        dest.write_bytes(src.read())


def fetch_sdist(name: str, into: Path) -> None:
    """The latest sdist of ``name`` from PyPI's JSON API: a plain download, so nothing in it
    runs (``pip download`` of an sdist would build its metadata, i.e. run its setup code)."""
    import httpx

    try:
        meta = httpx.get(f"https://pypi.org/pypi/{name}/json", timeout=30).json()
        url = next(u["url"] for u in meta["urls"] if u["packagetype"] == "sdist")
        url = str(
            httpx.URL(f"https://pypi.org/pypi/{name}/json").join(url)
        )  # mirrors answer relative
        dest = into / url.rsplit("/", 1)[1]
        dest.write_bytes(httpx.get(url, timeout=120, follow_redirects=True).content)
    except (httpx.HTTPError, StopIteration, KeyError, ValueError):
        print(f"could not fetch the sdist of {name}", file=sys.stderr)


def clean_inputs() -> list[tuple[str, str, Path]]:
    site = Path(sysconfig.get_paths()["purelib"])
    out: list[tuple[str, str, Path]] = []
    for p in sorted(site.iterdir()):
        if (
            p.is_dir()
            and not p.name.endswith((".dist-info", ".egg-info"))
            and p.name != "__pycache__"
        ):
            out.append(("site-packages", p.name, p))
    for nm in (ROOT / "node_modules", CACHE / "starters" / "hardhat-app" / "node_modules"):
        if nm.is_dir():
            for p in sorted(nm.iterdir()):
                if p.name.startswith("@") and p.is_dir():
                    out += [
                        ("node_modules", f"{p.name}/{q.name}", q)
                        for q in sorted(p.iterdir())
                        if q.is_dir()
                    ]
                elif p.is_dir() and not p.name.startswith("."):
                    out.append(("node_modules", p.name, p))
    for p in sorted((CACHE / "starters").iterdir()) if (CACHE / "starters").is_dir() else []:
        if p.is_dir():
            out.append(("starters", p.name, p))
    for group in ("npm", "pypi"):
        for p in sorted((CACHE / group).glob("*")) if (CACHE / group).is_dir() else []:
            out.append((f"fetched-{group}", p.name, p))
    return out


def run_nkwatch(group: str, name: str, path: Path) -> Outcome:
    from nkwatch.errors import UserError
    from nkwatch.lure import check_path

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
    )


def run_guarddog(exe: str, path: Path) -> tuple[bool | None, list[str]]:
    eco = (
        "npm"
        if (path / "package.json").exists()
        or path.name.endswith(".tgz")
        or list(path.glob("*/package.json"))
        else "pypi"
    )
    try:
        proc = subprocess.run(
            [exe, eco, "scan", str(path), "--output-format", "json"],
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        doc = json.loads(proc.stdout)
    except (OSError, subprocess.TimeoutExpired, json.JSONDecodeError):
        return None, []
    found = sorted(k for k, v in (doc.get("results") or {}).items() if v)
    label = (doc.get("risk_score") or {}).get("label", "")
    flagged = any(k.startswith("threat-") for k in found) or label not in (
        "",
        "no_risks_detected",
        "low",
    )
    return flagged, found


def _timed(path: Path) -> tuple[int, float, float]:
    """(files, wall s, CPU s) of one check."""
    from nkwatch.lure import check_path

    wall, cpu = time.perf_counter(), time.process_time()
    files = check_path(path).files
    return files, time.perf_counter() - wall, time.process_time() - cpu


def speed(rounds: int) -> dict[str, object]:
    """files/s over the whole site-packages walk, and a 2,000-file real repository (the first
    2,000 files of the Hardhat starter with its node_modules), wall and CPU, medians of rounds."""
    site = Path(sysconfig.get_paths()["purelib"])
    runs = [_timed(site) for _ in range(rounds)]
    out: dict[str, object] = {
        "site_files": runs[0][0],
        "site_files_per_s": statistics.median(f / w for f, w, _ in runs),
        "site_files_per_cpu_s": statistics.median(f / c for f, _, c in runs),
        "site_wall_s": [round(w, 2) for _, w, _ in runs],
    }
    source = CACHE / "starters" / "hardhat-app"
    files = sorted(p for p in source.rglob("*") if p.is_file())[:2000]
    with tempfile.TemporaryDirectory() as tmp:
        for p in files:
            dest = Path(tmp) / p.relative_to(source)
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(p, dest)
        repo = [_timed(Path(tmp)) for _ in range(rounds)]
    out |= {
        "repo_files": repo[0][0],
        "repo_wall_s": statistics.median(w for _, w, _ in repo),
        "repo_cpu_s": statistics.median(c for _, _, c in repo),
        "repo_wall_s_all": [round(w, 2) for _, w, _ in repo],
    }
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--guarddog", default="/work/venvs/guarddog/bin/guarddog")
    ap.add_argument("--no-guarddog", action="store_true")
    ap.add_argument(
        "--gd-sample", type=int, default=60, help="installed packages guarddog scans per group"
    )
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "lure.json")
    ap.add_argument(
        "--part",
        choices=("all", "quality", "speed"),
        default="all",
        help="quality: detection beside guarddog (not timed); speed: timed rounds (take the lock)",
    )
    args = ap.parse_args()
    if args.part == "speed":
        merge(args.out, {"speed": speed(args.rounds), "speed_load": os.getloadavg()})
        return
    from tests.lure.mutate import mutants

    fetch_cache()
    load0 = os.getloadavg()
    outcomes: list[Outcome] = []
    gd = None if args.no_guarddog or not Path(args.guarddog).exists() else args.guarddog
    with tempfile.TemporaryDirectory() as tmp:
        inputs = [("lures", p.name, p) for p in sorted(LURES.iterdir()) if p.is_dir()]
        for _, name, lure in list(inputs):
            inputs += [
                ("mutations", f"{name}/{m}", folder) for m, folder in mutants(lure, Path(tmp))
            ]
        inputs += clean_inputs()
        sampled: dict[str, int] = {}
        for group, name, path in inputs:
            o = run_nkwatch(group, name, path)
            take = (
                group not in ("site-packages", "node_modules")
                or sampled.get(group, 0) < args.gd_sample
            )
            if gd and take:
                sampled[group] = sampled.get(group, 0) + 1
                o.gd_flag, o.gd_rules = run_guarddog(gd, path)
            outcomes.append(o)
    result: dict[str, object] = {
        "load_before": load0,
        "load_after": os.getloadavg(),
        "groups": summarise(outcomes),
        "outcomes": [asdict(o) for o in outcomes],
    }
    if args.part == "all":
        result["speed"] = speed(args.rounds)
    merge(args.out, result)
    table(json.loads(args.out.read_text()))


def merge(out: Path, part: dict[str, object]) -> None:
    """Write ``part`` into the results file, keeping what another part wrote."""
    out.parent.mkdir(parents=True, exist_ok=True)
    doc = json.loads(out.read_text()) if out.exists() else {}
    doc.update(part)
    out.write_text(json.dumps(doc, indent=1))


def summarise(outcomes: list[Outcome]) -> dict[str, dict[str, object]]:
    groups: dict[str, dict[str, object]] = {}
    for g in dict.fromkeys(o.group for o in outcomes):
        rows = [o for o in outcomes if o.group == g]
        gd_rows = [o for o in rows if o.gd_flag is not None]
        groups[g] = {
            "inputs": len(rows),
            "files": sum(o.files for o in rows),
            "nk_high": sum(1 for o in rows if o.high),
            "nk_any": sum(1 for o in rows if o.high or o.warning),
            "nk_high_files": sum(o.high for o in rows),
            "nk_warning_findings": sum(o.warning for o in rows),
            "gd_scanned": len(gd_rows),
            "gd_flagged": sum(1 for o in gd_rows if o.gd_flag),
            "gd_flagged_not_nk": [
                o.name for o in gd_rows if o.gd_flag and not (o.high or o.warning)
            ],
            "nk_missed": [o.name for o in rows if g in ("lures", "mutations") and not o.high],
            "gd_missed": [o.name for o in gd_rows if g in ("lures", "mutations") and not o.gd_flag],
            "nk_high_inputs": [o.name for o in rows if g not in ("lures", "mutations") and o.high],
            "nk_warned_inputs": [
                f"{o.name}: {','.join(o.rules)}"
                for o in rows
                if g not in ("lures", "mutations") and o.warning and not o.high
            ],
        }
    return groups


def table(result: dict[str, object]) -> None:
    groups = result.get("groups", {})
    assert isinstance(groups, dict)
    print(
        f"{'group':16}{'inputs':>8}{'files':>9}{'nk high':>9}{'nk any':>8}{'gd scanned':>12}{'gd flagged':>12}"
    )
    for g, s in groups.items():
        print(
            f"{g:16}{s['inputs']:>8}{s['files']:>9}{s['nk_high']:>9}{s['nk_any']:>8}{s['gd_scanned']:>12}{s['gd_flagged']:>12}"
        )
    for g, s in groups.items():
        for key in (
            "nk_missed",
            "gd_missed",
            "gd_flagged_not_nk",
            "nk_high_inputs",
            "nk_warned_inputs",
        ):
            if s[key]:
                print(f"{g} {key}: {s[key]}")
    keys = ("speed", "speed_load", "load_before", "load_after")
    print(json.dumps({k: result.get(k) for k in keys}))


if __name__ == "__main__":
    main()
