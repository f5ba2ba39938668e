"""Batch screening of a CSV of payees/wallets: read, screen row by row, write CSV or JSONL.

Per-row problems (an invalid address, an empty row) are reported in that row's output and
do not stop the batch; problems with the file itself (encoding, no usable column) are one
:class:`UserError` naming the file and line.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nkwatch.boundary import SafeCsvWriter
from nkwatch.errors import UserError
from nkwatch.sanctions.model import Identifier, Schema
from nkwatch.sanctions.names import NameQuery
from nkwatch.sanctions.screening import Match, Screener, ScreeningResult
from nkwatch.sanctions.service import ScreeningService

# Header spellings recognised per field, compared case-insensitively without spaces/_/-.
COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "name": (
        "name",
        "fullname",
        "payee",
        "payeename",
        "beneficiary",
        "beneficiaryname",
        "counterparty",
        "customername",
        "entityname",
        "applicant",
        "party",
    ),
    "address": (
        "address",
        "wallet",
        "walletaddress",
        "cryptoaddress",
        "addr",
        "depositaddress",
        "withdrawaladdress",
        "blockchainaddress",
    ),
    "chain": ("chain", "currency", "network", "asset", "coin", "blockchain"),
    "type": ("type", "entitytype", "schema", "kind", "partytype"),
    "country": ("country", "nationality", "countrycode"),
    "dob": ("dob", "dateofbirth", "birthdate", "birthday"),
    "identifier": ("identifier", "idnumber", "passport", "passportnumber", "document"),
}
_TYPES = {
    "person": Schema.PERSON,
    "individual": Schema.PERSON,
    "organization": Schema.ORGANIZATION,
    "organisation": Schema.ORGANIZATION,
    "company": Schema.ORGANIZATION,
    "entity": Schema.ORGANIZATION,
    "vessel": Schema.VESSEL,
    "ship": Schema.VESSEL,
    "aircraft": Schema.AIRCRAFT,
}
MAX_ROWS = 1_000_000


@dataclass(frozen=True)
class ColumnMap:
    name: str | None = None
    address: str | None = None
    chain: str | None = None
    type: str | None = None
    country: str | None = None
    dob: str | None = None
    identifier: str | None = None


@dataclass(frozen=True)
class BatchInput:
    header: tuple[str, ...]
    rows: tuple[dict[str, str], ...]
    lines: tuple[int, ...]  # file line where each row starts


@dataclass(frozen=True)
class RowOutcome:
    row: int  # 1-based data row
    line: int
    values: dict[str, str]
    result: ScreeningResult | None
    error: str | None

    @property
    def best(self) -> Match | None:
        return self.result.matches[0] if self.result and self.result.matches else None


def _key(header: str) -> str:
    return "".join(ch for ch in header.lower() if ch.isalnum())


def detect_columns(header: Sequence[str], overrides: Mapping[str, str | None]) -> ColumnMap:
    """Pick the columns to screen; explicit ``--x-column`` options win over detection."""
    by_key = {_key(h): h for h in header}
    chosen: dict[str, str | None] = {}
    for field, aliases in COLUMN_ALIASES.items():
        explicit = overrides.get(field)
        if explicit:
            if explicit not in header:
                raise UserError(
                    f"no column {explicit!r} in the file (columns: {', '.join(header)})"
                )
            chosen[field] = explicit
        else:
            chosen[field] = next((by_key[a] for a in aliases if a in by_key), None)
    columns = ColumnMap(**chosen)
    if columns.name is None and columns.address is None:
        raise UserError(
            f"no name or address column found (columns: {', '.join(header)});"
            " use --name-column or --address-column"
        )
    return columns


def read_csv(path: Path) -> BatchInput:
    """Read a UTF-8 CSV; wrong encodings are named with the first offending line."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise UserError("file not found", where=str(path)) from None
    except OSError as exc:
        raise UserError(f"cannot read file: {exc.strerror}", where=str(path)) from None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UserError("file is UTF-16 encoded; save it as UTF-8 CSV", where=f"{path}: line 1")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise UserError(
            f"not valid UTF-8 (byte 0x{data[exc.start]:02x}); save the file as UTF-8",
            where=f"{path}: line {line}",
        ) from None
    if "\x00" in text:
        raise UserError("file contains NUL bytes; is it a CSV?", where=str(path))
    return parse_csv_text(text, str(path))


def parse_csv_text(text: str, where: str) -> BatchInput:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)  # an open quote is an error
    try:
        header = next(reader)
    except StopIteration:
        raise UserError("empty file, expected a header row", where=where) from None
    except csv.Error as exc:
        raise UserError(f"malformed CSV: {exc}", where=f"{where}: line 1") from None
    header = [h.strip() for h in header]
    rows: list[dict[str, str]] = []
    lines: list[int] = []
    start = reader.line_num + 1
    try:
        for record in reader:
            if any(cell.strip() for cell in record):
                rows.append(
                    {h: (record[i] if i < len(record) else "") for i, h in enumerate(header)}
                )
                lines.append(start)
            start = reader.line_num + 1
            if len(rows) > MAX_ROWS:
                raise UserError(f"more than {MAX_ROWS:,} rows; split the file", where=where)
    except csv.Error as exc:
        raise UserError(f"malformed CSV: {exc}", where=f"{where}: line {reader.line_num}") from None
    return BatchInput(tuple(header), tuple(rows), tuple(lines))


