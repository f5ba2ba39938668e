"""Neutered snippets: a shown finding never carries a clickable address or a live IP.

``https://evil.example/x`` -> ``hxxps://evil[.]example/x``; ``192.0.2.7:1224`` ->
``192.0.2[.]7:1224``. Control characters are made visible and long lines cut, so a snippet
is one safe line in a terminal, a SARIF viewer or a web page.
"""

from __future__ import annotations

import re

_SCHEME = re.compile(r"\b(h)(t)tp(s?)://", re.IGNORECASE)
_OTHER_SCHEME = re.compile(r"\b(ftp|wss?)://", re.IGNORECASE)
_IPV4 = re.compile(r"\b(\d{1,3}\.\d{1,3}\.\d{1,3})\.(\d{1,3})\b")
_HOST_DOT = re.compile(r"(?<=://)([^/\s:'\"`]+)")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u200b-\u200f\u2028\u2029\u202a-\u202e]")
MAX_SNIPPET = 160


def _host(match: re.Match[str]) -> str:
    return match.group(1).replace(".", "[.]")


def defang(text: str) -> str:
    text = _CONTROL.sub(lambda m: f"\\x{ord(m.group(0)):02x}", text)
    text = _HOST_DOT.sub(_host, text)
    text = _SCHEME.sub(lambda m: f"hxxp{m.group(3)}://", text)
    text = _OTHER_SCHEME.sub(lambda m: f"{m.group(1)[0]}x{m.group(1)[2:]}://", text)
    return _IPV4.sub(lambda m: f"{m.group(1)}[.]{m.group(2)}", text.replace("[.][.]", "[.]"))


def snippet(text: str, limit: int = MAX_SNIPPET) -> str:
    """One defanged line: whitespace runs shown by their length, cut at ``limit``."""
    one = re.sub(r"[ \t]{16,}", lambda m: f" <{len(m.group(0))} blanks> ", text.strip())
    one = one.replace("\r", " ").replace("\n", " ")
    if len(one) > limit:
        one = one[: limit - 1] + "…"
    return defang(one)
