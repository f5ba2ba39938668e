"""Checks shared by the JavaScript and Python analysers: positions, snippets, hidden code
after blanks, decoded raw-IP URLs, dead-drop hosts and wallet paths.

The analysers call these on text their syntax trees located (string constants they folded,
call arguments); the few whole-text scans here are anchored by decoding or by a syntax check
in the caller, never a verdict on a pattern alone.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from nkwatch.lure.indicators import Indicators
from nkwatch.lure.model import Hit

_BLANKS = re.compile(rb"[ \t]{30,}(?=[^\s])")


class Words:
    """Is any of these byte strings in the data? (``in`` is far cheaper than a regex
    alternation; these only decide whether a file needs its syntax tree.)"""

    def __init__(self, *words: bytes) -> None:
        self.words = words

    def search(self, data: bytes) -> bool:
        return any(w in data for w in self.words)


DOWNLOADER = Words(
    b"curl", b"wget", b"iwr", b"Invoke-WebRequest", b"Invoke-RestMethod", b"certutil", b"bitsadmin"
)
MIN_BLANK_WIDTH = 120  # columns (a tab counts 4): far enough to push code off-screen


class _BlankRun:
    """Runs of blanks at least :data:`MIN_BLANK_WIDTH` columns wide, followed by code.

    Such a run has at least 30 characters, so it holds 120 spaces, 30 tabs, or a space next
    to a tab; those literals are found with a fast substring search and each run is measured
    from there (a regex over every position of a multi-megabyte bundle was the cost)."""

    _SEEDS = (b" " * MIN_BLANK_WIDTH, b"\t" * (MIN_BLANK_WIDTH // 4), b" \t", b"\t ")

    def finditer(self, data: bytes) -> Iterator[re.Match[bytes]]:
        found: dict[int, re.Match[bytes]] = {}
        for seed in self._SEEDS:
            at = data.find(seed)
            while at >= 0:
                start = at
                while start > 0 and data[start - 1] in (32, 9):
                    start -= 1
                m = _BLANKS.match(data, start)
                if m is not None and start not in found:
                    run = m.group(0)
                    if run.count(b" ") + 4 * run.count(b"\t") >= MIN_BLANK_WIDTH:
                        found[start] = m
                at = data.find(seed, max(m.end() if m is not None else 0, at + 1))
        yield from (found[k] for k in sorted(found))

    def search(self, data: bytes) -> re.Match[bytes] | None:
        return next(self.finditer(data), None)


BLANK_RUN = _BlankRun()
_IP_URL = re.compile(r"(?:(?:https?|wss?)://)?(\d{1,3}(?:\.\d{1,3}){3}):(\d{2,5})")
_B64_LITERAL = re.compile(rb"""['"`]([A-Za-z0-9+/]{16,400}={0,2})['"`]""")


def position(data: bytes, offset: int) -> tuple[int, int]:
    """1-based (line, column) of a byte offset."""
    line = data.count(b"\n", 0, offset) + 1
    start = data.rfind(b"\n", 0, offset) + 1
    return line, offset - start + 1


def line_at(data: bytes, offset: int, before: int = 40) -> str:
    start = data.rfind(b"\n", 0, offset) + 1
    end = data.find(b"\n", offset)
    end = len(data) if end < 0 else end
    start = max(start, offset - before)
    return data[start : min(end, offset + 400)].decode("utf-8", "replace")


def routable(host: str) -> bool:
    """An address a loader would call home to: not loopback, private, link-local or 0/8.
    (Documentation ranges count as routable: the test lures use them.)"""
    try:
        ip = ipaddress.IPv4Address(host)
    except ValueError:
        return False
    private = ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10")
    if ip.is_loopback or ip.is_link_local or ip.is_unspecified or ip.is_multicast:
        return False
    return not any(ip in ipaddress.IPv4Network(net) for net in private) and str(ip) != "0.0.0.0"


def ip_urls(text: str) -> list[tuple[str, int]]:
    """(host, port) of raw-IP URLs in ``text`` that point somewhere routable."""
    out: list[tuple[str, int]] = []
    for m in _IP_URL.finditer(text):
        host, port = m.group(1), int(m.group(2))
        if all(int(p) < 256 for p in host.split(".")) and routable(host) and port < 65536:
            out.append((host, port))
    return out


