"""Named resource limits on input, and readers that enforce them.

Why: every parser of user files must end in a result or one ``UserError`` naming the file,
line or field and the limit, never in ``RecursionError``, ``MemoryError``, Python's
4300-digit ``ValueError`` or a silently rounded ``Decimal``. The limits are generous for
real data and named in each refusal so a user knows which one they met.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from nkwatch.boundary.terminal import one_line
from nkwatch.errors import UserError


@dataclass(frozen=True)
class InputLimits:
    json_depth: int = 64  # nesting of objects/arrays in a JSON or YAML document
    integer_digits: int = 78  # 2**256 - 1 (the largest EVM amount) has 78 digits
    decimal_exponent: int = 80  # |exponent| of a decimal in scientific notation
    field_chars: int = 100_000  # one CSV cell / JSON string: hashes, names, notes
    name_chars: int = 1_000  # a name to screen or a label
    file_count: int = 10_000  # files given to one import
    yaml_aliases: int = 0  # anchors/aliases (&a / *a): refused, the alias-bomb vector


LIMITS = InputLimits()
UINT256_MAX = 2**256 - 1
_DIGITS = re.compile(r"[0-9]+")
_DECIMAL = re.compile(r"([0-9]*)(?:\.([0-9]*))?(?:[eE]([+-]?[0-9]+))?")


def _shown(text: str, limit: int = 40) -> str:
    return repr(text if len(text) <= limit else text[:limit] + "...")


def parse_int(text: str, *, where: str, what: str, limits: InputLimits = LIMITS) -> int:
    """A non-negative integer in ASCII digits (``int()`` also takes Arabic-Indic digits)."""
    raw = text.strip()
    if not _DIGITS.fullmatch(raw):
        raise UserError(f"{what} is not a non-negative integer: {_shown(text)}", where=where)
    if len(raw) > limits.integer_digits:
        raise UserError(
            f"{what} has {len(raw)} digits (limit integer_digits={limits.integer_digits})",
            where=where,
        )
    return int(raw)


def exact_units(
    text: str,
    decimals: int,
    *,
    where: str,
    what: str = "amount",
    maximum: int = UINT256_MAX,
    limits: InputLimits = LIMITS,
) -> int:
    """``text`` (whole units, optional fraction and exponent) times 10**decimals, exactly.

    No ``Decimal`` context is involved, so nothing is ever rounded: a value that is not a
    whole number of base units, or above ``maximum``, is refused by name.
    """
    raw = text.strip()
    match = _DECIMAL.fullmatch(raw)
    if not raw or match is None or not (match.group(1) or match.group(2)):
        if raw.startswith("-"):
            raise UserError(f"{what} must be a non-negative number: {_shown(text)}", where=where)
        raise UserError(f"{what} is not a number: {_shown(text)}", where=where)
    whole, frac, exp = match.group(1), match.group(2) or "", match.group(3)
    digits = (whole + frac).lstrip("0")
    if len(digits) > limits.integer_digits:
        raise UserError(
            f"{what} has {len(digits)} significant digits "
            f"(limit integer_digits={limits.integer_digits})",
            where=where,
        )
    shift = decimals - len(frac)
    if exp is not None:
        if len(exp.lstrip("+-")) > 6 or abs(int(exp)) > limits.decimal_exponent:
            raise UserError(
                f"{what} exponent {exp} is out of range "
                f"(limit decimal_exponent={limits.decimal_exponent})",
                where=where,
            )
        shift += int(exp)
    mantissa = int(whole + frac or "0")
    if shift >= 0:
        value = mantissa * int(10**shift)
    else:
        value, rest = divmod(mantissa, int(10 ** (-shift)))
        if rest:
            raise UserError(f"{what} {raw} has more than {decimals} decimals", where=where)
    if value > maximum:
        raise UserError(
            f"{what} {_shown(raw)} is above the largest amount kept exactly ({maximum})",
            where=where,
        )
    return value


def check_field(
    value: str, *, where: str, what: str, max_chars: int | None = None, empty_ok: bool = True
) -> str:
    """Refuse NUL bytes, over-long and (unless ``empty_ok``) blank values."""
    limit = LIMITS.field_chars if max_chars is None else max_chars
    if "\x00" in value:
        raise UserError(f"{what} contains a NUL byte", where=where)
    if len(value) > limit:
        raise UserError(f"{what} has {len(value)} characters (limit {limit})", where=where)
    if not empty_ok and not value.strip():
        raise UserError(f"{what} is empty", where=where)
    return value


def _json_int(limits: InputLimits, where: str) -> Callable[[str], int]:
    def parse(text: str) -> int:
        digits = len(text.lstrip("-"))
        if digits > limits.integer_digits:
            raise UserError(
                f"JSON integer of {digits} digits (limit integer_digits={limits.integer_digits})",
                where=where,
            )
        return int(text)

    return parse


def _refuse_constant(where: str) -> Callable[[str], Any]:
    def parse(name: str) -> Any:
        raise UserError(f"{name} is not a JSON number", where=where)

    return parse


def json_depth(doc: Any) -> int:
    """How deeply objects/arrays nest in ``doc`` (iterative: no recursion limit)."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(doc, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            deepest = max(deepest, depth)
            stack.extend((v, depth + 1) for v in node.values())
        elif isinstance(node, list):
            deepest = max(deepest, depth)
            stack.extend((v, depth + 1) for v in node)
    return deepest


