"""Batch exposure screening of a deposits CSV: one result per row, in input order.

Rows with problems (bad address, unknown chain, tx not in the store) get their error in the
output and do not stop the batch; a file that cannot be read at all is a UserError.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nkwatch.boundary import csv_dicts, read_text, safe_dict_row
from nkwatch.errors import UserError
from nkwatch.exposure.model import Decision, ExposureResult
from nkwatch.exposure.service import ExposureConfig, ExposureService
from nkwatch.store import Store

OUT_COLUMNS = (
    "row", "chain", "subject", "kind", "amount", "decision", "rules",
    "dprk_share", "top_source", "direct", "indirect", "asset", "error",
)  # fmt: skip


@dataclass(frozen=True)
class BatchSummary:
    rows: int
    allow: int
    review: int
    block: int
    errors: int


@dataclass(frozen=True)
class _Row:
    line: int
    chain: str
    subject: str
    kind: str  # address | tx
    amount: str


def read_deposits(path: Path, default_chain: str) -> list[_Row]:
    header, records = csv_dicts(read_text(path, what="deposits CSV"), where=str(path))
    fields = {f.strip().lower() for f in header}
    if not fields & {"address", "tx_hash", "tx"}:
        raise UserError("needs a column 'address' or 'tx_hash'", where=str(path))
    rows: list[_Row] = []
    for line, raw in records:
        row = {(k or "").strip().lower(): (v or "").strip() for k, v in raw.items()}
        tx = row.get("tx_hash") or row.get("tx") or ""
        subject, kind = (tx, "tx") if tx else (row.get("address", ""), "address")
        rows.append(
            _Row(line, row.get("chain") or default_chain, subject, kind, row.get("amount", ""))
        )
    return rows


def _record(row: _Row, result: ExposureResult | None, error: str | None) -> dict[str, Any]:
    out: dict[str, Any] = {"row": row.line, "chain": row.chain, "subject": row.subject,
                           "kind": row.kind, "amount": row.amount}  # fmt: skip
    if result is None:
        return {**out, "decision": "error", "error": error}
    top = result.sources[0] if result.sources else None
    return {
        **out,
        "decision": result.decision.value,
        "rules": ";".join(h.rule_id for h in result.fired),
        "dprk_share": round(result.dprk_share, 6),
        "top_source": top.label if top else "",
        "direct": str(top.direct) if top else "",
        "indirect": str(top.indirect) if top else "",
        "asset": top.asset if top else "",
        "error": "",
        "result": result.to_json(),
    }


def _screen_chain(
    service: ExposureService | UserError, rows: list[_Row]
) -> list[ExposureResult | UserError]:
    """One chain's rows: all addresses in one batch read-off, transactions one by one."""
    if isinstance(service, UserError):
        return [service for _ in rows]
    out: list[ExposureResult | UserError] = []
    for row in rows:
        if not row.subject:
            out.append(UserError("empty address and tx_hash", where=f"line {row.line}"))
        elif row.kind == "tx":
            try:
                out.append(service.tx(row.subject, where=f"line {row.line}"))
            except UserError as exc:
                out.append(exc)
        else:
            out.append(UserError("not screened", where=f"line {row.line}"))
    wanted = [i for i, row in enumerate(rows) if row.subject and row.kind == "address"]
    found = service.addresses([(rows[i].subject, f"line {rows[i].line}") for i in wanted])
    for i, result in zip(wanted, found, strict=True):
        out[i] = result
    return out


# a chain's service for its rows (subjects, transaction hashes): the store's, or the lake's
ServiceFor = Callable[[str, list[str], list[str]], ExposureService]


def screen_deposits(
    store: Store, path: Path, output: Path, config: ExposureConfig, *, default_chain: str,
    service_for: ServiceFor | None = None,
) -> BatchSummary:  # fmt: skip
    rows = read_deposits(path, default_chain)
    by_chain: dict[str, list[int]] = {}
    for i, row in enumerate(rows):
        by_chain.setdefault(row.chain, []).append(i)
    outcome: dict[int, ExposureResult | UserError] = {}
    for chain, members in by_chain.items():
        service: ExposureService | UserError
        mine = [rows[i] for i in members]
        try:
            if service_for is None:
                service = ExposureService(store, chain, config)
            else:
                service = service_for(
                    chain,
                    [r.subject for r in mine if r.kind == "address" and r.subject],
                    [r.subject for r in mine if r.kind == "tx" and r.subject],
                )
        except UserError as exc:
            service = exc
        found = _screen_chain(service, mine)
        outcome.update(zip(members, found, strict=True))
    records: list[dict[str, Any]] = []
    counts = {d: 0 for d in Decision}
    errors = 0
    for i, row in enumerate(rows):
        result = outcome[i]
        if isinstance(result, UserError):
            errors += 1
            records.append(_record(row, None, str(result)))
            continue
        counts[result.decision] += 1
        records.append(_record(row, result, None))
    _write(output, records)
    return BatchSummary(
        len(rows), counts[Decision.ALLOW], counts[Decision.REVIEW], counts[Decision.BLOCK], errors
    )


def _write(output: Path, records: list[dict[str, Any]]) -> None:
    try:
        with output.open("w", encoding="utf-8", newline="") as fh:
            if output.suffix == ".jsonl":
                for rec in records:
                    fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
                return
            writer = csv.DictWriter(fh, fieldnames=OUT_COLUMNS, extrasaction="ignore")
            writer.writeheader()
            writer.writerows(safe_dict_row(r) for r in records)
    except OSError as exc:
        raise UserError(f"cannot write output: {exc.strerror}", where=str(output)) from exc
