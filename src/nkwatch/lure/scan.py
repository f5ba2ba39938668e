"""Walk a folder (never following links), decide when each file would run, run the
checkers and turn their hits into findings.

Nothing is executed, installed or fetched: files are read as bytes and parsed.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from nkwatch.lure import binaries, defang, deps, jsrules, npm, pyfacts, vscode
from nkwatch.lure.extract import Entry
from nkwatch.lure.indicators import Indicators, load
from nkwatch.lure.model import Finding, Hit, Moment, Note, Report
from nkwatch.lure.rules import RULES

JS_EXT = {
    ".js": "js",
    ".cjs": "js",
    ".mjs": "js",
    ".jsx": "js",
    ".ts": "ts",
    ".mts": "ts",
    ".cts": "ts",
    ".tsx": "tsx",
}
CONFIG = re.compile(
    r"^(next|tailwind|postcss|vite|vitest|webpack|babel|eslint|nuxt|svelte|astro|rollup|jest|"
    r"hardhat|truffle|remix|metro|craco)\.config\.(c|m)?(j|t)s$|"
    r"^(gatsby-config|gatsby-node|truffle-config)\.(c|m)?(j|t)s$|"
    r"^\.(eslintrc|babelrc|prettierrc)\.(c|m)?js$"
)
AUTORUN = {Moment.folder_open, Moment.install, Moment.app_start}
MAX_PARSE = 8 * 1024 * 1024  # larger files: checked for hidden code, not parsed
MAX_FILES = 200_000
SKIP_DIRS = {".git", ".hg", ".svn"}


@dataclass(frozen=True)
class _File:
    """A file to check: on disk (``path``) or already in memory (``data``, an archive
    member)."""

    rel: str
    size: int
    path: Path | None = None
    data: bytes | None = None

    @property
    def name(self) -> str:
        return self.rel.rsplit("/", 1)[-1]

    @property
    def ext(self) -> str:
        return PurePosixPath(self.name).suffix.lower()

    def read(self, limit: int = -1) -> bytes:
        if self.data is not None:
            return self.data if limit < 0 else self.data[:limit]
        if self.path is None:
            return b""
        with self.path.open("rb") as fh:
            return fh.read(limit)


def _walk(root: Path, notes: list[Note]) -> Iterator[_File]:
    count = 0
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS)
        base = Path(dirpath)
        for name in sorted(filenames):
            path = base / name
            rel = path.relative_to(root).as_posix()
            try:
                st = path.lstat()
            except OSError as exc:
                notes.append(Note(rel, f"unreadable: {exc.strerror}"))
                continue
            if not os.path.isfile(path) or path.is_symlink():
                notes.append(Note(rel, "link or special file: not followed"))
                continue
            count += 1
            if count > MAX_FILES:
                notes.append(Note(".", f"stopped after {MAX_FILES:,} files"))
                return
            yield _File(rel, st.st_size, path)


def _moments(
    files: list[_File], ind: Indicators
) -> tuple[dict[str, Moment], list[tuple[str, Hit]]]:
    """When files run (from package.json scripts and VS Code tasks), plus those files' hits."""
    runs: dict[str, Moment] = {}
    hits: list[tuple[str, Hit]] = []
    for f in files:
        name = f.name
        parent = PurePosixPath(f.rel).parent
        if name == "package.json" and f.size < MAX_PARSE:
            facts = npm.check(f.read(), ind)
            hits += [(f.rel, h) for h in facts.hits]
            for target, moment in facts.runs.items():
                runs.setdefault(_join(parent, target), moment)
        elif name == "tasks.json" and parent.name == ".vscode" and f.size < MAX_PARSE:
            task_hits, targets = vscode.check(f.read())
            hits += [(f.rel, h) for h in task_hits]
            for target in targets:
                clean = target.replace("${workspaceFolder}/", "").replace(
                    "${workspaceFolder}\\", ""
                )
                runs[_join(parent.parent, clean)] = Moment.folder_open
    return runs, hits


def _join(base: PurePosixPath, target: str) -> str:
    parts: list[str] = []
    for part in (base / target.replace("\\", "/").removeprefix("./")).parts:
        if part == "..":
            if parts:
                parts.pop()
        elif part not in (".", ""):
            parts.append(part)
    return "/".join(parts)


def _file_hits(f: _File, data: bytes, moment: Moment | None, ind: Indicators) -> list[Hit]:
    name, ext = f.name, f.ext
    hits: list[Hit] = []
    autorun = moment in AUTORUN
    if ext in binaries.MAGIC:
        hits += binaries.check(ext, data, referenced=moment is not None)
        if moment is not None and hits:  # a disguised script something runs: read it as JS
            hits += jsrules.analyse(data, "js", ind, config=False, autorun=True)
    elif ext in JS_EXT:
        config = bool(CONFIG.match(name))
        hits += jsrules.analyse(data, JS_EXT[ext], ind, config=config, autorun=autorun or config)
    elif ext == ".py":
        hits += pyfacts.analyse(data, ind)
    if name in deps.LOCKFILES or name in deps.PY_FILES or deps.is_requirements(name):
        hits += deps.check(name, data, ind)
    elif name in ("METADATA", "PKG-INFO"):
        hits += deps.check("requirements.txt", _dist_name(data), ind)
    return hits


