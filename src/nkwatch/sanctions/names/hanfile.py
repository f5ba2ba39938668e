"""pypinyin's and ToJyutping's readings, derived once into one file read by a cold Han lookup.

Loading pypinyin (its phrase dictionary and prefix set) and ToJyutping (its trie, parsed
from text at import) costs two to three CPU-seconds, which a one-off ``nkwatch screen name
金正恩`` would pay for three characters. This module asks both libraries, once, for the
reading of every key they hold and files the answers by first character: pypinyin's
``convert`` of every character and every phrase (toneless, as ``lazy_pinyin`` gives it), and
the value of every node of ToJyutping's trie. A lookup then reads the buckets of its own
characters and walks them exactly as the libraries do:

* pinyin: pypinyin's forward maximum matching (``mmseg`` with ``no_non_phrases``), whose
  prefix and phrase tests only look at phrases that begin with the segment's first
  character, then each segment's stored reading;
* Jyutping: ToJyutping's longest valued key from each position (``Trie.get``).

Text with a character pypinyin would not read as Han is answered by the library itself
(``pinyin`` returns ``None``). The file is shared by every store: it lives in the user's cache folder (``cache_path``), is named by a
key of the two libraries' versions and this module's own bytes, is written at list import and
by the first Han reading that finds none, and is parsed against a typed header (never
unpickled)::

    b"NKWHANRD" | u64 header length | header (JSON) | sections | crc32

``tests/sanctions/test_hanfile.py`` compares every answer with the libraries'.
"""

from __future__ import annotations

import bisect
import hashlib
import importlib.metadata
import json
import logging
import os
import struct
import sys
import tempfile
import unicodedata
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

MAGIC = b"NKWHANRD"
FORMAT = 1
_PREFIX = len(MAGIC) + 8
_CHECK = 4
_SEP = "\x1f"  # between readings; never in a key or a reading (checked when writing)
_PHRASE, _CHAR = "p", "c"  # flags: a key of pypinyin's phrases; a character it reads as Han
_NONE = "-"  # a trie position without a reading (ToJyutping gives None)
log = logging.getLogger("nkwatch.sanctions")
_SECTIONS = ("py_chars", "py_offsets", "py_blob", "jy_chars", "jy_offsets", "jy_blob", "syllables")


class HanFileError(Exception):
    """The file cannot be used: missing, damaged, foreign or made by other library versions."""


@cache
def key() -> str:
    """What the file's answers depend on: both libraries' versions and this module's bytes."""
    parts = [f"format={FORMAT}", hashlib.sha256(Path(__file__).read_bytes()).hexdigest()]
    for dist in ("pypinyin", "ToJyutping"):
        try:
            parts.append(f"{dist}=={importlib.metadata.version(dist)}")
        except importlib.metadata.PackageNotFoundError:
            parts.append(f"{dist}==absent")
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def file_name() -> str:
    return f"han-readings-{key()[:24]}.nkhan"


@dataclass
class _Buckets:
    """Lines ``key\\tvalue`` grouped by first character, parsed per character on first use."""

    chars: memoryview  # sorted code points (u32)
    offsets: memoryview  # n + 1 offsets into blob (u32)
    blob: bytes
    parsed: dict[str, dict[str, str]] = field(default_factory=dict)

    def bucket(self, first: str) -> dict[str, str]:
        found = self.parsed.get(first)
        if found is not None:
            return found
        entries: dict[str, str] = {}
        i = bisect.bisect_left(self.chars, ord(first))
        if i < len(self.chars) and self.chars[i] == ord(first):
            text = self.blob[self.offsets[i] : self.offsets[i + 1]].decode("utf-8")
            for line in text.split("\n"):
                k, _, value = line.partition("\t")
                entries[k] = value
        self.parsed[first] = entries
        return entries


