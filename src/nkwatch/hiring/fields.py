"""Parsers for single field values (emails, phones, dates, IPs, zones).

Each raises ``ValueError`` with a message a recruiter can act on; the importers turn that
into a per-record error and keep going.
"""

from __future__ import annotations

import ipaddress
import re
import sys
import unicodedata
from datetime import UTC, date, datetime
from functools import cache, lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import phonenumbers

from nkwatch.chains import address_key

_EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
_MONTHS = {
    m: i + 1
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    )
}


def parse_email(raw: str) -> str:
    value = raw.strip().lower()
    if not _EMAIL.match(value) or ".." in value:
        raise ValueError(f"malformed email {raw[:80]!r}")
    return value


def parse_phone(raw: str, country: str | None) -> str:
    """Return E.164; national numbers are read in the claimed country."""
    try:
        number = phonenumbers.parse(raw, country or None)
    except phonenumbers.NumberParseException as exc:
        raise ValueError(f"malformed phone {raw[:40]!r}: {exc}") from None
    if not phonenumbers.is_possible_number(number):
        raise ValueError(f"impossible phone number {raw[:40]!r}")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _ymd(y: int, m: int, d: int, raw: str) -> date:
    try:
        return date(y, m, d)
    except ValueError:
        raise ValueError(f"invalid date {raw!r}") from None


def parse_date(raw: str) -> date:
    """ISO, YYYY/MM/DD, DD.MM.YYYY, 'D Mon YYYY', 'Mon D, YYYY'; refuses ambiguous D/M."""
    s = raw.strip()
    if m := re.fullmatch(r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[T ].*)?", s):
        return _ymd(int(m[1]), int(m[2]), int(m[3]), raw)
    if m := re.fullmatch(r"(\d{1,2})\.(\d{1,2})\.(\d{4})", s):
        return _ymd(int(m[3]), int(m[2]), int(m[1]), raw)
    if m := re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", s):
        a, b, y = int(m[1]), int(m[2]), int(m[3])
        if a > 12 >= b:
            return _ymd(y, b, a, raw)
        if b > 12 >= a:
            return _ymd(y, a, b, raw)
        raise ValueError(f"ambiguous date {raw!r} (day/month order unknown); use YYYY-MM-DD")
    if m := re.fullmatch(r"(\d{1,2}) ([A-Za-z]{3})[a-z]*\.? (\d{4})", s):
        mon = _MONTHS.get(m[2].lower())
        if mon:
            return _ymd(int(m[3]), mon, int(m[1]), raw)
    if m := re.fullmatch(r"([A-Za-z]{3})[a-z]*\.? (\d{1,2}),? (\d{4})", s):
        mon = _MONTHS.get(m[1].lower())
        if mon:
            return _ymd(int(m[3]), mon, int(m[2]), raw)
    raise ValueError(f"unrecognised date {raw[:40]!r}; use YYYY-MM-DD")


def parse_datetime(raw: str) -> datetime:
    """ISO 8601 (a missing offset means UTC, as log exports use) or Unix seconds."""
    s = raw.strip()
    if re.fullmatch(r"\d{9,11}(\.\d+)?", s):
        return datetime.fromtimestamp(float(s), tz=UTC)
    try:
        value = datetime.fromisoformat(s.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"unrecognised timestamp {raw[:40]!r}") from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def parse_ip(raw: str) -> str:
    try:
        return str(ipaddress.ip_address(raw.strip()))
    except ValueError:
        raise ValueError(f"malformed IP address {raw[:60]!r}") from None


def parse_country(raw: str) -> str:
    value = raw.strip().upper()
    if not re.fullmatch(r"[A-Z]{2}", value):
        raise ValueError(f"country {raw[:20]!r} is not an ISO 3166-1 alpha-2 code")
    return value


@lru_cache(maxsize=1024)
def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {name[:60]!r}") from None


def parse_timezone(raw: str) -> str:
    zone(raw.strip())
    return raw.strip()


_NON_WORD = re.compile(r"[^\w]+")


def norm_text(value: str) -> str:
    """Case/accent/punctuation-insensitive form used to compare addresses and accounts.

    ASCII text skips the Unicode decomposition (it would change nothing): most names and
    addresses are ASCII, and this runs several times per record.
    """
    folded = value.casefold()
    if not folded.isascii():
        folded = unicodedata.normalize("NFKD", folded).translate(_combining_marks())
    return " ".join(_NON_WORD.sub(" ", folded).split())


@cache
def _combining_marks() -> dict[int, None]:
    """Translation table deleting every combining character (built once, ~0.2 s)."""
    return {cp: None for cp in range(sys.maxunicode + 1) if unicodedata.combining(chr(cp))}


def norm_account(value: str) -> str:
    """IBANs upper-cased, hex/bech32 wallets lower-cased, base58 kept (it is case-sensitive)."""
    compact = re.sub(r"[\s-]+", "", value)
    key = address_key(compact)  # a wallet: its key on its chain (hex, Bech32 lower-cased)
    if key != compact:
        return key
    if re.fullmatch(r"[A-Za-z]{2}\d{2}[A-Za-z0-9]{8,30}|\d+", compact):
        return compact.upper()
    return compact
