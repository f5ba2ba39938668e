"""Offline format checks for attacker addresses named in an import.

A pass means the string is well formed for its chain; it says nothing about attribution.
Chains the sanctions package's validator registry knows (EVM with EIP-55, bech32/bech32m,
cashaddr, Base58Check, Tron, XRP, Solana...) are checked there, so intel and screening
agree on what an address is; the basic checks below cover the remaining chains of the
intel vocabulary (DOGE, XLM, TON, EOS, ...).
"""

from __future__ import annotations

import hashlib
import re

from nkwatch.errors import UserError
from nkwatch.intel.model import CHAINS
from nkwatch.sanctions.addresses import REGISTRY, parse_address

_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_RIPPLE = "rpshnaf39wBUDNEGHJKLM4PQRST7VWXYZ2bcdeCg65jkm8oFqi1tuvAxyz"
_EVM = frozenset(
    [
        "ETH",
        "BSC",
        "ARB",
        "OP",
        "BASE",
        "POLYGON",
        "AVAX",
        "FTM",
        "ETC",
        "HECO",
        "BLAST",
        "ZKSYNC",
        "XDC",
    ]
)
_EVM_RE = re.compile(r"^(0x|xdc)[0-9a-fA-F]{40}$")
_BECH32_RE = re.compile(r"^(bc|ltc|doge)1[02-9ac-hj-np-z]{6,87}$")
_BASE58_CHAINS = {
    "BTC": (0x00, 0x05),
    "LTC": (0x30, 0x32, 0x05),
    "DOGE": (0x1E, 0x16),
    "TRX": (0x41,),
}
_LOOSE = {
    "SOL": re.compile(r"^[1-9A-HJ-NP-Za-km-z]{32,44}$"),
    "XLM": re.compile(r"^G[A-Z2-7]{55}$"),
    "TON": re.compile(r"^([A-Za-z0-9_-]{48}|-?\d:[0-9a-fA-F]{64})$"),
    "BCH": re.compile(
        r"^((bitcoincash:)?[qp][02-9ac-hj-np-z]{41}|[13][1-9A-HJ-NP-Za-km-z]{25,34})$"
    ),
    "BSV": re.compile(r"^[13][1-9A-HJ-NP-Za-km-z]{25,34}$"),
    "EOS": re.compile(r"^[a-z1-5.]{1,12}$"),
    "ADA": re.compile(r"^(addr1[02-9ac-hj-np-z]{50,}|[1-9A-HJ-NP-Za-km-z]{50,})$"),
    "DOT": re.compile(r"^[1-9A-HJ-NP-Za-km-z]{46,48}$"),
    "ALGO": re.compile(r"^[A-Z2-7]{58}$"),
    "SUI": re.compile(r"^0x[0-9a-fA-F]{64}$"),
    "ATOM": re.compile(r"^cosmos1[02-9ac-hj-np-z]{38,58}$"),
    "FIL": re.compile(r"^f[0-4][a-z0-9]{1,86}$"),
    "ZEC": re.compile(r"^(t1|t3)[1-9A-HJ-NP-Za-km-z]{33}$|^zs1[02-9ac-hj-np-z]{60,}$"),
    "XTZ": re.compile(r"^(tz[1-3]|KT1)[1-9A-HJ-NP-Za-km-z]{33}$"),
    "MONA": re.compile(r"^([MP][1-9A-HJ-NP-Za-km-z]{25,34}|mona1[02-9ac-hj-np-z]{6,87})$"),
}


def _b58check(text: str, alphabet: str) -> bytes | None:
    if not text or any(c not in alphabet for c in text):
        return None
    number = 0
    for char in text:
        number = number * 58 + alphabet.index(char)
    raw = number.to_bytes((number.bit_length() + 7) // 8, "big")
    raw = b"\x00" * (len(text) - len(text.lstrip(alphabet[0]))) + raw
    if len(raw) < 5:
        return None
    payload, check = raw[:-4], raw[-4:]
    digest = hashlib.sha256(hashlib.sha256(payload).digest()).digest()
    return payload if digest[:4] == check else None


def address_problem(chain: str, address: str) -> str | None:
    """Why ``address`` is not a well-formed ``chain`` address, or None if it is."""
    if chain not in CHAINS:
        return f"unknown chain/currency {chain!r} (known: {', '.join(sorted(CHAINS))})"
    text = address.strip()
    if not text or text != address or any(c.isspace() for c in text):
        return f"malformed {chain} address {address!r}: empty or contains whitespace"
    if REGISTRY.find(chain) is not None:
        try:
            parse_address(text, chain)
        except UserError as exc:
            return f"malformed {chain} address {address!r}: {exc.message}"
        return None
    if chain in _EVM:
        ok = bool(_EVM_RE.match(text))
        return None if ok else f"malformed {chain} address {address!r}: expected 0x + 40 hex digits"
    if chain in _BASE58_CHAINS:
        if _BECH32_RE.match(text.lower()) and chain != "TRX":
            return None
        payload = _b58check(text, _B58)
        if payload is None or len(payload) != 21 or payload[0] not in _BASE58_CHAINS[chain]:
            return f"malformed {chain} address {address!r}: bad Base58Check or version byte"
        return None
    if chain == "XRP":
        payload = _b58check(text, _RIPPLE)
        return None if payload is not None else f"malformed XRP address {address!r}"
    pattern = _LOOSE.get(chain)
    if pattern is not None and not pattern.match(text):
        return f"malformed {chain} address {address!r}"
    return None
