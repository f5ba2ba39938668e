"""A built :class:`NameIndex` written to one file and read back without rebuilding it.

Building the index over the full OFAC + UN lists reads every name in every script (about six
CPU-seconds); a cold lookup should not pay that, nor the second it takes to decode every
party. The file holds what the build computed and the parties it searches: the postings and
trigram tables as flat little-endian arrays (used in place, memory-mapped), each indexed
name's readings as number columns (``entrycodec``: distinct tokens stored once, index keys as
vocabulary ids) and each party as one small JSON record, both decoded only when a search
reaches them. Nothing is unpickled: every byte is parsed against a typed header.

Layout::

    b"NKWNAMES" | u64 header length | header (JSON) | sections, 64-byte aligned | crc32

The header names the index's *key* (the active list version ids it was built from and the
*matcher fingerprint*, ``fingerprint()``: digests of every source and data file that decides
an index's content, and the versions of the romanisers), the total length and each
section's offset, size and dtype. ``load`` refuses (``IndexFileError``) a file that is
truncated, fails its checksum, is not ours, or was built for another key; the caller then
rebuilds. Writers write a temporary file and rename it into place, so a reader sees the old
file or the new one, never half of one. The checksum detects damage; the file is as
trusted as the store beside it (same owner and folder), and being parsed, not unpickled,
a forged one could at worst answer wrongly, as a forged store could.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import mmap
import os
import sys
import tempfile
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from nkwatch import __version__
from nkwatch.sanctions import partycodec
from nkwatch.sanctions.names import entrycodec, kernel
from nkwatch.sanctions.names.index import NameIndex
from nkwatch.sanctions.names.postings import Postings

MAGIC = b"NKWNAMES"
# 2: the one-edit (deletion) table of short keys; 3: written words' one-edit tables;
# 4: the indexed names as number columns (``entrycodec``) instead of JSON records;
# 5: each party's flags (``NameIndex.party_flags``), so ranking decodes no party
FORMAT = 5
_ALIGN = 64
_CHECK = 4  # crc32 trailer
_PREFIX = len(MAGIC) + 8
# Third-party readers whose output is filed in the index (a new release may read differently).
_READERS = ("anyascii", "pypinyin", "ToJyutping", "OpenCC", "cutlet")
_SEP = "\x00"


class IndexFileError(Exception):
    """The file cannot be used: missing, damaged, foreign, or built for other lists/matcher."""


@dataclass(frozen=True, slots=True)
class IndexKey:
    """What a persisted index must have been built from to be used."""

    versions: tuple[str, ...]  # active list version ids, sorted
    fingerprint: str  # ``fingerprint()`` of the matcher that built it


@cache
def fingerprint() -> str:
    """Digest of everything that decides what the index files under which key."""
    return hashlib.sha256("\n".join(fingerprint_parts()).encode()).hexdigest()


@cache
def fingerprint_parts() -> tuple[str, ...]:
    """``name=digest`` lines: compiled modules count by the source digest recorded at build
    time (the code that runs); every other source file of the name matcher and every lexicon
    file by its bytes; plus the package version and the installed romanisers' versions."""
    package = resources.files("nkwatch.sanctions.names")
    recorded = kernel.recorded_sources()
    parts = [f"format={FORMAT}", f"nkwatch={__version__}"]
    for module, source in _sources(package):
        digest = recorded.get(module) if _is_compiled(module) else None
        parts.append(f"{module}={digest or hashlib.sha256(source.read_bytes()).hexdigest()}")
    data = resources.files("nkwatch.data").joinpath("sanctions", "names")
    for item in sorted(data.iterdir(), key=lambda t: t.name):
        if item.name.endswith(".tsv"):
            parts.append(f"data/{item.name}={hashlib.sha256(item.read_bytes()).hexdigest()}")
    for dist in _READERS:
        try:
            parts.append(f"{dist}=={importlib.metadata.version(dist)}")
        except importlib.metadata.PackageNotFoundError:
            parts.append(f"{dist}==absent")
    return tuple(parts)


