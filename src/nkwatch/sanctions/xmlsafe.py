"""Safe, streaming access to published list files (plain, ``.bz2`` or ``.gz`` XML).

Why this module exists: the lists are large (121 MB for OFAC), arrive compressed or not,
come from the network, and must never be able to expand entities, reach the network or
crash with a traceback. Everything here turns a path into a hashed byte stream and an
``iterparse`` with entity resolution off, and turns every low-level failure (I/O,
decompression, XML syntax, DTD) into one :class:`UserError` naming the file and position.
"""

from __future__ import annotations

import bz2
import gzip
import hashlib
import re
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, cast

from lxml import etree

from nkwatch.errors import UserError

_SNIFF_BYTES = 64 * 1024
_DTD_MARKERS = (b"<!DOCTYPE", b"<!ENTITY")
_DECOMPRESS_ERRORS: tuple[type[BaseException], ...] = (
    EOFError,
    zlib.error,
    gzip.BadGzipFile,
    ValueError,
)


class HashingReader:
    """A file-like reader that hashes the (decompressed) bytes as the parser pulls them."""

    def __init__(self, raw: IO[bytes]) -> None:
        self._raw = raw
        self.sha = hashlib.sha256()
        self.size = 0

    def read(self, n: int = -1) -> bytes:
        data = self._raw.read(n)
        self.sha.update(data)
        self.size += len(data)
        return data

    def drain(self) -> None:
        """Hash whatever the parser did not read (trailing whitespace after the root)."""
        while chunk := self.read(1 << 20):
            del chunk

    def hexdigest(self) -> str:
        return self.sha.hexdigest()


def _open_raw(path: Path) -> IO[bytes]:
    """Open ``path``, transparently decompressing by magic bytes (not by file name)."""
    try:
        fh = path.open("rb")
    except FileNotFoundError as exc:
        raise UserError("file not found", where=str(path)) from exc
    except IsADirectoryError as exc:
        raise UserError("is a directory, not a list file", where=str(path)) from exc
    except OSError as exc:
        raise UserError(f"cannot read file: {exc.strerror}", where=str(path)) from exc
    magic = fh.read(3)
    fh.seek(0)
    if magic.startswith(b"BZh"):
        return cast(IO[bytes], bz2.BZ2File(fh))
    if magic.startswith(b"\x1f\x8b"):
        return cast(IO[bytes], gzip.GzipFile(fileobj=fh))
    return fh


def file_sha256(path: Path) -> str:
    """sha256 of the file's bytes as stored (not decompressed)."""
    sha = hashlib.sha256()
    with _translate_errors(path):
        try:
            fh = path.open("rb")
        except OSError as exc:
            raise UserError(f"cannot read file: {exc.strerror}", where=str(path)) from exc
        with fh:
            while chunk := fh.read(1 << 20):
                sha.update(chunk)
    return sha.hexdigest()


def read_head(path: Path, n: int = _SNIFF_BYTES) -> bytes:
    """The first ``n`` decompressed bytes, for format sniffing."""
    with _translate_errors(path), _open_raw(path) as fh:
        return fh.read(n)


def reject_dtd(head: bytes, path: Path) -> None:
    """Refuse any DTD: the lists never use one, and DTDs are how entity attacks start."""
    for marker in _DTD_MARKERS:
        pos = head.find(marker)
        if pos >= 0:
            line = head.count(b"\n", 0, pos) + 1
            raise UserError(
                f"line {line}: DTD / entity declarations are not allowed in list files",
                where=str(path),
            )


def root_tag(head: bytes) -> str | None:
    """Local name of the first element in ``head`` (skipping the XML declaration and comments)."""
    text = re.sub(rb"<\?.*?\?>|<!--.*?-->", b"", head, flags=re.S)
    match = re.search(rb"<([A-Za-z_][\w.\-]*:)?([A-Za-z_][\w.\-]*)[\s/>]", text)
    return match.group(2).decode("ascii") if match else None


@contextmanager
def _translate_errors(path: Path) -> Iterator[None]:
    try:
        yield
    except UserError:
        raise
    except etree.XMLSyntaxError as exc:
        line, col = exc.position if exc.position else (exc.lineno, 0)
        msg = (exc.msg or str(exc)).splitlines()[0]
        raise UserError(
            f"malformed XML at line {line}, column {col}: {msg}", where=str(path)
        ) from exc
    except _DECOMPRESS_ERRORS as exc:
        raise UserError(f"corrupt or truncated compressed data: {exc}", where=str(path)) from exc
    except OSError as exc:
        # bz2 reports corruption as OSError("Invalid data stream").
        detail = exc.strerror or str(exc)
        raise UserError(f"cannot read file: {detail}", where=str(path)) from exc


@contextmanager
def open_xml(path: Path, tags: tuple[str, ...]) -> Iterator[tuple[Any, HashingReader]]:
    """Stream ``end`` events for ``tags`` with entity resolution and network access off.

    Yields ``(events, reader)``; after iterating, ``reader.hexdigest()`` is the sha256 of
    the whole uncompressed document. Callers must ``clear()`` elements they are done with.
    """
    head = read_head(path)
    reject_dtd(head, path)
    with _translate_errors(path), _open_raw(path) as raw:
        reader = HashingReader(raw)
        events = etree.iterparse(
            reader,
            events=("end",),
            tag=tags,
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            dtd_validation=False,
            remove_comments=True,
        )
        yield _checked(events, path), reader


def _checked(events: Any, path: Path) -> Iterator[Any]:
    """Pass events through, translating errors raised while lxml pulls more input."""
    with _translate_errors(path):
        first = True
        for _event, elem in events:
            if first:
                first = False
                if elem.getroottree().docinfo.doctype:
                    raise UserError("DTD declarations are not allowed", where=str(path))
            yield elem


def release(elem: Any) -> None:
    """Free a processed element and the already-processed siblings before it."""
    elem.clear(keep_tail=False)
    parent = elem.getparent()
    if parent is not None:
        while elem.getprevious() is not None:
            del parent[0]


def text(elem: Any | None) -> str:
    """Stripped text of an element, ``""`` when absent."""
    if elem is None or elem.text is None:
        return ""
    return str(elem.text).strip()
