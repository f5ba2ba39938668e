"""Crash consistency: SIGKILL an import at its N-th write and check what the store kept.

The kill points are found by tracing, not by hooks in the importers: a profiler
(``sys.setprofile``, on every thread) counts each call that can change durable state (every
DuckDB connection call: statements, appends, registrations, commits, checkpoints; and the
``os``/``io`` calls that write, sync, rename or delete files, which is how name-index files,
Parquet and audit segments are written). ``NKWATCH_CRASH_AT=<n>`` kills the process with
SIGKILL just before the n-th such call, ``<n>+`` just after it returns (between a commit and
whatever follows it). ``NKWATCH_CRASH_AT=count`` runs to the end and writes every site
(``<call> at <nkwatch file>:<line>``) to ``NKWATCH_CRASH_LOG``, so a sweep can spread its
points over the whole import: after each batch, inside the transaction, during the index
build, after the commit.

Used by ``tests/hardening/test_crash.py`` (a few seeded points per kind) and
``bench/crash.py`` (the full sweep).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
_DUCKDB = {"execute", "executemany", "sql", "append", "register", "unregister", "commit",
           "rollback", "begin", "checkpoint", "close", "from_arrow", "insert", "create"}  # fmt: skip
_OS = {"write", "pwrite", "fsync", "fdatasync", "replace", "rename", "unlink", "remove",
       "ftruncate", "truncate", "mkdir", "rmdir"}  # fmt: skip
_IO = {"write", "writelines", "flush", "truncate"}
# Python functions whose writes happen in C++ (Arrow's own file system): the call is the site
_PY = {("pyarrow/parquet/core.py", "write_table")}


_ENDS = {False: "c_return", True: "return"}  # how a traced C / Python call ends


def _is_py_write(frame: FrameType) -> bool:
    code = frame.f_code
    return any(code.co_qualname == q and code.co_filename.endswith(f) for f, q in _PY)


def _is_write(fn: Any) -> bool:
    name = getattr(fn, "__name__", "")
    owner = getattr(fn, "__self__", None)
    if owner is None:
        return False
    mod = type(owner).__module__ or ""
    if mod.startswith(("duckdb", "_duckdb")):
        return name in _DUCKDB
    if owner is os or getattr(owner, "__name__", "") == "posix":
        return name in _OS
    if mod == "_io" and name in _IO:
        return (
            "w" in getattr(owner, "mode", "")
            or "a" in getattr(owner, "mode", "")
            or ("+" in getattr(owner, "mode", ""))
        )
    return False


def _site(frame: FrameType | None, name: str) -> str:
    while frame is not None and "/nkwatch/" not in frame.f_code.co_filename:
        frame = frame.f_back
    where = "?"
    if frame is not None:
        where = f"{frame.f_code.co_filename.split('/nkwatch/')[-1]}:{frame.f_lineno}"
    return f"{name} at {where}"


class _Counted:
    """A DuckDB connection whose state-changing calls pass through ``hit`` first (DuckDB's
    pybind11 methods are invisible to ``sys.setprofile``)."""

    def __init__(self, conn: Any, hit: Callable[[str, Callable[[], Any]], Any]) -> None:
        self._conn = conn
        self._hit = hit

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._conn, name)
        if name == "cursor":  # a cursor writes to the same database
            return lambda *a, **k: _Counted(value(*a, **k), self._hit)
        if name not in _DUCKDB or not callable(value):
            return value

        def call(*args: Any, **kwargs: Any) -> Any:
            return self._hit(name, lambda: value(*args, **kwargs))

        return call

    def __enter__(self) -> Any:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def arm(spec: str, log_path: str | None = None) -> None:
    """Install the kill points in this process (every current and future thread)."""
    import duckdb

    counting = spec == "count"
    mark = spec == "mark"  # write NKWATCH_CRASH_LOG at the first write (timed kills), run on
    hold = spec.startswith("hold:")  # stop at the point (marker file) until killed
    spec = spec.removeprefix("hold:")
    after = spec.endswith("+")
    target = -1 if counting or mark else int(spec.rstrip("+"))
    sites: list[str] = []
    times: list[float] = []  # seconds since the first write, per site (``count``)
    lock = threading.Lock()
    state = {"n": 0.0, "t0": 0.0}

    def die(site: str, when: str) -> None:
        if hold and log_path:
            Path(log_path).write_text(site)
            while True:
                time.sleep(1)
        sys.stderr.write(f"crash-at {target}{when}: {site}\n")
        sys.stderr.flush()
        os.kill(os.getpid(), signal.SIGKILL)

    def hit(
        name: str, frame: FrameType | None, run: Callable[[], Any] | None,
        callee: FrameType | None = None,
    ) -> Any:  # fmt: skip
        """Count one write; kill before it, or after it (``run`` it first; for a traced C
        call, ``run`` is None and the kill waits for its ``c_return``; for a traced Python
        function, for the ``return`` of its ``callee`` frame)."""
        with lock:
            state["n"] += 1
            n = int(state["n"])
        if n == 1:
            state["t0"] = time.monotonic()
            if mark and log_path:
                Path(log_path).write_text("first write")
        if counting:
            sites.append(_site(frame, name))
            times.append(time.monotonic() - state["t0"])
        elif n == target and not after:
            die(_site(frame, name), "")
        if run is None:
            if n == target and after:
                armed.append((callee or frame, callee is not None))
            return None
        result = run()
        if n == target and after:
            die(_site(frame, name), "+")
        return result

    armed: list[tuple[FrameType | None, bool]] = []  # (frame, a Python-level site)

    def profile(frame: FrameType, event: str, arg: Any) -> None:
        if event == "c_call" and _is_write(arg):
            hit(arg.__name__, frame, None)
        elif event == "call" and _is_py_write(frame):
            hit(frame.f_code.co_name, frame.f_back, None, callee=frame)
        elif armed and frame is armed[0][0] and event in (_ENDS[armed[0][1]], "c_exception"):
            die(_site(frame, getattr(arg, "__name__", "?")), "+")

    real_connect = duckdb.connect

    def connect(*args: Any, **kwargs: Any) -> Any:
        return _Counted(real_connect(*args, **kwargs),
                        lambda name, run: hit(name, sys._getframe(2), run))  # fmt: skip

    duckdb.connect = connect  # type: ignore[assignment]
    sys.setprofile(profile)
    threading.setprofile(profile)
    if counting and log_path:
        import atexit

        def dump() -> None:
            sys.setprofile(None)
            Path(log_path).write_text(json.dumps(sites))
            Path(f"{log_path}.times").write_text(json.dumps(times))

        atexit.register(dump)


CHILD = """
import os, sys
sys.path.insert(0, {root!r})
from bench.crashkit import arm
arm(os.environ["NKWATCH_CRASH_AT"], os.environ.get("NKWATCH_CRASH_LOG"))
from nkwatch.cli.main import main
sys.argv = ["nkwatch", *sys.argv[1:]]
main()
"""


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}


_PLAIN = (
    "import sys; from nkwatch.cli.main import main; sys.argv = ['nkwatch', *sys.argv[1:]]; main()"
)


def popen_cli(
    argv: Sequence[str], crash_env: dict[str, str] | None = None
) -> subprocess.Popen[str]:
    """``nkwatch ARGV`` started in the background (armed when ``crash_env`` names a point)."""
    code = _PLAIN if crash_env is None else CHILD.format(root=str(ROOT))
    return subprocess.Popen([sys.executable, "-c", code, *argv], env={**_env(), **(crash_env or {})},
                            text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # fmt: skip


def run_cli(argv: Sequence[str], *, crash_at: str | None = None, log: Path | None = None,
            env: dict[str, str] | None = None, timeout: float = 600) -> subprocess.CompletedProcess[str]:  # fmt: skip
    """``nkwatch ARGV`` in a fresh process, armed with a kill point when ``crash_at`` is set."""
    full = {**_env(), **(env or {})}
    if crash_at is None:
        code = _PLAIN
    else:
        code = CHILD.format(root=str(ROOT))
        full["NKWATCH_CRASH_AT"] = crash_at
        if log is not None:
            full["NKWATCH_CRASH_LOG"] = str(log)
    return subprocess.run([sys.executable, "-c", code, *argv], env=full, capture_output=True,
                          text=True, timeout=timeout, check=False)  # fmt: skip


# ---- the state a store holds --------------------------------------------------------------

_VOLATILE = ("TIMESTAMP", "TIME")
_NOISE = re.compile(r'"timings_s": \{[^}]*\}')  # measured durations stored in summaries


def snapshot(folder: Path, db: Path, lake: Path | None = None) -> dict[str, Any]:
    """Everything durable an import can touch: every table's rows (minus wall-clock
    columns), sorted; the files beside the store (name indexes, segments) by name; and with
    ``lake``, the lake's committed state (:func:`lake_state`)."""
    import duckdb

    con = duckdb.connect(str(db))
    try:
        tables = [r[0] for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'"
            " AND table_type = 'BASE TABLE' ORDER BY 1").fetchall()]  # fmt: skip
        out: dict[str, Any] = {}
        for t in tables:
            cols = con.execute(
                "SELECT column_name, data_type FROM information_schema.columns"
                " WHERE table_schema = 'main' AND table_name = ? ORDER BY ordinal_position",
                [t],
            ).fetchall()
            keep = [c for c, ty in cols if not str(ty).upper().startswith(_VOLATILE)]
            if not keep:
                continue
            sel = ", ".join(f'"{c}"' for c in keep)
            rows = con.execute(f'SELECT {sel} FROM "{t}"').fetchall()  # noqa: S608 - names from the catalog
            out[t] = sorted(_NOISE.sub("", repr(r)) for r in rows)
    finally:
        con.close()
    out["__files__"] = _files(db.with_name(db.name + ".d"))
    if lake is not None:
        out.update(lake_state(lake))
    return out


