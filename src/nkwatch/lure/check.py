"""Check a folder, a single file or an archive. Archive members are read into memory after
the safety checks (nothing is extracted); members past the memory budget spill into a
temporary directory that is removed afterwards, whatever happens."""

from __future__ import annotations

import tempfile
from pathlib import Path

from nkwatch.errors import UserError
from nkwatch.lure.extract import Entry, Limits, is_archive, unpack
from nkwatch.lure.model import Report
from nkwatch.lure.scan import keep_bytes, scan, scan_entries


def check_path(path: Path, *, limits: Limits | None = None) -> Report:
    limits = limits or Limits()
    if not path.exists():
        raise UserError("no such file or folder", where=str(path))
    if path.is_dir():
        return scan(path, path.name or str(path))
    if not path.is_file():
        raise UserError("not a regular file or folder", where=str(path))
    if not is_archive(path):
        data = path.read_bytes()
        return scan_entries([Entry(path.name, len(data), data)], path.name, [])
    with tempfile.TemporaryDirectory(prefix="nkwatch-lure-") as tmp:
        entries, notes = unpack(path, limits, keep_bytes, Path(tmp))
        return scan_entries(entries, path.name, notes)


def check_bytes(name: str, data: bytes, *, limits: Limits | None = None) -> Report:
    """An uploaded archive (the API): written under a fixed name in a temporary directory."""
    limits = limits or Limits()
    suffix = next(
        (s for s in (".tar.gz", ".tgz", ".zip", ".whl", ".tar") if name.lower().endswith(s)), None
    )
    if suffix is None:
        raise UserError("expected a .zip, .whl, .tar.gz, .tgz or .tar archive", where=name)
    with tempfile.TemporaryDirectory(prefix="nkwatch-lure-up-") as tmp:
        archive = Path(tmp) / f"upload{suffix}"
        archive.write_bytes(data)
        (Path(tmp) / "x").mkdir()
        entries, notes = unpack(archive, limits, keep_bytes, Path(tmp) / "x")
        return scan_entries(entries, name, notes)