def _sources(package: Any) -> Iterator[tuple[str, Any]]:
    """(module name relative to the names package, its source file), sorted."""
    found: list[tuple[str, Any]] = []
    for item in package.iterdir():
        if item.name.endswith(".py") and item.name != "_build.py":
            found.append((item.name[:-3], item))
        elif item.is_dir() and item.name != "__pycache__":
            found += [(f"{item.name}.{m}", s) for m, s in _sources(item)]
    return iter(sorted(found, key=lambda ms: ms[0]))


def _is_compiled(module: str) -> bool:
    loaded = sys.modules.get(f"nkwatch.sanctions.names.{module}")
    origin = getattr(loaded, "__file__", "") or ""
    return module in kernel.COMPILED and not origin.endswith(".py")


# -- writing --------------------------------------------------------------------------------


def write(index: NameIndex, path: Path, key: IndexKey) -> None:
    """Write ``index`` to ``path`` atomically (temporary file in the same folder + rename)."""
    sections = _sections(index)
    header: dict[str, Any] = {
        "format": FORMAT,
        "versions": list(key.versions),
        "fingerprint": key.fingerprint,
        "parties": len(index.parties),
        "entries": len(index.entries),
        "sections": {},
    }
    # offsets depend on the header's length, which depends on the offsets: lay out twice
    for _ in range(2):
        pos = _align(_PREFIX + len(_header_bytes(header)))
        layout = {}
        for name, (data, dtype) in sections.items():
            layout[name] = [pos, len(data), dtype]
            pos = _align(pos + len(data))
        header["sections"] = layout
        header["length"] = pos + _CHECK
    raw_header = _header_bytes(header)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            crc = _emit(out, 0, MAGIC + len(raw_header).to_bytes(8, "little") + raw_header)
            for name, (data, _) in sections.items():
                crc = _emit(out, crc, b"\0" * (header["sections"][name][0] - out.tell()))
                crc = _emit(out, crc, data)
            crc = _emit(out, crc, b"\0" * (header["length"] - _CHECK - out.tell()))
            out.write(crc.to_bytes(_CHECK, "little"))
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _emit(out: Any, crc: int, data: bytes) -> int:
    out.write(data)
    return zlib.crc32(data, crc)


def _align(pos: int) -> int:
    return (pos + _ALIGN - 1) // _ALIGN * _ALIGN


def _header_bytes(header: dict[str, Any]) -> bytes:
    return json.dumps(header, sort_keys=True, separators=(",", ":")).encode()


def _sections(index: NameIndex) -> dict[str, tuple[bytes, str]]:
    out: dict[str, tuple[bytes, str]] = {}
    tables = (
        ("postings", index.postings),
        ("grams", index.grams),
        ("deletes", index.deletes),
        ("spelled", index.spelled),
        ("spelled_deletes", index.spelled_deletes),
    )
    for name, table in tables:
        out[f"{name}.keys"] = (_joined(table.keys, name), "utf-8")
        out[f"{name}.offsets"] = (table.offsets.astype("<i8").tobytes(), "<i8")
        out[f"{name}.ids"] = (table.ids.astype("<i4").tobytes(), "<i4")
    parties = index.parties
    out["parties.ids"] = (_joined([p.entity_id for p in parties], "party ids"), "utf-8")
    _records(out, "parties", [partycodec.encode(p).encode() for p in parties])
    out["parties.flags"] = (np.asarray(index.party_flags(), dtype="|u1").tobytes(), "|u1")
    out |= entrycodec.encode(index.entries, index.postings)
    return out


def _joined(texts: Sequence[str], what: str) -> bytes:
    if any(_SEP in t for t in texts):
        raise ValueError(f"cannot write {what}: a value contains NUL")
    return _SEP.join(texts).encode()


def _records(out: dict[str, tuple[bytes, str]], name: str, records: list[bytes]) -> None:
    offsets = np.zeros(len(records) + 1, dtype="<i8")
    np.cumsum([len(r) for r in records], out=offsets[1:])
    out[f"{name}.offsets"] = (offsets.tobytes(), "<i8")
    out[f"{name}.records"] = (b"".join(records), "json")