def lake_state(root: Path) -> dict[str, Any]:
    """What readers of a lake see: its manifest's partitions (minus the commit time) with a
    digest of every row of every committed file (each must exist and read); and, derived,
    every file on disk (staging leftovers and orphans must be gone after the next commit)."""
    import hashlib

    import pyarrow.parquet as pq

    from nkwatch.trace.lake.store import Lake

    manifest = Lake(root).manifest()
    parts = []
    for p in manifest.partitions:
        rows = hashlib.sha256()
        for rel in p.files:
            for row in pq.read_table(root / rel).to_pylist():
                rows.update(repr(sorted(row.items())).encode())
        parts.append(repr((p.key, p.files, p.rows, p.min_block, p.max_block, p.origin.split(" at ")[0],
                           rows.hexdigest())))  # fmt: skip
    parts.append(f"commit {manifest.commit} retired {sorted(manifest.retired)}")
    return {"__lake__": parts, "__lake_files__": _files(root, keep_tmp=True)}


def _files(root: Path, keep_tmp: bool = False) -> list[str]:
    """Files under ``root`` by name (an index's ``.tmp`` being written is not one yet)."""
    if not root.exists():
        return []
    return sorted(str(p.relative_to(root)) for p in root.rglob("*")
                  if p.is_file() and (keep_tmp or ".tmp" not in p.name))  # fmt: skip


