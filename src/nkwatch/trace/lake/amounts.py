"""Exact integer amounts up to 2^256 - 1 as five int64 limbs of base 10^18.

Why limbs: Spark decimals stop at 38 digits and turn a larger value into NULL without a
word; token amounts reach 78 digits. Every engine reads int64 columns exactly, sums them
exactly (DuckDB as HUGEINT, Spark as DECIMAL(38,0): 10^10 limbs of < 10^18 stay below
10^38) and the carries are normalised once in Python. Base 10^18 (not 2^64) keeps each
limb a signed int64 and makes dividing by 10^k a limb shift plus one small division, the
same expression in both SQL dialects. A value that cannot be represented (negative, not an
integer, 2^256 or more) is an error naming the row, never a NULL.
"""

from __future__ import annotations

from collections.abc import Sequence

import pyarrow as pa
import pyarrow.compute as pc

BASE = 10**18
DIGITS = 18
LIMBS = 5  # 90 digits >= 78 (2^256 - 1)
MAX = 2**256 - 1
_MAX_TEXT = str(MAX)
_WIDTH = DIGITS * LIMBS


def split(value: int) -> tuple[int, ...]:
    """One exact integer -> LIMBS limbs, lowest first."""
    if value < 0 or value > MAX:
        raise ValueError(f"amount {value} outside 0 .. 2^256-1")
    out = []
    for _ in range(LIMBS):
        value, limb = divmod(value, BASE)
        out.append(limb)
    return tuple(out)


def join(limbs: Sequence[int]) -> int:
    """Limbs (lowest first; sums of limbs allowed: carries are normalised here) -> integer."""
    return sum(int(v) * BASE**i for i, v in enumerate(limbs))


def first_bad(text: pa.Array) -> tuple[int, str] | None:
    """The first row of a string array that is not an integer in 0 .. 2^256-1 (with why)."""
    ok = pc.fill_null(pc.match_substring_regex(text, r"^[0-9]+$"), False)
    if not pc.all(ok).as_py():
        i = int(pc.index(ok, False).as_py())
        return i, f"not a non-negative integer: {text[i].as_py()!r}"
    trimmed = pc.utf8_ltrim(text, "0")
    long = pc.greater(pc.utf8_length(trimmed), len(_MAX_TEXT))
    at_max = pc.and_(
        pc.equal(pc.utf8_length(trimmed), len(_MAX_TEXT)), pc.greater(trimmed, _MAX_TEXT)
    )
    over = pc.or_(long, at_max)
    if pc.any(over).as_py():
        i = int(pc.index(over, True).as_py())
        return i, f"above 2^256-1: {text[i].as_py()!r}"
    return None


def as_text(values: pa.Array) -> pa.Array:
    """Integer-valued columns of any Arrow type as decimal strings (strings pass through);
    a decimal column with a fractional part keeps it, so :func:`first_bad` refuses it."""
    if pa.types.is_string(values.type) or pa.types.is_large_string(values.type):
        return pc.utf8_trim_whitespace(values.cast(pa.string()))
    if pa.types.is_decimal(values.type):
        text = values.cast(pa.string())
        if values.type.scale > 0:  # "12.000000000" -> "12"; "12.5" stays and is refused
            text = pc.replace_substring_regex(text, r"\.0+$", "")
        return text
    return values.cast(pa.string())


def limb_columns(text: pa.Array) -> list[pa.Array]:
    """Validated decimal strings -> LIMBS int64 arrays (lowest first)."""
    padded = pc.utf8_lpad(pc.utf8_ltrim(text, "0"), _WIDTH, "0")
    out = []
    for i in range(LIMBS):
        start = _WIDTH - DIGITS * (i + 1)
        out.append(pc.utf8_slice_codeunits(padded, start, start + DIGITS).cast(pa.int64()))
    return out


def scaled_sql(prefix: str, limbs: int, dialect: str) -> str:
    """SQL for ``floor(amount / 10^k)`` as BIGINT from limb columns ``{prefix}0..``, with the
    asset's ``k = 18 * q + r`` given per row as columns ``a.q``, ``a.p10`` (= 10^r) and
    ``a.m10`` (= 10^(18-r)).

    Valid when the asset's total volume is below 2^62 * 10^k (how ``k`` is chosen): the
    value then lives in limbs q and q+1, and since 10^r divides 10^18 it is exactly
    ``limb[q+1] * 10^(18-r) + limb[q] div 10^r``, every term below 2^62: plain BIGINT
    arithmetic, the same in DuckDB and Spark (no wide decimals per row)."""
    div = "//" if dialect == "duckdb" else "div"
    cases = []
    for q in range(limbs):
        low = f"{prefix}{q} {div} a.p10"
        value = f"{prefix}{q + 1} * a.m10 + {low}" if q + 1 < limbs else low
        cases.append(f"WHEN {q} THEN {value}")
    return f"(CASE a.q {' '.join(cases)} ELSE CAST(0 AS BIGINT) END)"
