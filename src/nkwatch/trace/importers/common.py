"""Parsing helpers shared by the importers: strict numbers, times, addresses, headers."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from nkwatch.boundary import UINT256_MAX, csv_dicts, exact_units, load_json, parse_int, read_text
from nkwatch.chains import canonical_address, is_valid_address
from nkwatch.errors import UserError
from nkwatch.trace.params import MAX_DECIMALS


def where(path: Path, line: int) -> str:
    return f"{path}:{line}"


def read_csv(path: Path, required: Sequence[str]) -> Iterator[tuple[int, dict[str, str]]]:
    """Rows as dicts with their line numbers; a missing column is a UserError.

    UTF-8 only, strict quoting, bounded cells (:mod:`nkwatch.boundary`): a bad file is one
    UserError naming the file and line, never a decode or csv exception.
    """
    _, rows = csv_dicts(read_text(path, what="CSV file"), where=str(path), required=required)
    yield from rows


# Readers keep amounts exact up to 2**256 - 1 (any EVM amount; the Parquet lake stores them
# all). Today's DuckDB store keeps amounts and fees as HUGEINT (signed 128-bit):
# ``import_files`` refuses a transfer above that by name instead of letting it wrap or
# crash. Blocks are BIGINT, log indexes INTEGER.
STORE_MAX_AMOUNT = 2**127 - 1
MAX_BLOCK = 2**63 - 1
MAX_INDEX = 2**31 - 1
_TX_HASH = re.compile(r"(?:0x)?[0-9a-fA-F]{64}")


def base_units(text: str, decimals: int, at: str, what: str = "amount") -> int:
    """A non-negative amount in base units; ``text`` may be whole units with a fraction.

    Exact at any size: an amount that is not a whole number of base units, or above
    2**256 - 1, is refused by name.
    """
    if not 0 <= decimals <= MAX_DECIMALS:
        raise UserError(f"{decimals} decimals is out of range (0-{MAX_DECIMALS})", where=at)
    return exact_units(text, decimals, where=at, what=what, maximum=UINT256_MAX)


def integer(text: str, at: str, what: str, maximum: int = MAX_BLOCK) -> int:
    """A non-negative integer in ASCII digits, at most ``maximum``."""
    value = parse_int(text, where=at, what=what)
    if value > maximum:
        raise UserError(f"{what} {value} is out of range (at most {maximum})", where=at)
    return value


def tx_hash(text: str, at: str, what: str = "hash") -> str:
    """A 32-byte transaction hash in hex (``0x`` optional), lower-cased."""
    raw = text.strip()
    if not _TX_HASH.fullmatch(raw):
        raise UserError(f"{what} is not a 32-byte hex transaction hash: {_shown(raw)}", where=at)
    return raw.lower()


def _shown(text: str) -> str:
    return repr(text if len(text) <= 80 else text[:80] + f"... ({len(text)} characters)")


EARLIEST = datetime(2008, 10, 31, tzinfo=UTC)  # the Bitcoin white paper: no transfer before
LATEST = datetime(9999, 12, 31, tzinfo=UTC)


def timestamp(text: str, at: str) -> datetime:
    """Unix seconds, ``YYYY-MM-DD HH:MM:SS`` (UTC) or ISO 8601; impossible dates refused."""
    raw = text.strip()
    try:
        if raw.isascii() and raw.isdigit():
            if len(raw) > 12:
                raise OverflowError
            value = datetime.fromtimestamp(int(raw), UTC)
        elif raw.isascii():
            value = datetime.fromisoformat(raw.replace(" UTC", "").replace("Z", "+00:00"))
        else:
            raise ValueError
    except (ValueError, OverflowError, OSError):
        raise UserError(f"not a timestamp: {_shown(text)}", where=at) from None
    value = value if value.tzinfo else value.replace(tzinfo=UTC)
    if value < EARLIEST:
        raise UserError(f"timestamp {raw} is before any blockchain existed", where=at)
    return value


def address(chain: str, text: str, at: str, what: str = "address") -> str:
    raw = text.strip()
    if not is_valid_address(chain, raw):
        raise UserError(f"{what} is not a valid {chain} address: {_shown(text)}", where=at)
    return canonical_address(chain, raw)


def json_lines(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """JSON objects one per line with their line numbers; bad JSON is a UserError (within
    the boundary's limits: nesting depth, integer digits; UTF-8 only)."""
    text = read_text(path, what="JSON lines file")
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        obj = load_json(line, where=where(path, n))
        if not isinstance(obj, dict):
            raise UserError("expected a JSON object", where=where(path, n))
        yield n, obj