def digest(state: dict[str, Any], ignore: Sequence[str] = ()) -> str:
    """One SHA-256 over a snapshot (the previous / new version's fingerprint in results)."""
    import hashlib

    body = json.dumps({k: v for k, v in sorted(state.items()) if k not in ignore}, sort_keys=True)
    return hashlib.sha256(body.encode()).hexdigest()[:16]


DERIVED = ("__files__", "__lake_files__")


def differs(a: dict[str, Any], b: dict[str, Any], ignore: Sequence[str] = ()) -> list[str]:
    return [t for t in sorted(set(a) | set(b)) if t not in ignore and a.get(t) != b.get(t)]


# ---- one import kind ---------------------------------------------------------------------


@dataclass
class Kind:
    """An import kind: how to make the previous state, and the import that gets killed."""

    name: str
    prepare: Callable[[Path], None]  # writes the input files into the folder
    previous: list[list[str]]  # commands (``{dir}``, ``{db}`` substituted) making the base
    new: list[str]  # the import that is killed
    check: list[str] | None = None  # a read command that must still succeed after the kill
    lake: bool = False  # the import writes the lake at ``{dir}/lake`` (snapshotted too)


@dataclass
class Outcome:
    kind: str
    point: str
    site: str
    state: str  # "previous" | "new" | "corrupt: ..." | "not reached"
    rerun_ok: bool
    detail: str = ""
    digest: str = ""  # of the state the kill left (tables and lake, without derived files)