@dataclass
class HanTable:
    """The persisted readings; answers as pypinyin and ToJyutping do for the same text."""

    pinyin_buckets: _Buckets
    jyutping_buckets: _Buckets
    syllables: frozenset[str]
    prefixes: dict[str, frozenset[str]] = field(default_factory=dict)

    def pinyin(self, text: str) -> list[str] | None:
        """``lazy_pinyin(text, style=NORMAL, v_to_u=False)``; ``None`` when a character is
        not one pypinyin reads as Han (the caller asks the library)."""
        buckets = self.pinyin_buckets
        if any(_CHAR not in buckets.bucket(ch).get(ch, "\t").partition("\t")[0] for ch in text):
            return None
        out: list[str] = []
        for word in self._cut(text):
            value = buckets.bucket(word[0])[word]
            out.extend(value.partition("\t")[2].split(_SEP))
        return out

    def _is_prefix(self, word: str) -> bool:
        first = word[0]
        found = self.prefixes.get(first)
        if found is None:
            found = frozenset(
                k[:n]
                for k, v in self.pinyin_buckets.bucket(first).items()
                if _PHRASE in v.partition("\t")[0]
                for n in range(1, len(k) + 1)
            )
            self.prefixes[first] = found
        return word in found

    def _is_phrase(self, word: str) -> bool:
        flags = self.pinyin_buckets.bucket(word[0]).get(word, "\t").partition("\t")[0]
        return _PHRASE in flags

    def _cut(self, text: str) -> Iterator[str]:
        """pypinyin's ``Seg.cut`` with ``no_non_phrases=True``, step for step."""
        remain = text
        while remain:
            last_valid_word = ""
            last_valid_index = 0
            for index in range(len(remain)):
                word = remain[: index + 1]
                if self._is_prefix(word):
                    if self._is_phrase(word):
                        last_valid_word, last_valid_index = word, index + 1
                else:
                    if last_valid_word:
                        yield last_valid_word
                        remain = remain[last_valid_index:]
                    else:
                        yield remain[0]
                        remain = remain[1:]
                    break
            else:
                if last_valid_word:
                    yield last_valid_word
                    remain = remain[last_valid_index:]
                else:
                    if not self._is_phrase(remain):
                        yield from remain
                    else:
                        yield remain
                    break

    def jyutping_list(self, text: str) -> list[tuple[str, str | None]]:
        """``ToJyutping.get_jyutping_list(text)``: from each position the longest key the
        trie holds that the text continues with, one reading per character."""
        out: list[tuple[str, str | None]] = []
        i = 0
        while i < len(text):
            bucket = self.jyutping_buckets.bucket(text[i])
            best = ""
            for end in range(i + 1, len(text) + 1):
                if text[i:end] in bucket:
                    best = text[i:end]
            if len(best) <= 1:
                value = bucket.get(text[i]) if best else None
                out.append((text[i], _reading(value.split(_SEP)[0]) if value else None))
                i += 1
                continue
            for ch, reading in zip(best, bucket[best].split(_SEP), strict=True):
                out.append((ch, _reading(reading)))
            i += len(best)
        return out


def _reading(cell: str) -> str | None:
    return None if cell == _NONE else cell[1:]


# -- building (loads both libraries) ---------------------------------------------------------


def _pinyin_lines() -> dict[str, list[str]]:
    """First character -> ``key\\tflags\\treadings`` lines: every character pypinyin reads as
    Han and every phrase, each with ``convert``'s toneless answer."""
    from pypinyin import Style
    from pypinyin.constants import PHRASES_DICT, PINYIN_DICT, RE_HANS
    from pypinyin.converter import UltimateConverter

    converter = UltimateConverter(v_to_u=False, neutral_tone_with_five=False, tone_sandhi=False)
    chars = {chr(n) for n in PINYIN_DICT if RE_HANS.match(chr(n))}
    lines: dict[str, list[str]] = {}
    for word in sorted(chars | set(PHRASES_DICT)):
        items = converter.convert(word, Style.NORMAL, False, "default", strict=True)
        readings = [r for item in items for r in item]
        if not readings:
            raise ValueError(f"pypinyin gives no reading for {word!r}")
        flags = (_PHRASE if word in PHRASES_DICT else "") + (_CHAR if word in chars else "")
        lines.setdefault(word[0], []).append(f"{word}\t{flags}\t{_SEP.join(_checked(readings))}")
    return lines


def _jyutping_lines() -> dict[str, list[str]]:
    """First character -> ``key\\treadings`` lines: the value every valued trie node gives
    ``Trie.get`` (its first entry, per character)."""
    from ToJyutping import Trie  # type: ignore[import-untyped]

    lines: dict[str, list[str]] = {}
    stack: list[tuple[str, Any]] = [("", Trie.root)]
    while stack:
        path, node = stack.pop()
        if node.v:
            first = node.v[0]
            cells = [first] if len(path) == 1 else [first[k] for k in range(len(path))]
            values = [getattr(c, "jyutping", None) for c in cells]
            text = _SEP.join(_NONE if v is None else "=" + v for v in _checked(values))
            lines.setdefault(path[0], []).append(f"{path}\t{text}")
        stack.extend((path + ch, child) for ch, child in node.items())
    return lines


def library_syllables() -> frozenset[str]:
    """Every toneless pinyin syllable of pypinyin's character table (``ü`` as ``u``)."""
    from pypinyin.pinyin_dict import pinyin_dict

    found: set[str] = set()
    for readings in pinyin_dict.values():
        for reading in readings.split(","):
            decomposed = unicodedata.normalize("NFKD", reading)
            found.add("".join(c for c in decomposed if not unicodedata.combining(c)))
    return frozenset(found)


def _checked(values: list[Any]) -> list[Any]:
    for v in values:
        if v is not None and any(s in v for s in (_SEP, "\t", "\n")):
            raise ValueError(f"reading {v!r} holds a separator")
    return values


def _bucket_sections(lines: dict[str, list[str]]) -> tuple[bytes, bytes, bytes]:
    chars = sorted(lines, key=ord)
    blob = bytearray()
    offsets = [0]
    for ch in chars:
        blob += "\n".join(sorted(lines[ch])).encode("utf-8")
        offsets.append(len(blob))
    pack = struct.Struct("<I").pack
    return (
        b"".join(pack(ord(c)) for c in chars),
        b"".join(pack(o) for o in offsets),
        bytes(blob),
    )


