"""Inputs of the lure bench: the rebuilt lures, their mutations and the clean inputs
(installed distributions, node_modules, starter projects made by the real generators, popular
npm packages and PyPI sdists fetched once by name into the git-ignored cache).
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
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


def all_inputs(tmp: Path) -> list[tuple[str, str, Path]]:
    """(class, name, path) of every input: lures, their mutations (generated under ``tmp``)
    and the clean inputs."""
    from tests.lure.mutate import mutants

    inputs = [("lures", p.name, p) for p in sorted(LURES.iterdir()) if p.is_dir()]
    for _, name, lure in list(inputs):
        inputs += [("mutations", f"{name}/{m}", folder) for m, folder in mutants(lure, tmp)]
    return inputs + clean_inputs()
