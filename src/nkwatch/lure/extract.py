"""Safe reading of the archives a lure arrives in (.zip, .tar.gz/.tgz, wheels, sdists).

Every member is checked before a byte of it is used: no absolute paths, no ``..`` escapes,
no links or device files (a link is skipped and named in a note, never created), and limits
on member count, total size, single size, compression ratio and depth. Member data is read
in bounded chunks, so a lying header cannot run past the limits, and kept in memory for the
checkers (nothing is extracted: writing, re-reading and deleting thousands of files cost
more than the checks); only past :attr:`Limits.max_memory` are members written, by nkwatch
itself (never ``extractall``), under the caller's temporary directory.
"""

from __future__ import annotations

import lzma
import stat
import tarfile
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO

from nkwatch.errors import UserError
from nkwatch.lure.model import Note


@dataclass(frozen=True)
class Limits:
    max_files: int = 50_000
    max_total: int = 1 << 30  # 1 GiB uncompressed
    max_member: int = 256 << 20
    max_ratio: int = 200  # uncompressed / compressed, whole archive
    max_depth: int = 32
    max_memory: int = 256 << 20  # member bytes kept in memory; the rest go to the spill folder


ARCHIVE_SUFFIXES = (".zip", ".whl", ".tar.gz", ".tgz", ".tar", ".tar.bz2", ".tar.xz", ".jar")


def is_archive(path: Path) -> bool:
    return path.name.lower().endswith(ARCHIVE_SUFFIXES)


@dataclass(frozen=True)
class _Member:
    name: str
    size: int
    kind: str  # file | dir | link | special
    open: object  # () -> IO[bytes]


def _safe_name(name: str, where: str, limits: Limits) -> PurePosixPath:
    clean = name.replace("\\", "/")
    path = PurePosixPath(clean)
    if clean.startswith("/") or (len(clean) > 1 and clean[1] == ":") or "\x00" in clean:
        raise UserError(f"archive member {name!r} has an absolute path: refused", where=where)
    if not path.parts:  # "" or "." names nothing: a forged archive (found by fuzzing)
        raise UserError(f"archive member {name!r} has no name: refused", where=where)
    if ".." in path.parts:
        raise UserError(f"archive member {name!r} escapes the folder (..): refused", where=where)
    if len(path.parts) > limits.max_depth:
        raise UserError(
            f"archive member {name!r} is nested deeper than {limits.max_depth} folders: refused",
            where=where,
        )
    return path


def _zip_members(zf: zipfile.ZipFile) -> Iterator[_Member]:
    for info in zf.infolist():
        mode = info.external_attr >> 16
        if stat.S_ISLNK(mode):
            kind = "link"
        elif info.filename.endswith("/"):  # is_dir() indexes [-1]: an empty name (fuzzing)
            kind = "dir"
        elif mode and not stat.S_ISREG(mode) and stat.S_IFMT(mode):
            kind = "special"
        else:
            kind = "file"
        yield _Member(info.filename, info.file_size, kind, lambda i=info: zf.open(i))


def _tar_members(tf: tarfile.TarFile) -> Iterator[_Member]:
    for info in tf:
        if info.isreg():
            kind = "file"
        elif info.isdir():
            kind = "dir"
        elif info.issym() or info.islnk():
            kind = "link"
        else:
            kind = "special"
        yield _Member(info.name, info.size, kind, lambda i=info: tf.extractfile(i))


@dataclass(frozen=True)
class Entry:
    """One archive member the checkers get: its bytes (``data``), or where they were spilled
    (``path``), or neither when ``keep`` said no checker reads it."""

    rel: str
    size: int
    data: bytes | None = None
    path: Path | None = None


