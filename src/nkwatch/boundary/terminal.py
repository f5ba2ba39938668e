"""Text that is safe to put on a terminal or in a one-line message.

Why: error messages quote what the user gave (a file name, a cell, an address), and a
quoted ANSI escape sequence or a bidi override would be interpreted by the terminal
(recolouring, hiding or reordering the line), a newline would split the one line in two.
Control characters (C0, DEL, C1) and the bidi embedding/override/isolate characters are
shown as Python escapes instead; every other character is kept.
"""

from __future__ import annotations

import io
import os
import sys

_BIDI = frozenset(range(0x202A, 0x202F)) | frozenset(range(0x2066, 0x206A)) | {0x200E, 0x200F}
MAX_MESSAGE_CHARS = 2000


def _escape(ch: str) -> str:
    code = ord(ch)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}"


def neutralise(text: str) -> str:
    """``text`` with control and bidi characters written as escapes (``\\x1b``, ``\\u202e``)."""
    out = []
    for ch in text:
        code = ord(ch)
        if code < 0x20 or 0x7F <= code < 0xA0 or code in _BIDI:
            out.append(_escape(ch))
        else:
            out.append(ch)
    return "".join(out)


def one_line(text: str, limit: int = MAX_MESSAGE_CHARS) -> str:
    """One neutralised line of at most ``limit`` characters (longer text is cut, marked)."""
    safe = neutralise(text)
    if len(safe) > limit:
        return safe[:limit] + f"... ({len(safe) - limit} more characters)"
    return safe


def tolerant_streams() -> None:
    """Make stdout/stderr write what their encoding cannot hold as escapes, never raise.

    Under an ASCII locale (``LC_ALL=C`` with UTF-8 mode off, ``PYTHONIOENCODING=ascii``)
    printing a Hangul name or a Cyrillic look-alike otherwise ends in ``UnicodeEncodeError``.
    """
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper) and stream.errors in ("strict", "surrogateescape"):
            stream.reconfigure(errors="backslashreplace")


def utf8_argv(argv: list[str]) -> list[str]:
    """Arguments as the UTF-8 the user typed, also under an ASCII locale.

    Python decodes ``argv`` with the locale's encoding and ``surrogateescape``; under
    ``LC_ALL=C`` a Hangul name arrives as lone surrogates. Re-decoding the original bytes
    as UTF-8 recovers it; bytes that are not UTF-8 stay escaped (and are refused later).
    """
    out = []
    for arg in argv:
        try:
            out.append(os.fsencode(arg).decode("utf-8"))
        except UnicodeDecodeError:
            out.append(arg)
    return out
