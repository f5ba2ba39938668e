"""Parsing helpers shared by the importers: strict numbers, times, addresses, headers."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from nkwatch.chains import canonical_address, is_valid_address
from nkwatch.errors import UserError


def where(path: Path, line: int) -> str:
    return f"{path}:{line}"


def read_csv(path: Path, required: Sequence[str]) -> Iterator[tuple[int, dict[str, str]]]:
    """Rows as dicts with their line numbers; a missing column is a UserError."""
    try:
        handle = path.open(newline="", encoding="utf-8")
    except OSError as exc:
        raise UserError(f"cannot read: {exc.strerror}", where=str(path)) from exc
    with handle:
        reader = csv.DictReader(handle)
        header = reader.fieldnames or []
        missing = [c for c in required if c not in header]
        if missing:
            raise UserError(f"missing column(s) {', '.join(missing)}", where=str(path))
        yield from enumerate(reader, start=2)


def base_units(text: str, decimals: int, at: str, what: str = "amount") -> int:
    """A non-negative integer amount; ``text`` may be whole units with a fraction."""
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise UserError(f"{what} is not a number: {text!r}", where=at) from None
    if not value.is_finite() or value < 0:
        raise UserError(f"{what} must be a non-negative number: {text!r}", where=at)
    scaled = value.scaleb(decimals)
    if scaled != scaled.to_integral_value():
        raise UserError(f"{what} {text} has more than {decimals} decimals", where=at)
    return int(scaled)


def integer(text: str, at: str, what: str) -> int:
    try:
        value = int(text.strip())
    except ValueError:
        raise UserError(f"{what} is not an integer: {text!r}", where=at) from None
    if value < 0:
        raise UserError(f"{what} must not be negative: {text!r}", where=at)
    return value


def timestamp(text: str, at: str) -> datetime:
    """Unix seconds, ``YYYY-MM-DD HH:MM:SS`` (UTC) or ISO 8601."""
    raw = text.strip()
    try:
        if raw.isdigit():
            return datetime.fromtimestamp(int(raw), UTC)
        value = datetime.fromisoformat(raw.replace(" UTC", "").replace("Z", "+00:00"))
    except (ValueError, OverflowError):
        raise UserError(f"not a timestamp: {text!r}", where=at) from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def address(chain: str, text: str, at: str, what: str = "address") -> str:
    raw = text.strip()
    if not is_valid_address(chain, raw):
        raise UserError(f"{what} is not a valid {chain} address: {text!r}", where=at)
    return canonical_address(chain, raw)


def json_lines(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """JSON objects one per line with their line numbers; bad JSON is a UserError."""
    with path.open(encoding="utf-8") as handle:
        for n, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise UserError(f"not JSON: {exc.msg}", where=where(path, n)) from None
            if not isinstance(obj, dict):
                raise UserError("expected a JSON object", where=where(path, n))
            yield n, obj
