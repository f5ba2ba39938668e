"""Reading input files as Arrow batches and checking their columns, naming file and row.

CSV is read with every column as text (nothing guessed); Parquet keeps its types; JSON
lines and Avro (BigQuery exports) are decoded record by record so 78-digit integers stay
exact. Every check finds the first bad row vectorised and raises one ``UserError``
``file:row: column X: problem``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from nkwatch.errors import UserError
from nkwatch.trace.importers.common import json_lines
from nkwatch.trace.lake import amounts
from nkwatch.trace.lake.ids import address_ids
from nkwatch.trace.lake.schema import TEXT_DICTIONARY

BATCH_ROWS = 1 << 20


def _suffix(path: Path) -> str:
    name = path.name.lower()
    for ext in (".csv.gz", ".csv", ".jsonl", ".json", ".ndjson", ".parquet", ".avro"):
        if name.endswith(ext):
            return ext
    raise UserError(
        "unknown file type (expected .csv, .jsonl/.json, .parquet or .avro)", where=str(path)
    )


def header(path: Path) -> list[str]:
    """Column names without reading the data."""
    ext = _suffix(path)
    if ext == ".parquet":
        import pyarrow.parquet as pq

        try:
            return list(pq.ParquetFile(path).schema_arrow.names)
        except Exception as exc:  # pyarrow raises several types for a bad file
            raise UserError(f"not a readable Parquet file: {exc}", where=str(path)) from exc
    if ext in (".csv", ".csv.gz"):
        import pyarrow.csv as pcsv

        try:  # the first block is parsed here: a bad row or bad bytes in it surface now
            reader = pcsv.open_csv(path, read_options=pcsv.ReadOptions(block_size=1 << 16))
            return list(reader.schema.names)
        except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
            raise UserError(
                f"not a readable CSV file: {_first_line(exc)}", where=str(path)
            ) from None
    first = next(iter(_records(path)), None)
    return list(first[1].keys()) if first else []


def _first_line(exc: BaseException) -> str:
    """pyarrow quotes the offending row (any bytes, any length): the problem, kept short."""
    return str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__


def _records(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line or record number, record) of a JSON lines or Avro file."""
    ext = _suffix(path)
    if ext == ".avro":
        import fastavro

        with path.open("rb") as handle:
            try:
                for n, rec in enumerate(fastavro.reader(handle), start=1):
                    yield n, dict(rec)  # type: ignore[arg-type]
            except (ValueError, EOFError) as exc:
                raise UserError(f"not a readable Avro file: {exc}", where=str(path)) from exc
        return
    yield from json_lines(path)


def _plain(value: Any) -> Any:
    """JSON/Avro values -> text for scalars (exact), kept for nested lists/records."""
    if value is None or isinstance(value, list | dict):
        return value
    if isinstance(value, bool):
        return "1" if value else "0"
    if hasattr(value, "timestamp"):
        return str(int(value.timestamp()))
    return str(value)


def batches(path: Path, few: tuple[str, ...] = ()) -> Iterator[tuple[pa.Table, pa.Array]]:
    """The file as Arrow tables and, per batch, each row's number as a user sees it
    (CSV/JSON: line; Parquet/Avro: row). Text columns named in ``few`` (a handful of
    values, e.g. a token contract) come as dictionaries from Parquet and CSV."""
    ext = _suffix(path)
    if ext == ".parquet":
        import pyarrow.parquet as pq

        try:
            handle = pq.ParquetFile(path)
            schema = handle.schema_arrow
            few = tuple(n for n in few if n in schema.names and _is_text(schema.field(n).type))
            if few:  # the footer already read is reused
                handle = pq.ParquetFile(path, metadata=handle.metadata, read_dictionary=few)
        except Exception as exc:  # pyarrow raises several types for a bad file
            raise UserError(f"not a readable Parquet file: {exc}", where=str(path)) from exc
        done = 0
        # one thread: the decode is a small share of an import, and Arrow's pool of
        # column threads costs more CPU than it saves wall time on a busy machine
        for rb in handle.iter_batches(batch_size=BATCH_ROWS, use_threads=False):
            n = rb.num_rows
            yield pa.Table.from_batches([rb]), pa.array(np.arange(done + 1, done + n + 1))
            done += n
        return
    if ext in (".csv", ".csv.gz"):
        import pyarrow.csv as pcsv

        names = header(path)
        kinds = {c: TEXT_DICTIONARY if c in few else pa.string() for c in names}
        opts = pcsv.ConvertOptions(column_types=kinds, strings_can_be_null=False)
        try:
            reader = pcsv.open_csv(
                path, read_options=pcsv.ReadOptions(block_size=64 << 20), convert_options=opts
            )
            done = 0
            for rb in reader:
                n = rb.num_rows
                yield pa.Table.from_batches([rb]), pa.array(np.arange(done + 2, done + n + 2))
                done += n
        except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
            raise UserError(
                f"not a readable CSV file: {_first_line(exc)}", where=str(path)
            ) from None
        return
    rows: list[dict[str, Any]] = []
    lines: list[int] = []
    for line, rec in _records(path):
        rows.append({k: _plain(v) for k, v in rec.items()})
        lines.append(line)
        if len(rows) >= BATCH_ROWS // 8:
            yield _table(rows, lines, path), pa.array(lines)
            rows, lines = [], []
    if rows:
        yield _table(rows, lines, path), pa.array(lines)