def load_json(text: str | bytes, *, where: str, limits: InputLimits = LIMITS) -> Any:
    """``json.loads`` with the nesting, integer and constant limits, errors as UserError."""
    try:
        doc = json.loads(
            text,
            parse_int=_json_int(limits, where),
            parse_constant=_refuse_constant(where),
        )
    except RecursionError:
        raise UserError(
            f"JSON nested too deeply (limit json_depth={limits.json_depth})", where=where
        ) from None
    except json.JSONDecodeError as exc:
        raise UserError(
            f"not JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})", where=where
        ) from None
    except UnicodeDecodeError:
        raise UserError("not UTF-8 text", where=where) from None
    if json_depth(doc) > limits.json_depth:
        raise UserError(
            f"JSON nested deeper than {limits.json_depth} levels "
            f"(limit json_depth={limits.json_depth})",
            where=where,
        )
    return doc


_FastLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _NoAliasLoader(yaml.SafeLoader):
    """A safe YAML loader that refuses aliases (``*a``: the billion-laughs vector)."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            raise yaml.MarkedYAMLError(
                "YAML aliases are refused (limit yaml_aliases=0)", event.start_mark
            )
        return super().compose_node(parent, index)


def load_yaml(text: str, *, where: str, limits: InputLimits = LIMITS) -> Any:
    """Safe YAML without aliases and within the nesting limit; errors as UserError."""
    # an alias needs a '*'; libyaml composes aliases in C, before Python could refuse them
    loader: type = _NoAliasLoader if "*" in text else _FastLoader
    try:
        doc = yaml.load(text, Loader=loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f" at line {mark.line + 1}" if mark is not None else ""
        raise UserError(
            f"not valid YAML{line}: {exc.problem or exc.context}", where=where
        ) from None
    except yaml.YAMLError as exc:
        raise UserError(f"not valid YAML: {exc}", where=where) from None
    except RecursionError:
        raise UserError(
            f"YAML nested too deeply (limit json_depth={limits.json_depth})", where=where
        ) from None
    except ValueError as exc:  # e.g. an integer beyond Python's 4300-digit conversion limit
        raise UserError(f"not valid YAML: {one_line(str(exc), 120)}", where=where) from None
    if json_depth(doc) > limits.json_depth:
        raise UserError(
            f"YAML nested deeper than {limits.json_depth} levels (limit json_depth)", where=where
        )
    return doc


def read_text(path: Path, *, what: str = "file") -> str:
    """A UTF-8 text file (a UTF-8 BOM is dropped); every failure one UserError."""
    try:
        data = path.read_bytes()
    except IsADirectoryError:
        raise UserError(f"is a directory, expected a {what}", where=str(path)) from None
    except FileNotFoundError:
        raise UserError("no such file", where=str(path)) from None
    except OSError as exc:
        raise UserError(f"cannot read: {exc.strerror}", where=str(path)) from None
    return decode_utf8(data, where=str(path))


def decode_utf8(data: bytes, *, where: str) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UserError("is UTF-16 text; save it as UTF-8", where=where)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise UserError(
            f"not UTF-8 (byte 0x{data[exc.start]:02x}); save it as UTF-8", where=f"{where}:{line}"
        ) from None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise UserError("contains a NUL byte (a binary file?)", where=f"{where}:{line}")
    return text


def csv_records(
    text: str, *, where: str, limits: InputLimits = LIMITS
) -> Iterator[tuple[int, list[str]]]:
    """CSV rows with the line each starts on; strict quoting, bounded cells.

    An unterminated quote is refused (it would swallow the rest of the file into one cell),
    as is a cell over ``field_chars`` or a NUL byte (:func:`decode_utf8` refuses those).
    """
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    line = 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise UserError(
                f"malformed CSV: {exc} (a stray or unclosed quote?)", where=f"{where}:{line}"
            ) from None
        for cell in row:
            if len(cell) > limits.field_chars:
                raise UserError(
                    f"a cell has {len(cell):,} characters (limit field_chars={limits.field_chars:,})",
                    where=f"{where}:{line}",
                )
        yield line, row
        line = reader.line_num + 1


def csv_dicts(
    text: str, *, where: str, required: Sequence[str] = ()
) -> tuple[list[str], Iterator[tuple[int, dict[str, str]]]]:
    """The header and the rows as dicts (missing cells are ""), a missing column refused."""
    records = csv_records(text, where=where)
    first = next(records, None)
    header = [h.strip() for h in first[1]] if first else []
    missing = [c for c in required if c not in header]
    if missing:
        raise UserError(f"missing column(s) {', '.join(missing)}", where=where)

    def rows() -> Iterator[tuple[int, dict[str, str]]]:
        for line, row in records:
            if not any(cell.strip() for cell in row):
                continue
            if len(row) > len(header):
                raise UserError(
                    f"{len(row)} cells but the header has {len(header)} columns",
                    where=f"{where}:{line}",
                )
            yield line, dict(zip(header, row + [""] * (len(header) - len(row)), strict=True))

    return header, rows()
