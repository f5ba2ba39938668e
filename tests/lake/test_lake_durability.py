"""A lake commit is durable in order: data files, then their folders, then the manifest.

SIGKILL cannot lose what the page cache holds, so the crash sweep cannot see a missing
fsync; a power cut can. This records every fsync and rename the commit makes and checks that
no manifest reaches disk before the bytes and the directory entries it names.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from tests.lake import breakcases as bc

from nkwatch.trace.lake import store as lake_store
from nkwatch.trace.lake.importer import import_files
from nkwatch.trace.lake.store import Lake


def test_commit_fsyncs_files_and_folders_before_the_manifest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    events: list[tuple[str, str]] = []
    real_fsync, real_replace = lake_store._fsync_path, os.replace

    def fsync_path(path: Path) -> None:
        events.append(("fsync", str(path)))
        real_fsync(path)

    def replace(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        events.append(("rename", str(dst)))
        real_replace(src, dst)

    monkeypatch.setattr(lake_store, "_fsync_path", fsync_path)
    monkeypatch.setattr(lake_store.os, "replace", replace)
    lake = Lake(tmp_path / "lake")
    files = bc.write_files(bc.build(extra_hub_senders=2), tmp_path / "in")
    result = import_files(lake, "ethereum-etl", files)

    named = [lake.root / f for p in result.partitions for f in p.files]
    assert named, "the import wrote no partition"
    manifest_at = events.index(("rename", str(lake.root / lake_store.MANIFEST)))
    before = events[:manifest_at]
    for path in named:
        rename = before.index(("rename", str(path)))
        staged = [i for i, (kind, p) in enumerate(before) if kind == "fsync" and p.endswith(
            str(path.relative_to(lake.root)))]  # fmt: skip
        assert staged and staged[0] < rename, f"{path.name} renamed before its data was synced"
        assert ("fsync", str(path.parent)) in before[rename:], f"{path.parent} not synced"
    assert events[manifest_at + 1] == ("fsync", str(lake.root))  # the manifest's own rename
