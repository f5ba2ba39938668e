"""Read a user's file (CSV, YAML, STIX 2.1 bundle, MISP event JSON) into one import batch.

The format is told by extension and content; every record passes the same checks as the
bundled dataset, and any error names the file, line or object and the record, before a
single row is written (the store write is one transaction in ``repository.save``).
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from nkwatch.boundary import csv_records, decode_utf8, load_yaml
from nkwatch.errors import UserError
from nkwatch.intel.dataset import parse_csv_tables
from nkwatch.intel.records import (
    address_from_row,
    check_unique,
    incident_from_row,
    statistic_from_row,
)
from nkwatch.intel.repository import Batch
from nkwatch.intel.stix.importer import load_json, parse_bundle

MAX_BYTES = 64 * 1024 * 1024


def _csv_batch(text: str, origin: str, where: str, known: set[str]) -> Batch:
    header = next(csv_records(text, where=where), (0, []))[1]
    if "statistic_id" in header:
        _, _, stats = parse_csv_tables("", None, text, origin=where)
        return Batch(origin, statistics=tuple(stats))
    if "theft_date" in header:
        incidents, _, _ = parse_csv_tables(text, None, None, origin=where)
        return Batch(origin, incidents=tuple(incidents))
    if "address" in header:
        _, addresses, _ = parse_csv_tables("", text, None, origin=where, known_incidents=known)
        return Batch(origin, addresses=tuple(addresses))
    raise UserError(
        "CSV header names no known table (needs theft_date, address or statistic_id)", where=where
    )


def _yaml_batch(text: str, origin: str, where: str, known: set[str]) -> Batch:
    doc = load_yaml(text, where=where)
    if not isinstance(doc, dict) or not set(doc) <= {"incidents", "addresses", "statistics"}:
        raise UserError(
            "YAML must be a mapping with incidents/addresses/statistics lists", where=where
        )

    def items(key: str) -> list[dict[str, Any]]:
        value = doc.get(key) or []
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise UserError(f"{key!r} must be a list of mappings", where=where)
        return [
            {k: "" if v is None else str(v) if not isinstance(v, list) else v for k, v in r.items()}
            for r in value
        ]

    incidents = [
        incident_from_row(r, f"{where} incidents[{n}]") for n, r in enumerate(items("incidents"))
    ]
    check_unique(
        ((i.incident_id, f"{where} incidents[{n}]") for n, i in enumerate(incidents)), "incident"
    )
    ids = known | {i.incident_id for i in incidents}
    addresses = [
        address_from_row(r, f"{where} addresses[{n}]", ids)
        for n, r in enumerate(items("addresses"))
    ]
    stats = [
        statistic_from_row(r, f"{where} statistics[{n}]") for n, r in enumerate(items("statistics"))
    ]
    check_unique(
        ((s.statistic_id, f"{where} statistics[{n}]") for n, s in enumerate(stats)), "statistic"
    )
    return Batch(origin, tuple(incidents), tuple(addresses), tuple(stats))


def read_text(text: str, name: str, known: set[str], origin: str | None = None) -> Batch:
    """Parse file contents named ``name`` (its extension picks the format)."""
    origin = origin or name
    suffix = Path(name).suffix.lower()
    if suffix == ".csv":
        return _csv_batch(text, origin, name, known)
    if suffix in (".yaml", ".yml"):
        return _yaml_batch(text, origin, name, known)
    if suffix == ".json":
        doc = load_json(text, name)
        if isinstance(doc, dict) and doc.get("type") == "bundle":
            incidents, addresses, actors = parse_bundle(doc, name, known)
            return Batch(origin, tuple(incidents), tuple(addresses), (), tuple(actors))
        from nkwatch.intel.misp import parse_misp  # pymisp: 1.6 s to import, MISP files only

        incidents, addresses = parse_misp(doc, name, known)
        check_unique(((i.incident_id, name) for i in incidents), "incident")
        return Batch(origin, tuple(incidents), tuple(addresses))
    raise UserError("unsupported file type (use .csv, .yaml, .yml or .json)", where=name)


def read_file(path: Path, known: set[str]) -> Batch:
    """Read and parse a file; the batch origin records its name and SHA-256."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise UserError(f"cannot read file: {exc.strerror}", where=str(path)) from None
    if len(raw) > MAX_BYTES:
        raise UserError(f"file larger than {MAX_BYTES} bytes", where=str(path))
    text = decode_utf8(raw, where=str(path))
    origin = f"{path.name} (sha256 {hashlib.sha256(raw).hexdigest()[:16]})"
    return read_text(text, str(path), known, origin)
