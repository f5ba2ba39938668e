"""Where persisted name indexes live, and the load-or-build step every screener goes through.

A store file ``/data/nkwatch.duckdb`` keeps its name indexes in ``/data/nkwatch.duckdb.d/
name-index/``, one file per (active list versions, matcher fingerprint), named by a digest of
both: a new list import or a changed matcher simply looks for another file. The index is
written when lists are imported (``refresh``) and, when it is missing, by the first lookup
that needs it. A file that cannot be used (damaged, truncated, foreign, built for another
matcher) is rebuilt with a warning; a folder that cannot be written costs a rebuild per
process and a warning, never a failed lookup. The newest ``KEEP`` files stay, older ones go.

The file is as trusted as the store beside it (same owner, same folder) and is parsed, not
unpickled (``names.persist``); its sha256 trailer guards against damage, not against an
attacker who can already rewrite the store.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Sequence
from pathlib import Path

from nkwatch.sanctions.model import Relationship
from nkwatch.sanctions.names import NameIndex, hanfile, persist
from nkwatch.sanctions.partycodec import PartyRows
from nkwatch.sanctions.repository import (
    ListVersion,
    LoadedLists,
    load_active,
)
from nkwatch.store import Store

log = logging.getLogger("nkwatch.sanctions")

FOLDER = "name-index"
SUFFIX = ".nkidx"
KEEP = 3  # index files kept per store (the current lists, and a rollback or two)
_STALE_TMP_S = 3600.0


def index_dir(store_path: Path) -> Path | None:
    """``<store>.d/name-index`` beside a store file; ``None`` for an in-memory store."""
    if str(store_path) in ("", ":memory:"):
        return None
    return store_path.with_name(store_path.name + ".d") / FOLDER


def index_key(version_ids: Sequence[str]) -> persist.IndexKey:
    return persist.IndexKey(tuple(sorted(version_ids)), persist.fingerprint())


def index_path(directory: Path, key: persist.IndexKey) -> Path:
    named = "\n".join((*key.versions, key.fingerprint))
    return directory / f"{hashlib.sha256(named.encode()).hexdigest()[:32]}{SUFFIX}"


def load_index(store_path: Path, version_ids: Sequence[str]) -> NameIndex | None:
    """The persisted index of these versions (its parties decode on use); ``None`` when there
    is none yet, or (with a warning) when the file there cannot be used."""
    directory = index_dir(store_path)
    if directory is None:
        return None
    path = index_path(directory, index_key(version_ids))
    if not path.exists():
        return None
    try:
        return persist.load(path, index_key(version_ids))
    except persist.IndexFileError as exc:
        log.warning("nkwatch: name index unusable, rebuilding it: %s", exc)
        return None


def open_name_index(store_path: Path, lists: LoadedLists) -> NameIndex:
    """The name index of ``lists``: read from its file, else built (and written for next time)."""
    found = load_index(store_path, lists.version_ids)
    if found is not None:
        return found
    index = NameIndex.build(lists.parties)
    directory = index_dir(store_path)
    if directory is not None:
        save(
            index, index_path(directory, index_key(lists.version_ids)), index_key(lists.version_ids)
        )
    return index


def with_index(
    index: NameIndex, versions: Sequence[ListVersion], relationships: Sequence[Relationship]
) -> LoadedLists:
    """Active lists whose parties are the persisted index's own (decoded when first used)."""
    parties = index.parties
    by_id = parties.by_id() if isinstance(parties, PartyRows) else {p.entity_id: p for p in parties}
    return LoadedLists(tuple(versions), parties, tuple(relationships), by_id)


def save(index: NameIndex, path: Path, key: persist.IndexKey) -> bool:
    """Write the index file (atomically) and prune old ones; a failure is a warning only."""
    try:
        persist.write(index, path, key)
    except OSError as exc:
        log.warning("nkwatch: cannot write the name index %s (%s); lookups rebuild it", path, exc)
        return False
    _prune(path.parent, keep=path)
    return True


def refresh(store: Store) -> Path | None:
    """After an import: make sure the active lists' index file exists (build it if not), and
    the Han readings file a cold Han lookup reads (``names.hanfile``, once per installation)."""
    hanfile.ensure()
    directory = index_dir(store.path)
    lists = load_active(store, lazy=True)
    if directory is None or not lists.versions:
        return None
    open_name_index(store.path, lists)
    path = index_path(directory, index_key(lists.version_ids))
    return path if path.exists() else None


def _prune(directory: Path, keep: Path) -> None:
    try:
        files = sorted(directory.glob(f"*{SUFFIX}"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in [f for f in files if f != keep][KEEP - 1 :]:
            old.unlink(missing_ok=True)
        cutoff = time.time() - _STALE_TMP_S
        for tmp in directory.glob(f".*{SUFFIX}.*.tmp"):
            if tmp.stat().st_mtime < cutoff:  # left by a writer that died mid-write
                tmp.unlink(missing_ok=True)
    except OSError as exc:  # a concurrent prune removed it first, or no permission
        log.debug("name index prune: %s", exc)