def _query(
    values: Mapping[str, str], cols: ColumnMap
) -> tuple[NameQuery | None, str | None, str | None]:
    def get(column: str | None) -> str:
        return values.get(column, "").strip() if column else ""

    name, address, chain = get(cols.name), get(cols.address), get(cols.chain)
    if not name and not address:
        raise UserError("row has neither a name nor an address")
    query = None
    if name:
        kind = get(cols.type).lower()
        if kind and kind not in _TYPES:
            raise UserError(f"unknown type {kind!r} (person, organization, vessel, aircraft)")
        ident = get(cols.identifier)
        query = NameQuery(
            name=name,
            schema=_TYPES.get(kind),
            country=get(cols.country).upper() or None,
            birth_date=get(cols.dob) or None,
            identifiers=(Identifier("id", ident),) if ident else (),
        )
    return query, address or None, chain or None


def screen_rows(
    service: ScreeningService,
    batch: BatchInput,
    cols: ColumnMap,
    *,
    threshold: float | None = None,
    on_row: Callable[[int], None] | None = None,
    processes: bool = False,
) -> list[RowOutcome]:
    """Screen every row in input order; audit-log each decision (in that order, in bulk) in
    one transaction. With ``processes`` (the CLI), a large batch runs on several processes
    (``batch_pool``) when the name index is persisted; the outcomes are the same."""
    screener = service.screener
    with service.store.transaction():
        outcomes = None
        if processes:
            from nkwatch.sanctions import batch_pool

            outcomes = batch_pool.screen_parallel(service, batch, cols, threshold, on_row)
        if outcomes is None:
            outcomes = []
            for number, (values, line) in enumerate(zip(batch.rows, batch.lines, strict=True), 1):
                outcomes.append(screen_row(screener, number, values, line, cols, threshold))
                if on_row is not None:
                    on_row(number)
        service.record_many("screen.batch", [o.result for o in outcomes if o.result is not None])
    return outcomes


def screen_row(
    screener: Screener,
    number: int,
    values: dict[str, str],
    line: int,
    cols: ColumnMap,
    threshold: float | None,
) -> RowOutcome:
    """One row's outcome: its result, or the row's own error (the batch goes on)."""
    try:
        name_q, address, chain = _query(values, cols)
        parts = []
        if name_q is not None:
            parts.append(screener.screen_name(name_q, threshold=threshold))
        if address is not None:
            parts.append(screener.screen_address(address, chain))
        return RowOutcome(number, line, values, _combine(number, parts), None)
    except UserError as exc:
        return RowOutcome(number, line, values, None, str(exc))


def _combine(row: int, parts: Sequence[ScreeningResult]) -> ScreeningResult:
    query: dict[str, Any] = {"row": row}
    for part in parts:
        query |= part.query
    matches = sorted((m for p in parts for m in p.matches), key=lambda m: -m.score)
    return ScreeningResult(
        query, parts[0].list_versions, tuple(matches), min(p.threshold for p in parts)
    )


def write_output(path: Path, batch: BatchInput, outcomes: Iterable[RowOutcome]) -> None:
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".jsonl"):
        raise UserError("output must end in .csv or .jsonl", where=str(path))
    try:
        with path.open("w", encoding="utf-8", newline="") as out:
            if suffix == ".jsonl":
                for o in outcomes:
                    out.write(json.dumps(row_json(o), ensure_ascii=False) + "\n")
            else:
                _write_csv(out, batch.header, outcomes)
    except OSError as exc:
        raise UserError(f"cannot write output: {exc.strerror}", where=str(path)) from None


def row_json(outcome: RowOutcome) -> dict[str, Any]:
    if outcome.result is not None:
        return outcome.result.to_json()
    return {
        "query": {"row": outcome.row},
        "list_versions": [],
        "matches": [],
        "error": outcome.error,
    }


RESULT_COLUMNS = (
    "screen_status",
    "screen_best_match",
    "screen_entity_id",
    "screen_list",
    "screen_score",
    "screen_dprk_linked",
    "screen_programs",
    "screen_matches",
    "screen_list_versions",
    "screen_error",
)


def _write_csv(
    out: io.TextIOBase | Any, header: Sequence[str], outcomes: Iterable[RowOutcome]
) -> None:
    writer = SafeCsvWriter(out)
    writer.writerow([*header, *RESULT_COLUMNS])
    for o in outcomes:
        best = o.best
        status = "error" if o.error else ("hit" if best else "clear")
        writer.writerow(
            [
                *(o.values.get(h, "") for h in header),
                status,
                best.name if best else "",
                best.entity_id if best else "",
                best.list_version if best else "",
                f"{best.score:.3f}" if best else "",
                ("yes" if best.dprk_linked else "no") if best else "",
                " ".join(best.programs) if best else "",
                len(o.result.matches) if o.result else 0,
                " ".join(o.result.list_versions) if o.result else "",
                o.error or "",
            ]
        )