@dataclass
class Sweep:
    kind: Kind
    work: Path
    sites: list[str] = field(default_factory=list)
    seconds: float = 0.0  # wall time of the import run clean (start-up included)
    window: float = 0.0  # seconds from the first write to the last (traced run)
    before: dict[str, Any] = field(default_factory=dict)
    after: dict[str, Any] = field(default_factory=dict)
    twice: dict[str, Any] = field(default_factory=dict)  # the import run twice, clean

    def _fill(self, argv: Sequence[str], folder: Path) -> list[str]:
        db = folder / "store.duckdb"
        return [a.replace("{dir}", str(folder)).replace("{db}", str(db)) for a in argv]

    def files(self, folder: Path) -> dict[str, list[str]]:
        """Only the derived part of :meth:`snap`: the files beside the store and the lake."""
        out = {"__files__": _files(folder / "store.duckdb.d")}
        if self.kind.lake:
            out["__lake_files__"] = _files(folder / "lake", keep_tmp=True)
        return out

    def snap(self, folder: Path) -> dict[str, Any]:
        return snapshot(
            folder, folder / "store.duckdb", folder / "lake" if self.kind.lake else None
        )

    def base(self) -> Path:
        folder = self.work / "base"
        folder.mkdir(parents=True)
        self.kind.prepare(folder)
        for argv in self.kind.previous:
            res = run_cli(self._fill(argv, folder))
            assert res.returncode == 0, (argv, res.stdout, res.stderr)
        self.before = self.snap(folder)
        return folder

    def copy(self, name: str = "run") -> Path:
        """The base store in ``work/run`` (one name for every run: imports store file paths)."""
        dest = self.work / "run"
        shutil.rmtree(dest, ignore_errors=True)
        shutil.copytree(self.work / "base", dest, symlinks=True)
        return dest

    def count(self, timed: bool = True) -> int:
        """Run the import once traced: its write sites and the new state (and, for timed
        points, its clean wall time)."""
        folder = self.copy()
        log = self.work / "sites.json"
        res = run_cli(self._fill(self.kind.new, folder), crash_at="count", log=log)
        assert res.returncode == 0, (res.stdout, res.stderr)
        self.sites = json.loads(log.read_text())
        times = json.loads(Path(f"{log}.times").read_text())
        self.window = times[-1] - times[0] if times else 0.0
        self.after = self.snap(folder)
        assert differs(self.before, self.after), "the import changed nothing: no test"
        again = run_cli(self._fill(self.kind.new, folder))
        assert again.returncode == 0, again.stderr
        self.twice = self.snap(folder)
        shutil.rmtree(folder)
        if not timed:
            return len(self.sites)
        folder = self.copy()
        start = time.monotonic()
        res = run_cli(self._fill(self.kind.new, folder))
        self.seconds = time.monotonic() - start
        assert res.returncode == 0 and not differs(self.snap(folder), self.after)
        shutil.rmtree(folder)
        return len(self.sites)

    def points(self, how_many: int) -> list[str]:
        """``how_many`` points: spread over every write site (alternating before/after the
        call); when there are fewer sites than that, the rest are kills at times spread over
        the import's writes (``t<ms>``: that long after its first write, over the traced
        run's span from first to last write), which land inside DuckDB's and Arrow's own work
        (insert, commit, WAL write, Parquet pages) where no Python call marks a point."""
        n = len(self.sites)
        if how_many >= 2 * n:
            sited = [f"{i}{s}" for i in range(1, n + 1) for s in ("", "+")]
            rest = how_many - len(sited)
            rest += max(4, rest // 4)  # a timed kill after the last write is not counted
            ms = self.window * 1000
            timed = [f"t{round(ms * (k + 0.5) / max(rest, 1))}" for k in range(rest)]
            return sited + timed
        step = (2 * n - 1) / max(how_many - 1, 1)
        picks = sorted({round(k * step) for k in range(how_many)})
        return [f"{p // 2 + 1}{'+' if p % 2 else ''}" for p in picks]

    def _killed(self, point: str, folder: Path) -> tuple[bool, str, str]:
        """Run the import to ``point``; (killed, site, stderr)."""
        argv = self._fill(self.kind.new, folder)
        if point.startswith("t"):
            marker = self.work / "first-write"
            marker.unlink(missing_ok=True)
            proc = popen_cli(argv, {"NKWATCH_CRASH_AT": "mark", "NKWATCH_CRASH_LOG": str(marker)})
            while not marker.exists() and proc.poll() is None:
                time.sleep(0.001)
            try:
                proc.wait(timeout=int(point[1:]) / 1000)
            except subprocess.TimeoutExpired:
                proc.send_signal(signal.SIGKILL)
            _, err = proc.communicate()
            return proc.returncode == -signal.SIGKILL, f"{point[1:]} ms after the first write", err
        site = self.sites[int(point.rstrip("+")) - 1]
        res = run_cli(argv, crash_at=point)
        return res.returncode == -signal.SIGKILL, site, res.stderr

    def kill_at(self, point: str) -> Outcome:
        folder = self.copy()
        try:
            killed, site, err = self._killed(point, folder)
            if not killed:
                return Outcome(self.kind.name, point, site, "not reached", True, err[-300:])
            try:
                got = self.snap(folder)
            except Exception as exc:  # the store does not open: the worst outcome
                return Outcome(self.kind.name, point, site, f"corrupt: {exc}", False)
            left = digest(got, DERIVED)
            # name indexes are a cache beside the store (rebuilt when missing): the tables
            # decide between the previous and the new state; the check below uses the index
            if not differs(got, self.before, DERIVED):
                state = "previous"
            elif not differs(got, self.after, DERIVED):
                state = "new"
            else:
                state = "corrupt: " + ",".join(differs(got, self.before, DERIVED))
            detail = ""
            # the re-run: from the previous state it must give exactly the new one; from the
            # new state, exactly what a second clean run gives (an import may be a no-op that
            # audits itself, a screening run adds a second screening)
            rerun = run_cli(self._fill(self.kind.new, folder))
            final = self.snap(folder)
            want = self.after if state == "previous" else self.twice
            ok = rerun.returncode == 0 and not differs(final, want, DERIVED)
            if not ok:
                detail += f" rerun exit {rerun.returncode}: {rerun.stderr[-300:]} differs: {differs(final, want, DERIVED)}"
            if self.kind.check is not None:  # then a read must answer (it may audit itself)
                chk = run_cli(self._fill(self.kind.check, folder))
                if chk.returncode != 0:
                    state, detail = "corrupt: check failed", detail + chk.stderr[-300:]
            # and the name index (a cache) is back, rebuilt by the re-run or the lookup; no
            # staged or orphaned lake file is left
            now = self.files(folder)
            for key in DERIVED:
                if now.get(key) != want.get(key):
                    ok, detail = False, detail + f" {key} {now.get(key)} != {want.get(key)}"
            return Outcome(self.kind.name, point, site, state, ok, detail, left)
        finally:
            shutil.rmtree(folder, ignore_errors=True)


# ---- the service's audit segments ----------------------------------------------------------

AUDIT_CHILD = """
import os, sys
sys.path.insert(0, {root!r})
from bench.crashkit import arm, audit_recover, audit_writer
if os.environ.get("NKWATCH_CRASH_AT"):
    arm(os.environ["NKWATCH_CRASH_AT"], os.environ.get("NKWATCH_CRASH_LOG"))
if sys.argv[1] == "recover":
    audit_recover(*sys.argv[2:])
else:
    audit_writer(*sys.argv[1:])
"""


def audit_writer(db: str, segments: str, answered: str, count: str) -> None:
    """A worker and its owner in one process: each entry is appended to a segment and
    synced ("answered": its id is then noted in ``answered``, synced too), and every few
    entries the owner's ingester moves the segment into ``audit_log``."""
    import asyncio

    from nkwatch.service.access import StoreAccess
    from nkwatch.service.segments import SegmentIngester, SegmentWriter
    from nkwatch.settings import Settings

    access = StoreAccess(Settings.from_env({"HOME": str(Path(db).parent)}, db_path=Path(db)))
    ingester = SegmentIngester(access, Path(segments))

    async def reserve(n: int) -> list[int]:
        rows = access.view().query("SELECT nextval('audit_log_id') FROM range(?)", [n])
        return sorted(int(r[0]) for r in rows)

    async def run() -> None:
        writer = SegmentWriter(Path(segments), reserve)
        note = os.open(answered, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        for i in range(int(count)):
            ids = await asyncio.gather(*(writer.record(
                actor="key:crash", action="screen.address", query={"n": i, "k": k},
                result={"hit": False}, list_versions=[]) for k in range(3)))  # fmt: skip
            os.write(note, "".join(f"{x}\n" for x in ids).encode())
            os.fsync(note)
            if i % 4 == 3:
                ingester.drain()
        await writer.close()
        ingester.drain()

    asyncio.run(run())
    access.close()


def audit_recover(db: str, segments: str) -> None:
    """What the next owner start does first: ingest every segment left behind."""
    from nkwatch.service.access import StoreAccess
    from nkwatch.service.segments import SegmentIngester
    from nkwatch.settings import Settings

    access = StoreAccess(Settings.from_env({"HOME": str(Path(db).parent)}, db_path=Path(db)))
    SegmentIngester(access, Path(segments)).drain()
    access.close()


def audit_state(db: Path, segments: Path, answered: Path) -> list[str]:
    """After a crash, recover as the next owner start does; the problems found (none: [])."""
    from nkwatch.service.access import StoreAccess
    from nkwatch.service.segments import SegmentIngester
    from nkwatch.settings import Settings

    access = StoreAccess(Settings.from_env({"HOME": str(db.parent)}, db_path=db))
    try:
        SegmentIngester(access, segments).drain()
        store = access.view()
        ids = [int(r[0]) for r in store.query("SELECT id FROM audit_log WHERE actor = 'key:crash'")]
        left = [str(r[0]) for r in store.query("SELECT name FROM service_audit_segments")]
    finally:
        access.close()
    said = [int(x) for x in answered.read_text().split()] if answered.exists() else []
    problems = []
    if len(ids) != len(set(ids)):
        problems.append(f"{len(ids) - len(set(ids))} entries counted twice")
    if missing := set(said) - set(ids):
        problems.append(f"{len(missing)} answered entries missing from audit_log")
    if stale := [n for n in left if not (segments / n).exists()]:
        problems.append(f"offsets kept for {len(stale)} removed segment(s)")
    if list(segments.glob("seg-*")):
        problems.append("segments of a dead writer not ingested")
    return problems


def run_audit(folder: Path, crash_at: str | None, count: int = 12, *, recover: bool = False) -> subprocess.CompletedProcess[str]:  # fmt: skip
    """The writer (or with ``recover`` the next start's ingest) in a fresh process."""
    env = {**_env()}
    if crash_at is not None:
        env["NKWATCH_CRASH_AT"] = crash_at
        env["NKWATCH_CRASH_LOG"] = str(folder / ("recover.json" if recover else "sites.json"))
    argv = [
        str(folder / "store.duckdb"),
        str(folder / "segments"),
        str(folder / "answered"),
        str(count),
    ]
    if recover:
        argv = ["recover", *argv[:2]]
    return subprocess.run([sys.executable, "-c", AUDIT_CHILD.format(root=str(ROOT)), *argv],
                          env=env, capture_output=True, text=True, timeout=600, check=False)  # fmt: skip