def _table(rows: list[dict[str, Any]], lines: list[int], path: Path) -> pa.Table:
    """Records as one Arrow table; nested values Arrow cannot hold (an integer past 64 bits
    inside a list, a field that is a list in one record and text in the next: found by
    fuzzing) are one UserError naming the records' lines."""
    try:
        return pa.Table.from_pylist(rows)
    except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError) as exc:
        raise UserError(
            f"records Arrow cannot hold (nested values of mixed types or past 64 bits): {_first_line(exc)}",
            where=f"{path}:{lines[0]}-{lines[-1]}",
        ) from None


class Columns:
    """Typed, checked access to one batch's columns."""

    def __init__(self, table: pa.Table, rows: pa.Array, path: Path) -> None:
        names = table.column_names
        if len(set(names)) != len(names):  # Arrow would refuse to pick one by name
            twice = next(n for n in names if names.count(n) > 1)
            raise UserError(f"column {twice!r} appears more than once", where=str(path))
        self.t = table
        self.rows = rows
        self.path = path
        self._raw: dict[str, pa.Array] = {}

    def at(self, i: int) -> str:
        return f"{self.path}:{self.rows[i].as_py()}"

    def has(self, name: str) -> bool:
        return name in self.t.column_names

    def need(self, *names: str) -> None:
        missing = [n for n in names if n not in self.t.column_names]
        if missing:
            raise UserError(f"missing column(s) {', '.join(missing)}", where=str(self.path))

    def raw(self, name: str) -> pa.Array:
        got = self._raw.get(name)
        if got is None:
            col = self.t[name]
            if isinstance(col, pa.ChunkedArray):
                col = col.chunk(0) if col.num_chunks == 1 else col.combine_chunks()
            got = self._raw[name] = col
        return got

    def text(self, name: str) -> pa.Array:
        """A column as text, missing values as ''."""
        if not self.has(name):
            return pa.array([""] * self.t.num_rows, pa.string())
        col = self.raw(name)
        if pa.types.is_null(col.type):
            return pa.array([""] * len(col), pa.string())
        if not (pa.types.is_string(col.type) or pa.types.is_large_string(col.type)):
            col = amounts.as_text(col) if pa.types.is_decimal(col.type) else col.cast(pa.string())
        return pc.fill_null(pc.utf8_trim_whitespace(col.cast(pa.string())), "")

    def fail(self, name: str, ok: pa.Array, problem: str) -> None:
        ok = pc.fill_null(ok, False)
        if not pc.all(ok).as_py():
            i = int(pc.index(ok, False).as_py())
            value = self.raw(name)[i].as_py()
            raise UserError(f"column {name}: {problem}: {value!r}", where=self.at(i))

    def integer(
        self, name: str, lo: int = 0, hi: int = 2**63 - 1, default: int | None = None
    ) -> pa.Array:
        """An integer column in ``lo..hi`` as int64 (text or any integer type)."""
        if not self.has(name) or (default is not None and pa.types.is_null(self.raw(name).type)):
            if default is None:
                self.need(name)
            return pa.array(np.full(self.t.num_rows, default, np.int64))
        col = self.raw(name)
        if pa.types.is_integer(col.type):
            values = col.cast(pa.int64())
        elif pa.types.is_timestamp(col.type):
            values = pc.divide(col.cast(pa.int64()), _per_second(col.type))
        else:
            values = _plain_integers(col)
            if values is None:  # blanks, "12.0", padding: the exact (slower) text path
                text = self.text(name)
                if default is not None:
                    text = pc.if_else(pc.equal(text, ""), str(default), text)
                self.fail(
                    name,
                    pc.match_substring_regex(text, r"^-?[0-9]{1,18}(\.0+)?$"),
                    "not an integer",
                )
                values = pc.replace_substring_regex(text, r"\.0+$", "").cast(pa.int64())
        bounds = pc.min_max(values)
        low, high = bounds["min"].as_py(), bounds["max"].as_py()
        if values.null_count or (low is not None and (low < lo or high > hi)):
            self.fail(name, pc.and_(pc.greater_equal(values, lo), pc.less_equal(values, hi)),
                      f"out of range {lo}..{hi}")  # fmt: skip
        return pc.fill_null(values, default) if default is not None else values

    def address(self, name: str, fallback: pa.Array | None = None) -> tuple[pa.Array, pa.Array]:
        """An EVM address column, lower-cased, and its ids; empty -> ``fallback`` (else an
        error). Exports hold exact lower-case text: checked, hashed and used as it is."""
        from nkwatch.trace.lake.fastcols import evm_column

        if self.has(name) and _is_text(self.raw(name).type):
            lowered, ids, bad = evm_column(self.raw(name))
            if bad < 0:
                return lowered, pa.array(ids)
        if self.has(name) and _is_text_dictionary(self.raw(name)):
            got = _dictionary_addresses(self.raw(name))
            if got is not None:
                return got
        text = self.text(name)
        if fallback is not None:
            text = pc.if_else(pc.equal(text, ""), fallback, text)
        lowered, ids, bad = evm_column(text)
        if bad >= 0:
            value = self.raw(name)[bad].as_py() if self.has(name) else ""
            raise UserError(
                f"column {name}: not a 0x-prefixed 20-byte address: {value!r}", where=self.at(bad)
            )
        return lowered, pa.array(ids)

    def lower(self, name: str) -> pa.Array:
        """A text column trimmed and lower-cased (as it is when it needs neither)."""
        from nkwatch.trace.lake.fastcols import plain_column

        if self.has(name) and _is_text(self.raw(name).type):
            plain = plain_column(self.raw(name))
            if plain is not None:
                return plain
        return pc.utf8_lower(self.text(name))

    def amount(self, name: str) -> list[pa.Array]:
        """An integer amount column (text, integer or decimal type) as limbs."""
        from nkwatch.trace.lake.fastcols import limb_column

        self.need(name)
        col = self.raw(name)
        limbs, bad, _ = limb_column(col) if _is_text(col.type) else ([], 0, 0)
        if bad < 0:
            return limbs
        text = amounts.as_text(col) if not pa.types.is_null(col.type) else self.text(name)
        limbs, bad, why = limb_column(text)
        if bad >= 0:
            value = col[bad].as_py()
            problem = "not a non-negative integer" if why == 1 else "above 2^256-1"
            raise UserError(f"column {name}: {problem}: {str(value)!r}", where=self.at(bad))
        return limbs

    def times(self, name: str) -> pa.Array:
        """Block times as unix seconds: integers, timestamps or 'YYYY-MM-DD HH:MM:SS[ UTC]'."""
        col = self.raw(name)
        if pa.types.is_integer(col.type) or pa.types.is_timestamp(col.type):
            return self.integer(name)
        if _plain_integers(col) is not None:
            return self.integer(name)
        text = self.text(name)
        digits = pc.match_substring_regex(text, r"^[0-9]+$")
        if pc.all(digits).as_py():
            return self.integer(name)
        norm = pc.replace_substring_regex(text, r"( UTC|Z|\+00:00)$", "")
        norm = pc.replace_substring_regex(norm, "T", " ")
        norm = pc.replace_substring_regex(norm, r"\.[0-9]+$", "")
        try:
            parsed = pc.strptime(norm, format="%Y-%m-%d %H:%M:%S", unit="s", error_is_null=True)
        except pa.ArrowInvalid:
            parsed = pa.nulls(len(norm), pa.timestamp("s"))
        self.fail(name, pc.is_valid(parsed), "not a block time")
        return parsed.cast(pa.int64())


