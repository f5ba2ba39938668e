"""Files whose bytes do not match their extension: a 'font' or 'image' that is a script or
a program is how folder-open tasks and loaders hide their next stage."""

from __future__ import annotations

import re

from nkwatch.lure.model import Hit, Severity

MAGIC: dict[str, tuple[bytes, ...]] = {
    ".png": (b"\x89PNG",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".gif": (b"GIF87a", b"GIF89a"),
    ".ico": (b"\x00\x00\x01\x00", b"\x89PNG", b"\x00\x00\x02\x00"),
    ".webp": (b"RIFF",),
    ".bmp": (b"BM",),
    ".woff": (b"wOFF",),
    ".woff2": (b"wOF2",),
    ".ttf": (b"\x00\x01\x00\x00", b"true", b"OTTO", b"ttcf"),
    ".otf": (b"OTTO", b"\x00\x01\x00\x00"),
    ".pdf": (b"%PDF",),
    ".wasm": (b"\x00asm",),
    ".gz": (b"\x1f\x8b",),
    ".zip": (b"PK",),
}
_PROGRAM = (
    b"MZ",
    b"\x7fELF",
    b"\xfe\xed\xfa\xce",
    b"\xfe\xed\xfa\xcf",
    b"\xcf\xfa\xed\xfe",
    b"\xce\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",
)
_SCRIPT = re.compile(
    rb"require\(|\bfunction\b|=>|\beval\(|\bimport\s|child_process|^#!|\bexec\(|\bconst\s|\bvar\s",
    re.M,
)


def check(ext: str, data: bytes, *, referenced: bool = False) -> list[Hit]:
    """``referenced``: a task or script runs this file (a plain mismatch then warns)."""
    expected = MAGIC.get(ext)
    if expected is None or not data or data.startswith(expected):
        return []
    head = data[:4096]
    if head.startswith(b"version https://git-lfs"):
        return []
    if head.startswith(_PROGRAM):
        return [
            Hit(
                "disguised-binary",
                1,
                1,
                repr(head[:16])[2:-1],
                f"a {ext} file that is an executable program",
            )
        ]
    if b"\x00" not in head and _SCRIPT.search(head):
        return [
            Hit(
                "disguised-binary",
                1,
                1,
                head[:120].decode("utf-8", "replace"),
                f"a {ext} file that is script text",
            )
        ]
    if referenced:
        return [
            Hit(
                "disguised-binary",
                1,
                1,
                repr(head[:16])[2:-1],
                f"bytes are not a {ext} file",
                severity=Severity.warning,
            )
        ]
    return []