def decode_candidates(token: bytes) -> Iterable[str]:
    """What a short base64 literal may decode to, also with the first character dropped
    (BeaverTail's loaders strip a leading junk character before decoding)."""
    for variant in (token, token[1:]):
        padded = variant + b"=" * (-len(variant) % 4)
        try:
            raw = base64.b64decode(padded, validate=True)
        except (binascii.Error, ValueError):
            continue
        if raw and all(32 <= b < 127 for b in raw):
            yield raw.decode("ascii")


def decoded_literals(data: bytes) -> list[tuple[int, str]]:
    """(offset, decoded text) of quoted base64 literals that decode to printable text."""
    out: list[tuple[int, str]] = []
    for m in _B64_LITERAL.finditer(data):
        token = m.group(1)
        if token.isalpha() or token.isdigit():
            continue
        for text in decode_candidates(token):
            out.append((m.start(1), text))
    return out


def dead_drop_hosts(text: str | bytes, ind: Indicators) -> list[str]:
    """Dead-drop hosts named in ``text`` (bytes are lowered as bytes and read as latin-1:
    hosts are ASCII, and a UTF-8 decode of a whole bundle costs more than the search)."""
    low = text.lower() if isinstance(text, str) else text.lower().decode("latin-1")
    found = []
    for host in ind.dead_drops:
        at = low.find(host)
        while at >= 0:
            before = low[at - 1] if at else " "
            if not (before.isalnum() or before == "-"):
                found.append(host)
                break
            at = low.find(host, at + 1)
    return found


_ID_LETTERS = bytes(0x61 if 0x61 <= b <= 0x70 else 0x2E for b in range(256))  # a-p -> a


def _maybe_extension_id(data: bytes) -> bool:
    """Does a run of 32 letters a-p (the alphabet of Chrome extension ids) occur? One pass
    in C instead of one search of the whole file per known id."""
    return b"a" * 32 in data.translate(_ID_LETTERS)


def wallet_mentions(data: bytes, ind: Indicators) -> list[tuple[int, str]]:
    """Wallet extension ids and credential-store paths; one lone path (a browser launcher
    knows where Brave lives) is not counted."""
    out: list[tuple[int, str]] = []
    for ext_id, name in ind.wallet_ids.items() if _maybe_extension_id(data) else ():
        at = data.find(ext_id.encode())
        if at >= 0:
            out.append((at, f"{name} extension id"))
    for path in ind.wallet_paths:
        at = data.find(path.encode())
        if at >= 0:
            out.append((at, f"'{path}'"))
    ids = sum(1 for _, what in out if what.endswith("extension id"))
    return sorted(out) if ids or len(out) >= 2 else []


def hit_at(rule: str, data: bytes, offset: int, message: str, **kw: Any) -> Hit:
    """A hit at a byte offset (line, column and the line's text from the offset)."""
    line, col = position(data, offset)
    return Hit(rule, line, col, line_at(data, offset), message, **kw)


def blank_hit(data: bytes, m: re.Match[bytes]) -> Hit:
    return hit_at(
        "hidden-after-whitespace",
        data,
        m.start(),
        f"code starts after {m.end() - m.start()} blanks on one line",
    )


def wallet_hits(data: bytes, ind: Indicators, *, sends: Callable[[bytes], bool]) -> list[Hit]:
    """``wallet-theft`` (two or more mentions in a file that sends) or ``wallet-paths``."""
    found = wallet_mentions(data, ind)
    if not found:
        return []
    offset, what = found[0]
    theft = len(found) >= 2 and sends(data)
    msg = f"{len(found)} wallet/credential locations ({what} first)"
    msg += " and the file sends data over the network" if theft else ""
    rule = "wallet-theft" if theft else "wallet-paths"
    return [hit_at(rule, data, offset, msg, extra_citations=ind.wallet_cite)]


def b64_ip_hits(data: bytes, ind: Indicators, drops: set[str] | None = None) -> list[Hit]:
    """Quoted base64 literals that decode to a raw-IP URL (the dead-drop hosts they name are
    added to ``drops``)."""
    hits: list[Hit] = []
    for offset, text in decoded_literals(data)[:2000]:
        if drops is not None:
            drops.update(dead_drop_hosts(text, ind))
        for host, port in ip_urls(text)[:1]:
            msg = f"base64 literal decodes to a URL to raw IP {host}:{port}"
            hits.append(hit_at("raw-ip-c2", data, offset, msg, extra_citations=ind.c2_cite))
    return hits[:3]