class _Budget:
    """Bytes read so far against the total-size and compression-ratio limits."""

    def __init__(self, limits: Limits, compressed: int, where: str) -> None:
        self.limits, self.compressed, self.where, self.total = limits, compressed, where, 0

    def read(self, src: IO[bytes], name: str, keep: int) -> tuple[int, bytes]:
        """Read a member whole (checking every chunk): its size and its first ``keep`` bytes."""
        lim = self.limits
        by_total, by_ratio = (
            lim.max_total - self.total,
            lim.max_ratio * self.compressed - self.total,
        )
        budget = min(by_total, by_ratio, lim.max_member)
        limit_name = "total-size" if by_total <= by_ratio else "compression-ratio"
        kept: list[bytes] = []
        size = got = 0
        while chunk := src.read(1 << 20):
            size += len(chunk)
            if size > budget:
                raise UserError(
                    f"archive expands past the {limit_name} limit at {name!r}: refused",
                    where=self.where,
                )
            if got < keep:
                kept.append(chunk[: keep - got])
                got += len(kept[-1])
        self.total += size
        return size, b"".join(kept)


def unpack(
    archive: Path, limits: Limits, keep: Callable[[str, int], int], spill: Path
) -> tuple[list[Entry], list[Note]]:
    """The members of ``archive`` (or a UserError). ``keep(rel, size)`` says how many of a
    member's bytes the checkers need (0: none; every member is still read, to hold the
    limits); ``spill`` is an empty temporary folder for members past ``max_memory``."""
    where = archive.name
    compressed = max(archive.stat().st_size, 1)
    notes: list[Note] = []
    try:
        if zipfile.is_zipfile(archive):
            with zipfile.ZipFile(archive) as zf:
                entries = _read_all(_zip_members(zf), limits, compressed, where, notes, keep, spill)
        elif tarfile.is_tarfile(archive):
            with tarfile.open(archive, mode="r:*") as tf:
                entries = _read_all(_tar_members(tf), limits, compressed, where, notes, keep, spill)
        else:
            raise UserError("not a zip or tar archive (or it is corrupt)", where=where)
    except (zipfile.BadZipFile, tarfile.TarError, EOFError, OSError, ValueError, zlib.error,
            lzma.LZMAError, NotImplementedError, RuntimeError) as exc:  # fmt: skip
        # NotImplementedError: a compression method zipfile lacks; RuntimeError: an encrypted
        # member; zlib/lzma errors: damaged compressed data (all found by fuzzing)
        if isinstance(exc, UserError):
            raise
        text = str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__
        raise UserError(f"corrupt or unsupported archive: {text}", where=where) from None
    return entries, notes


def _read_all(
    members: Iterator[_Member],
    limits: Limits,
    compressed: int,
    where: str,
    notes: list[Note],
    keep: Callable[[str, int], int],
    spill: Path,
) -> list[Entry]:
    budget = _Budget(limits, compressed, where)
    entries: dict[str, Entry] = {}
    memory = 0
    for count, m in enumerate(members, 1):
        if count > limits.max_files:
            raise UserError(
                f"archive has more than {limits.max_files:,} members (file-count limit): refused",
                where=where,
            )
        rel = _safe_name(m.name, where, limits)
        if m.kind in ("link", "special"):
            notes.append(Note(str(rel), f"{m.kind} in archive: not extracted"))
            continue
        if m.kind == "dir" or not rel.parts:
            continue
        if m.size > limits.max_member:
            raise UserError(
                f"member {m.name!r} is larger than the {limits.max_member >> 20} MiB member limit: refused",
                where=where,
            )
        src = m.open()  # type: ignore[operator]
        if src is None:
            continue
        with src:
            size, data = budget.read(src, m.name, keep(rel.as_posix(), m.size))
        if rel.as_posix() in entries:
            notes.append(Note(str(rel), "duplicate member: first copy kept"))
            continue
        entry = Entry(rel.as_posix(), size, data)
        if memory + len(data) > limits.max_memory:
            entry = _spilled(entry, spill)
        else:
            memory += len(data)
        entries[entry.rel] = entry
    return list(entries.values())


def _spilled(entry: Entry, spill: Path) -> Entry:
    """Write a kept member under ``spill`` (its name already checked) and hold only the path."""
    dest = spill.joinpath(*PurePosixPath(entry.rel).parts)
    if not dest.resolve().is_relative_to(spill.resolve()):
        raise UserError(
            f"archive member {entry.rel!r} escapes the folder: refused", where=entry.rel
        )
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_bytes(entry.data or b"")
    return Entry(entry.rel, entry.size, None, dest)
