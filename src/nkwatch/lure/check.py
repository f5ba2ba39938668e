"""Check a folder, a single file or an archive; archives are unpacked into a temporary
directory that is removed afterwards, whatever happens."""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import replace
from pathlib import Path

from nkwatch.errors import UserError
from nkwatch.lure.extract import Limits, extract, is_archive
from nkwatch.lure.model import Report
from nkwatch.lure.scan import scan


def check_path(path: Path, *, limits: Limits | None = None) -> Report:
    limits = limits or Limits()
    if not path.exists():
        raise UserError("no such file or folder", where=str(path))
    if path.is_dir():
        return scan(path, path.name or str(path))
    if not path.is_file():
        raise UserError("not a regular file or folder", where=str(path))
    with tempfile.TemporaryDirectory(prefix="nkwatch-lure-") as tmp:
        root = Path(tmp)
        if is_archive(path):
            notes = extract(path, root / "x", limits)
            report = scan(root / "x", path.name)
            return replace(report, notes=tuple(notes) + report.notes)
        (root / "x").mkdir()
        shutil.copyfile(path, root / "x" / path.name)
        return scan(root / "x", path.name)


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
        notes = extract(archive, Path(tmp) / "x", limits)
        report = scan(Path(tmp) / "x", name)
        return replace(report, notes=tuple(notes) + report.notes)