# -- reading --------------------------------------------------------------------------------


def load(path: Path, key: IndexKey) -> NameIndex:
    """The index stored at ``path`` for exactly ``key``, with the parties it searches
    (``index.parties``: a ``partycodec.PartyRows`` decoding each party on first use).

    Raises ``IndexFileError`` (never returns an index) when the file is missing, shorter or
    longer than its header says, fails its checksum, is not an index file, or was built for
    other list versions or another matcher.
    """
    view = _map(path)
    header = _header(view, path)
    wanted = {"format": FORMAT, "versions": list(key.versions), "fingerprint": key.fingerprint}
    for field, value in wanted.items():
        if header.get(field) != value:
            raise IndexFileError(f"{path}: built for another {field} (stale or foreign file)")
    body = memoryview(view)[: len(view) - _CHECK]
    if zlib.crc32(body) != int.from_bytes(view[len(view) - _CHECK :], "little"):
        raise IndexFileError(f"{path}: checksum mismatch (damaged file)")
    try:
        sections = {name: _section(view, header, name) for name in header["sections"]}
        party_ids = _texts(sections["parties.ids"])
        parties = partycodec.PartyRows(party_ids, entrycodec.Utf8Texts(*_pair(sections, "parties")))
        postings = _postings(sections, "postings")
        entries = entrycodec.EntryTable(sections, postings.keys)
        index = NameIndex(
            parties,
            entries,
            postings,
            _postings(sections, "grams"),
            _postings(sections, "deletes"),
            _postings(sections, "spelled"),
            _postings(sections, "spelled_deletes"),
            parties.entity_ids,
            memoryview(sections["parties.flags"]),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise IndexFileError(f"{path}: malformed tables ({exc})") from exc
    if (len(parties), len(entries)) != (header["parties"], header["entries"]):
        raise IndexFileError(f"{path}: party or entry table does not match its header")
    return index


def _map(path: Path) -> mmap.mmap:
    try:
        with path.open("rb") as fh:
            size = os.fstat(fh.fileno()).st_size
            if size < _PREFIX + _CHECK:
                raise IndexFileError(f"{path}: too short to be a name index ({size} bytes)")
            return mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
    except OSError as exc:
        raise IndexFileError(f"{path}: {exc.strerror or exc}") from exc


def _header(view: mmap.mmap, path: Path) -> dict[str, Any]:
    if view[: len(MAGIC)] != MAGIC:
        raise IndexFileError(f"{path}: not a name index file")
    size = int.from_bytes(view[len(MAGIC) : _PREFIX], "little")
    if size > len(view) - _PREFIX - _CHECK:
        raise IndexFileError(f"{path}: truncated header")
    try:
        header = json.loads(bytes(view[_PREFIX : _PREFIX + size]))
    except ValueError as exc:
        raise IndexFileError(f"{path}: unreadable header") from exc
    if not isinstance(header, dict) or header.get("length") != len(view):
        raise IndexFileError(f"{path}: length {len(view)} differs from its header (truncated?)")
    return header


def _section(view: mmap.mmap, header: dict[str, Any], name: str) -> Any:
    start, size, dtype = header["sections"][name]
    if not (start >= 0 and start + size <= len(view) - _CHECK):
        raise IndexFileError(f"section {name} lies outside the file")
    if dtype in ("utf-8", "json"):
        return memoryview(view)[start : start + size]
    array = np.frombuffer(view, dtype=np.dtype(dtype), count=size // np.dtype(dtype).itemsize,
                          offset=start)  # fmt: skip
    return array.astype(array.dtype.newbyteorder("="), copy=False)


def _texts(raw: memoryview) -> list[str]:
    text = bytes(raw).decode()
    return text.split(_SEP) if text else []


def _pair(sections: dict[str, Any], name: str) -> tuple[Any, memoryview]:
    return sections[f"{name}.offsets"], sections[f"{name}.records"]


def _postings(sections: dict[str, Any], name: str) -> Postings:
    return Postings(
        _texts(sections[f"{name}.keys"]), sections[f"{name}.offsets"], sections[f"{name}.ids"]
    )