def build() -> bytes:
    """The file's bytes, derived from the installed libraries (a few CPU-seconds)."""
    sections = dict(
        zip(
            _SECTIONS,
            (
                *_bucket_sections(_pinyin_lines()),
                *_bucket_sections(_jyutping_lines()),
                " ".join(sorted(library_syllables())).encode("utf-8"),
            ),
            strict=True,
        )
    )
    layout: dict[str, list[int]] = {}
    offset = 0
    for name in _SECTIONS:
        layout[name] = [offset, len(sections[name])]
        offset += len(sections[name])
    header = json.dumps({"format": FORMAT, "key": key(), "sections": layout}).encode()
    body = MAGIC + struct.pack("<Q", len(header)) + header + b"".join(sections.values())
    return body + struct.pack("<I", zlib.crc32(body))


def write(path: Path) -> None:
    """Build and write the file atomically (a reader sees the old file or the new one)."""
    data = build()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def load(path: Path) -> HanTable:
    """Read the file in one read and check it; ``HanFileError`` when it cannot be used."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise HanFileError(f"{path}: {exc}") from exc
    if len(data) < _PREFIX + _CHECK or not data.startswith(MAGIC):
        raise HanFileError(f"{path}: not a Han readings file")
    (stored,) = struct.unpack_from("<I", data, len(data) - _CHECK)
    if zlib.crc32(memoryview(data)[: len(data) - _CHECK]) != stored:
        raise HanFileError(f"{path}: checksum mismatch (damaged or truncated)")
    (size,) = struct.unpack_from("<Q", data, len(MAGIC))
    try:
        header = json.loads(data[_PREFIX : _PREFIX + size])
        base = _PREFIX + size
        view = memoryview(data)
        sections = {
            name: view[base + header["sections"][name][0] :][: header["sections"][name][1]]
            for name in _SECTIONS
        }
    except (ValueError, KeyError, TypeError) as exc:
        raise HanFileError(f"{path}: bad header ({exc})") from exc
    if header.get("format") != FORMAT or header.get("key") != key():
        raise HanFileError(f"{path}: made by other library versions")
    if sys.byteorder != "little":  # the u32 sections are little-endian, read in place
        raise HanFileError(f"{path}: written little-endian, this machine is not")

    def buckets(prefix: str) -> _Buckets:
        return _Buckets(
            sections[f"{prefix}_chars"].cast("I"),
            sections[f"{prefix}_offsets"].cast("I"),
            bytes(sections[f"{prefix}_blob"]),
        )

    syllables = frozenset(bytes(sections["syllables"]).decode("utf-8").split(" "))
    return HanTable(buckets("py"), buckets("jy"), syllables)


def cache_path(env: Mapping[str, str] | None = None) -> Path:
    """``$NKWATCH_CACHE_DIR``, else ``$XDG_CACHE_HOME/nkwatch``, else ``~/.cache/nkwatch``:
    the readings depend on the installed libraries only, so every store shares one file."""
    env = os.environ if env is None else env
    folder = env.get("NKWATCH_CACHE_DIR") or str(
        Path(env.get("XDG_CACHE_HOME") or Path(env.get("HOME", "~")).expanduser() / ".cache")
        / "nkwatch"
    )
    return Path(folder) / file_name()


_TABLE: list[HanTable | None] = []  # [] not looked for yet; [None]: none (the libraries answer)
_ENSURED: list[bool] = []


def table() -> HanTable | None:
    """This process's table, read on first use; ``None`` when there is none (or it cannot
    be used: then the libraries answer, and a damaged file is said once)."""
    if not _TABLE:
        path = cache_path()
        try:
            _TABLE.append(load(path))
        except HanFileError as exc:
            if path.exists():
                log.warning(
                    "nkwatch: Han readings file unusable, reading with the libraries: %s", exc
                )
            _TABLE.append(None)
    return _TABLE[0]


def use(found: HanTable | None) -> None:
    """Make ``found`` this process's table; ``None``: the libraries answer (nothing is written)."""
    _TABLE[:] = [found]
    _ENSURED[:] = [True]


def ensure() -> Path | None:
    """Write the table when there is no usable one (at list import, and by the first Han
    reading that found none); a folder that cannot be written is a warning, never an error."""
    path = cache_path()
    try:
        load(path)
        return path
    except HanFileError:
        pass
    try:
        write(path)
    except OSError as exc:
        log.warning("nkwatch: cannot write the Han readings file %s (%s)", path, exc)
        return None
    _TABLE.clear()  # read on next use
    return path


def ensure_once() -> None:
    """``ensure`` at most once per process: a Han reading found no table, so write one for
    the next process (this one goes on with the libraries)."""
    if not _ENSURED:
        _ENSURED.append(True)
        ensure()
