"""Safe extraction of the archives a lure arrives in (.zip, .tar.gz/.tgz, wheels, sdists).

Every member is checked before a byte is written: no absolute paths, no ``..`` escapes,
no links or device files (a symlink is skipped and named in a note, never created), and
limits on member count, total size, single size, compression ratio and depth. Members are
written by nkwatch itself (never ``extractall``) under a fresh temporary directory, with
their data read in bounded chunks so a lying header cannot run past the limits.
"""

from __future__ import annotations

import stat
import tarfile
import zipfile
from collections.abc import Iterator
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
        elif info.is_dir():
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


def _copy(src: IO[bytes], dest: Path, budget: int, name: str, where: str, limit_name: str) -> int:
    written = 0
    with dest.open("xb") as out:
        while chunk := src.read(1 << 20):
            written += len(chunk)
            if written > budget:
                raise UserError(
                    f"archive expands past the {limit_name} limit at {name!r}: refused", where=where
                )
            out.write(chunk)
    return written


def extract(archive: Path, into: Path, limits: Limits | None = None) -> list[Note]:
    """Extract ``archive`` under ``into`` (an empty temporary directory) or raise UserError."""
    limits = limits or Limits()
    where = archive.name
    compressed = max(archive.stat().st_size, 1)
    notes: list[Note] = []
    try:
        if zipfile.is_zipfile(archive):
            with zipfile.ZipFile(archive) as zf:
                _write_all(_zip_members(zf), into, limits, compressed, where, notes)
        elif tarfile.is_tarfile(archive):
            with tarfile.open(archive, mode="r:*") as tf:
                _write_all(_tar_members(tf), into, limits, compressed, where, notes)
        else:
            raise UserError("not a zip or tar archive (or it is corrupt)", where=where)
    except (zipfile.BadZipFile, tarfile.TarError, EOFError, OSError, ValueError) as exc:
        if isinstance(exc, UserError):
            raise
        raise UserError(f"corrupt archive: {str(exc).splitlines()[0][:120]}", where=where) from None
    return notes


def _write_all(
    members: Iterator[_Member],
    into: Path,
    limits: Limits,
    compressed: int,
    where: str,
    notes: list[Note],
) -> None:
    total = 0
    count = 0
    root = into.resolve()
    for m in members:
        count += 1
        if count > limits.max_files:
            raise UserError(
                f"archive has more than {limits.max_files:,} members (file-count limit): refused",
                where=where,
            )
        rel = _safe_name(m.name, where, limits)
        if m.kind in ("link", "special"):
            notes.append(Note(str(rel), f"{m.kind} in archive: not extracted"))
            continue
        dest = root.joinpath(*rel.parts)
        if not dest.resolve().is_relative_to(root):
            raise UserError(f"archive member {m.name!r} escapes the folder: refused", where=where)
        if m.kind == "dir":
            dest.mkdir(parents=True, exist_ok=True)
            continue
        if m.size > limits.max_member:
            raise UserError(
                f"member {m.name!r} is larger than the {limits.max_member >> 20} MiB member limit: refused",
                where=where,
            )
        budget = min(
            limits.max_total - total, limits.max_ratio * compressed - total, limits.max_member
        )
        name = (
            "total-size"
            if limits.max_total - total <= limits.max_ratio * compressed - total
            else "compression-ratio"
        )
        dest.parent.mkdir(parents=True, exist_ok=True)
        if dest.exists():
            notes.append(Note(str(rel), "duplicate member: first copy kept"))
            continue
        src = m.open()  # type: ignore[operator]
        if src is None:
            continue
        with src:
            total += _copy(src, dest, budget, m.name, where, name)