def _dist_name(data: bytes) -> bytes:
    for line in data[:4096].splitlines():
        if line.startswith(b"Name:"):
            return line[5:].strip()
    return b""


def _moment_of(f: _File, runs: dict[str, Moment]) -> Moment | None:
    if f.rel in runs:
        return runs[f.rel]
    if CONFIG.match(f.name):
        return Moment.app_start
    if f.name == "setup.py":
        return Moment.install
    if f.ext == ".py":
        return Moment.imported
    return None


def _finding(rel: str, hit: Hit, moment: Moment | None) -> Finding:
    rule = RULES[hit.rule_id]
    when = hit.moment or (
        moment
        if moment is not None and rule.moment in (Moment.run, Moment.app_start)
        else rule.moment
    )
    cites = tuple(dict.fromkeys(rule.citations + hit.extra_citations))
    return Finding(
        rule_id=rule.id,
        title=rule.title,
        severity=hit.severity or rule.severity,
        path=rel,
        line=hit.line,
        column=hit.column,
        snippet=defang.snippet(hit.snippet),
        message=defang.defang(hit.message),
        moment=when,
        citations=cites,
        advice=rule.advice,
    )


_TEXT_EXT = set(JS_EXT) | {".py", ".json"}
_NAMES = deps.LOCKFILES | deps.PY_FILES | {"package.json", "tasks.json", "METADATA", "PKG-INFO"}


def _wanted(name: str, ext: str) -> bool:
    return (
        ext in JS_EXT
        or ext == ".py"
        or ext in binaries.MAGIC
        or name in _NAMES
        or deps.is_requirements(name)
    )


def keep_bytes(rel: str, size: int) -> int:
    """How many bytes of an archive member the checkers read (0: none of it)."""
    name = rel.rsplit("/", 1)[-1]
    ext = PurePosixPath(name).suffix.lower()
    if not _wanted(name, ext):
        return 0
    return BINARY_KEEP if ext in binaries.MAGIC else size


BINARY_KEEP = 1 << 20  # a "font" or "image" is judged by its head; a script posing as one is
# read as JavaScript up to this size


def scan(root: Path, label: str) -> Report:
    """Check every file under ``root``; ``label`` names the target in the report."""
    started = time.perf_counter()
    notes: list[Note] = []
    files = list(_walk(root, notes))
    return _check(files, label, notes, started)


def scan_entries(entries: list[Entry], label: str, notes: list[Note]) -> Report:
    """Check archive members read by :func:`nkwatch.lure.extract.unpack`."""
    started = time.perf_counter()
    files = [_File(e.rel, e.size, e.path, e.data) for e in sorted(entries, key=lambda e: e.rel)]
    return _check(files, label, list(notes), started)


def _check(files: list[_File], label: str, notes: list[Note], started: float) -> Report:
    ind = load()
    runs, early = _moments(files, ind)
    findings = [_finding(rel, h, runs.get(rel)) for rel, h in early]
    total = 0
    for f in files:
        total += f.size
        moment = _moment_of(f, runs)
        if not _wanted(f.name, f.ext):
            continue  # no checker reads this kind of file: its bytes are never loaded
        try:
            data = f.read(4096 if f.ext in binaries.MAGIC and moment is None else -1)
        except OSError as exc:
            notes.append(Note(f.rel, f"unreadable: {exc.strerror}"))
            continue
        findings += [_finding(f.rel, h, moment) for h in _hits_of(f, data, moment, ind, notes)]
    unique = {(x.rule_id, x.path, x.line): x for x in findings}
    ordered = sorted(unique.values(), key=lambda x: (-x.severity.rank, x.path, x.line))
    return Report(
        label, len(files), total, time.perf_counter() - started, tuple(ordered), tuple(notes)
    )


def _hits_of(
    f: _File, data: bytes, moment: Moment | None, ind: Indicators, notes: list[Note]
) -> list[Hit]:
    if f.ext in _TEXT_EXT and b"\x00" in data[:8192]:
        notes.append(Note(f.rel, "binary data where text is expected: not parsed"))
        return []
    if len(data) > MAX_PARSE and f.ext in _TEXT_EXT:
        what = "syntax trees of its head, tail and trigger spots only"
        notes.append(Note(f.rel, f"{len(data) / 2**20:.0f} MiB: {what}"))
        return _file_hits(f, data, moment, ind) if f.ext in JS_EXT else []
    return _file_hits(f, data, moment, ind)
