"""The lake on disk: Parquet files per partition and one committed manifest.

Layout under the lake root::

    _manifest.json                      the committed state (the only thing readers trust)
    transfers/chain=ethereum/range=150/token_transfers-c000042.parquet
    utxo_outputs/chain=bitcoin/range=0/utxo-c000007.parquet
    _staging/c000043/...                files of an import not yet committed

A partition is (table, chain, range, dataset). An import writes its files under
``_staging``, renames them into place under names no manifest refers to yet, then commits by
atomically replacing ``_manifest.json`` (write a temporary file, fsync, ``os.replace``).
Until that rename, readers see the previous lake; after it, the new one. Re-importing a
partition replaces its entry, never adds rows twice. Files a commit replaced are deleted
one commit later (readers that listed them just before keep working), and files no
manifest names (an import killed before its commit) are swept by the next commit.
Writers hold an exclusive ``fcntl`` lock on ``.lock``; readers take no lock.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from nkwatch.errors import UserError

FORMAT = "nkwatch-lake/1"
MANIFEST = "_manifest.json"


@dataclass(frozen=True)
class Partition:
    table: str
    chain: str
    range: int
    dataset: str
    files: tuple[str, ...]  # relative to the lake root
    rows: int
    min_block: int
    max_block: int
    origin: str  # which files were imported, and when
    bytes: int = 0

    @property
    def key(self) -> tuple[str, str, int, str]:
        return (self.table, self.chain, self.range, self.dataset)


@dataclass(frozen=True)
class Manifest:
    commit: int = 0
    partitions: tuple[Partition, ...] = ()
    retired: tuple[str, ...] = ()  # files replaced by the last commit, deleted by the next
    committed_at: str = ""
    extra: dict[str, object] = field(default_factory=dict)

    def select(self, table: str, chain: str | None = None) -> list[Partition]:
        found = [p for p in self.partitions if p.table == table and chain in (None, p.chain)]
        return sorted(found, key=lambda p: p.key)

    def files(self, table: str, chain: str | None = None) -> list[str]:
        return [f for p in self.select(table, chain) for f in p.files]

    def fingerprint(self, table: str, chain: str) -> str:
        parts = self.select(table, chain)
        if not parts:
            return f"{chain}: empty lake"
        rows = sum(p.rows for p in parts)
        top = max(p.max_block for p in parts)
        return f"{chain}: {rows} {table} to block {top} (lake commit {self.commit})"


class Lake:
    """A lake root on the local filesystem (Spark may read it through any URI it supports)."""

    def __init__(self, root: Path, uri: str | None = None) -> None:
        self.root = root
        self.uri = uri or str(root)

    # -- reading -----------------------------------------------------------------------
    def manifest(self) -> Manifest:
        path = self.root / MANIFEST
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return Manifest()
        except (OSError, json.JSONDecodeError) as exc:
            raise UserError(f"unreadable lake manifest: {exc}", where=str(path)) from exc
        if raw.get("format") != FORMAT:
            raise UserError(f"not an {FORMAT} manifest", where=str(path))
        parts = tuple(
            Partition(**{**p, "files": tuple(p["files"])}) for p in raw.get("partitions", [])
        )
        return Manifest(int(raw["commit"]), parts, tuple(raw.get("retired", [])),
                        str(raw.get("committed_at", "")), dict(raw.get("extra", {})))  # fmt: skip

    def paths(self, table: str, chain: str | None = None) -> list[str]:
        """Absolute file paths (or URIs) of a table's committed files."""
        base = self.uri.rstrip("/")
        return [f"{base}/{f}" for f in self.manifest().files(table, chain)]

    # -- writing -----------------------------------------------------------------------
    @contextlib.contextmanager
    def writer(self) -> Iterator[LakeWriter]:
        self.root.mkdir(parents=True, exist_ok=True)
        with (self.root / ".lock").open("a+") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield LakeWriter(self)
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)


class LakeWriter:
    """Held under the lake's lock: stage files, then :meth:`commit` them in one step."""

    def __init__(self, lake: Lake) -> None:
        self.lake = lake
        self.base = lake.manifest()
        self.commit_id = self.base.commit + 1
        self.staging = lake.root / "_staging" / f"c{self.commit_id:07d}"
        shutil.rmtree(self.staging, ignore_errors=True)
        self.staging.mkdir(parents=True)

    def final_name(self, table: str, chain: str, rng: int, dataset: str, n: int) -> str:
        return f"{table}/chain={chain}/range={rng}/{dataset}-c{self.commit_id:07d}-{n}.parquet"

    def commit(
        self, partitions: Sequence[Partition], extra: dict[str, object] | None = None
    ) -> Manifest:
        """Move staged files into place and publish the new manifest atomically."""
        root = self.lake.root
        moved_to: set[Path] = set()
        for part in partitions:
            for rel in part.files:
                staged = self.staging / rel
                _fsync_path(staged)  # its bytes on disk before any manifest can name it
                (root / rel).parent.mkdir(parents=True, exist_ok=True)
                os.replace(staged, root / rel)
                moved_to.add((root / rel).parent)
        for folder in sorted(moved_to):  # the renames themselves, before the manifest's
            _fsync_path(folder)
        new_keys = {p.key for p in partitions}
        kept = [p for p in self.base.partitions if p.key not in new_keys]
        retired = [f for p in self.base.partitions if p.key in new_keys for f in p.files]
        manifest = Manifest(
            self.commit_id,
            tuple(sorted([*kept, *partitions], key=lambda p: p.key)),
            tuple(retired),
            datetime.now(UTC).isoformat(timespec="seconds"),
            {**self.base.extra, **(extra or {})},
        )
        _write_atomic(root / MANIFEST, _dump(manifest))
        self._sweep(manifest)
        return manifest

    def abandon(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)

    def _sweep(self, manifest: Manifest) -> None:
        """Delete what the previous commit retired, files no manifest names, and manifest
        drafts a killed commit left (``_manifest.json.tmp-<pid>``: the lock is ours)."""
        root = self.lake.root
        for draft in root.glob(f"{MANIFEST}.tmp-*"):
            draft.unlink(missing_ok=True)
        live = {f for p in manifest.partitions for f in p.files} | set(manifest.retired)
        for table_dir in root.iterdir():
            if not table_dir.is_dir() or table_dir.name.startswith(("_", ".")):
                continue
            for path in table_dir.rglob("*.parquet"):
                if str(path.relative_to(root)) not in live:
                    path.unlink(missing_ok=True)
        shutil.rmtree(root / "_staging", ignore_errors=True)


def _dump(m: Manifest) -> str:
    body = {
        "format": FORMAT,
        "commit": m.commit,
        "committed_at": m.committed_at,
        "partitions": [asdict(p) for p in m.partitions],
        "retired": list(m.retired),
        "extra": m.extra,
    }
    return json.dumps(body, indent=1, sort_keys=True)


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f"{path.name}.tmp-{os.getpid()}")
    with tmp.open("w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
    _fsync_path(path.parent)


def _fsync_path(path: Path) -> None:
    """Flush a file's data or a folder's entries to disk: SIGKILL cannot lose what the page
    cache holds, a power cut can, so data files and renames are durable before the manifest
    that names them is."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