def _is_text(t: pa.DataType) -> bool:
    return bool(pa.types.is_string(t) or pa.types.is_large_string(t))


def _is_text_dictionary(col: pa.Array) -> bool:
    return bool(pa.types.is_dictionary(col.type) and _is_text(col.type.value_type))


def _dictionary_addresses(col: pa.DictionaryArray) -> tuple[pa.Array, pa.Array] | None:
    """A dictionary column of addresses checked and hashed once per distinct value; None
    (the row-by-row path judges it and names the row) when some value is missing, bad or
    upper-case."""
    from nkwatch.trace.lake.fastcols import evm_column

    if col.null_count:
        return None
    dictionary = col.dictionary
    values, ids, bad = evm_column(dictionary)
    if bad >= 0 or not values.equals(dictionary):
        return None
    codes = np.asarray(col.indices.to_numpy(zero_copy_only=False), np.intp)
    return col, pa.array(ids[codes])


def _plain_integers(col: pa.Array) -> pa.Array | None:
    """Text that is all plain decimal integers (``-?[0-9]{1,18}``), as int64; None for
    anything else (blanks, padding, "12.0", nulls), which the exact text path then judges
    row by row."""
    from nkwatch.trace.lake.fastcols import int_column

    return int_column(col) if _is_text(col.type) else None


def _per_second(t: pa.DataType) -> int:
    return {"s": 1, "ms": 1000, "us": 1_000_000, "ns": 1_000_000_000}[t.unit]


def ids(addresses: pa.Array) -> pa.Array:
    return pa.array(address_ids(addresses))


def const(value: object, n: int, typ: pa.DataType) -> pa.Array:
    """``n`` copies of ``value``; text as a one-value dictionary (no string per row)."""
    if pa.types.is_string(typ):
        return pa.DictionaryArray.from_arrays(
            pa.array(np.zeros(n, np.int32)), pa.array([value], pa.string())
        )
    if value == 0 and (pa.types.is_integer(typ) or pa.types.is_boolean(typ)):
        # zero-filled pages the kernel maps on first read: nothing written, nothing copied
        return pa.array(np.zeros(n, typ.to_pandas_dtype()))
    return pa.repeat(pa.scalar(value, typ), n)
