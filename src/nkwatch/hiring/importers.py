"""Read applicant files and event logs; every bad record becomes a :class:`RecordError`.

Formats (columns documented in docs/hiring.md):

* CSV with a header of :class:`Applicant` field names; list fields split on ``;``.
* JSON: a list of applicant objects, or ``{"applicants": [...], "logins": [...],
  "host_events": [...]}``; JSON Lines (``.jsonl``) with one applicant per line.
* ATS export shaped like Greenhouse's Harvest ``candidates`` objects
  (``first_name``, ``email_addresses[].value``, ``employments[].company_name``...).
* Login and host event logs as CSV or JSON Lines.

A file that cannot be read at all is a :class:`UserError`; a record that cannot be used is
kept (preview) in the errors and the rest are screened.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from nkwatch.boundary import load_json
from nkwatch.errors import UserError
from nkwatch.hiring import fields as F
from nkwatch.hiring.model import (
    MAX_TEXT_CHARS,
    Applicant,
    Dataset,
    HostEvent,
    LoginEvent,
    RecordError,
)

csv.field_size_limit(512 * 1024 * 1024)

LIST_FIELDS = (
    "aliases",
    "emails",
    "phones",
    "education",
    "employers",
    "payment_accounts",
    "payout_wallets",
)
SINGULAR = {
    "email": "emails",
    "phone": "phones",
    "employer": "employers",
    "payment_account": "payment_accounts",
    "payout_wallet": "payout_wallets",
    "alias": "aliases",
}
REQUIRED = ("id", "full_name")
TEXT_FIELDS = ("resume_text", "address", "shipping_address", "full_name")


def _preview(raw: Mapping[str, Any]) -> str:
    short = {k: (str(v)[:60] if v is not None else None) for k, v in raw.items()}
    return json.dumps(short, ensure_ascii=False, default=str)[:400]


def _as_list(value: Any) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, list | tuple):
        return [str(v).strip() for v in value if str(v).strip()]
    return [p.strip() for p in str(value).split(";") if p.strip()]


class _RecordReader:
    """Turns raw dicts into applicants, collecting errors and refusing duplicate ids."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.errors: list[RecordError] = []
        self.seen: dict[str, int] = {}

    def err(self, row: int, rid: str | None, field: str | None, msg: str, **kw: Any) -> None:
        fatal = bool(kw.get("fatal", False))
        preview = kw.get("preview")
        self.errors.append(
            RecordError(
                source=self.source,
                row=row,
                record_id=rid,
                field=field,
                message=msg,
                fatal=fatal,
                raw_preview=preview,
            )
        )

    def read(self, row: int, raw: Mapping[str, Any]) -> Applicant | None:
        data = {SINGULAR.get(k, k): v for k, v in raw.items() if k is not None}
        rid = str(data.get("id") or "").strip() or None
        for name in REQUIRED:
            if not str(data.get(name) or "").strip():
                self.err(
                    row,
                    rid,
                    name,
                    f"missing required column {name!r}",
                    fatal=True,
                    preview=_preview(raw),
                )
                return None
        assert rid is not None
        if rid in self.seen:
            self.err(
                row,
                rid,
                "id",
                f"duplicate id {rid!r} (first seen at row {self.seen[rid]})",
                fatal=True,
                preview=_preview(raw),
            )
            return None
        self.seen[rid] = row
        data["id"] = rid  # ATS exports use numeric ids
        clean = self._clean(row, rid, data)
        try:
            return Applicant.model_validate(clean)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            self.err(row, rid, where, f"{where}: {first['msg']}", fatal=True, preview=_preview(raw))
            return None

    def _clean(self, row: int, rid: str, data: dict[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        known = set(Applicant.model_fields)
        for key in sorted(set(data) - known):
            self.err(row, rid, key, f"unknown column {key!r} ignored")
        for key in known & set(data):
            value = data[key]
            if value is None or value == "" or value == []:
                continue
            if key in TEXT_FIELDS and len(str(value)) > MAX_TEXT_CHARS:
                mib = len(str(value)) / 1_048_576
                self.err(
                    row,
                    rid,
                    key,
                    f"{key} is {mib:.1f} MiB, over the "
                    f"{MAX_TEXT_CHARS // 1000} kB limit; field dropped",
                )
                continue
            out[key] = _as_list(value) if key in LIST_FIELDS else value
        country = None
        if "country" in out:
            country = self._try(row, rid, "country", F.parse_country, str(out["country"]), out)
        for key, parser in (
            ("timezone", F.parse_timezone),
            ("date_of_birth", F.parse_date),
            ("github_created", F.parse_date),
            ("hired_on", F.parse_date),
            ("github_first_commit", F.parse_date),
        ):
            if key in out and isinstance(out[key], str):
                self._try(row, rid, key, parser, out[key], out)
        if "emails" in out:
            out["emails"] = self._each(row, rid, "emails", F.parse_email, out["emails"])
        if "phones" in out:
            out["phones"] = self._each(
                row, rid, "phones", lambda p: F.parse_phone(p, country), out["phones"]
            )
        for key in ("payment_accounts", "payout_wallets"):
            if key in out:
                out[key] = [F.norm_account(v) for v in out[key]]
        return out

    def _try(
        self,
        row: int,
        rid: str,
        key: str,
        parser: Callable[[str], Any],
        value: str,
        out: dict[str, Any],
    ) -> Any:
        try:
            out[key] = parser(value)
            return out[key]
        except ValueError as exc:
            self.err(row, rid, key, str(exc))
            del out[key]
            return None

    def _each(
        self, row: int, rid: str, key: str, parser: Callable[[str], str], values: list[str]
    ) -> list[str]:
        good: list[str] = []
        for value in values:
            try:
                good.append(parser(value))
            except ValueError as exc:
                self.err(row, rid, key, str(exc))
        return good


def ats_to_record(cand: Mapping[str, Any]) -> dict[str, Any]:
    """Map one Greenhouse-Harvest-like candidate object onto applicant columns."""

    def values(key: str) -> list[str]:
        return [
            str(x.get("value"))
            for x in cand.get(key) or []
            if isinstance(x, dict) and x.get("value")
        ]

    custom = cand.get("custom_fields") or {}
    name = " ".join(p for p in (cand.get("first_name"), cand.get("last_name")) if p)
    socials = values("social_media_addresses") + values("website_addresses")
    github = next((s.rstrip("/").rsplit("/", 1)[-1] for s in socials if "github.com" in s), None)
    linkedin = next((s for s in socials if "linkedin.com" in s), None)
    resume = next(
        (
            a.get("content")
            for a in cand.get("attachments") or []
            if isinstance(a, dict) and a.get("type") == "resume"
        ),
        None,
    )
    record: dict[str, Any] = {
        "id": cand.get("id"),
        "full_name": name,
        "emails": values("email_addresses"),
        "phones": values("phone_numbers"),
        "address": next(iter(values("addresses")), None),
        "education": [
            e.get("school_name")
            for e in cand.get("educations") or []
            if isinstance(e, dict) and e.get("school_name")
        ],
        "employers": [
            e.get("company_name")
            for e in cand.get("employments") or []
            if isinstance(e, dict) and e.get("company_name")
        ],
        "github": github,
        "linkedin": linkedin,
        "resume_text": resume,
    }
    if isinstance(custom, dict):
        for key, value in custom.items():
            record.setdefault(key, value)
            if record.get(key) in (None, [], ""):
                record[key] = value
    return {k: v for k, v in record.items() if v not in (None, [], "")}


def _load_json(path: Path) -> Any:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UserError(f"cannot read JSON: {exc}", where=str(path)) from exc
    return load_json(data, where=str(path))


def _jsonl_rows(path: Path, reader_errors: list[RecordError]) -> Iterator[tuple[int, Any]]:
    try:
        with path.open("r", encoding="utf-8") as fh:
            for n, line in enumerate(fh, start=1):
                if not line.strip():
                    continue
                try:
                    row = load_json(line, where=f"{path}:{n}")
                except UserError as exc:
                    reader_errors.append(
                        RecordError(
                            source=str(path),
                            row=n,
                            record_id=None,
                            field=None,
                            message=f"bad JSON: {exc.message}",
                            fatal=True,
                            raw_preview=line[:200],
                        )
                    )
                    continue
                yield n, row
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"cannot read file: {exc}", where=str(path)) from exc


def _csv_rows(path: Path, required: Iterable[str]) -> Iterator[tuple[int, dict[str, Any]]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"cannot read CSV: {exc}", where=str(path)) from exc
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = reader.fieldnames or []
    missing = [c for c in required if c not in header]
    if missing:
        raise UserError(
            f"CSV header lacks required column(s) {', '.join(missing)}", where=str(path)
        )
    for n, row in enumerate(reader, start=2):
        extra = row.pop(None, None)
        if extra:
            row["__extra_cells__"] = extra
        yield n, row


def read_applicants(path: Path) -> Dataset:
    """Read an applicant file in any supported format (by suffix and shape)."""
    reader = _RecordReader(str(path))
    applicants: list[Applicant] = []
    logins: tuple[LoginEvent, ...] = ()
    hosts: tuple[HostEvent, ...] = ()
    suffix = path.suffix.lower()
    rows: Iterable[tuple[int, Any]]
    if suffix == ".csv":
        rows = _csv_rows(path, REQUIRED)
    elif suffix in (".jsonl", ".ndjson"):
        rows = _jsonl_rows(path, reader.errors)
    elif suffix == ".json":
        doc = _load_json(path)
        if isinstance(doc, dict) and "candidates" in doc:
            cands = doc["candidates"] if isinstance(doc["candidates"], list) else []
            rows = (
                (i, ats_to_record(c) if isinstance(c, dict) else c)
                for i, c in enumerate(cands, start=1)
            )
        elif isinstance(doc, dict) and "applicants" in doc:
            rows = enumerate(doc.get("applicants") or [], start=1)
            logins, hosts = _events(doc, str(path), reader.errors)
        elif isinstance(doc, list):
            rows = enumerate(doc, start=1)
        else:
            raise UserError(
                "expected a list of applicants, {'applicants': [...]} or an ATS "
                "{'candidates': [...]} export",
                where=str(path),
            )
    else:
        raise UserError("unsupported file type (use .csv, .json or .jsonl)", where=str(path))
    for n, raw in rows:
        if not isinstance(raw, dict):
            reader.err(n, None, None, "record is not an object", fatal=True, preview=str(raw)[:200])
            continue
        if "__extra_cells__" in raw:
            raw.pop("__extra_cells__")
            reader.err(
                n,
                str(raw.get("id") or "") or None,
                None,
                "row has more cells than the header; extra cells ignored",
            )
        app = reader.read(n, raw)
        if app is not None:
            applicants.append(app)
    return Dataset(
        applicants=tuple(applicants), logins=logins, host_events=hosts, errors=tuple(reader.errors)
    )


def _events(
    doc: Mapping[str, Any], source: str, errors: list[RecordError]
) -> tuple[tuple[LoginEvent, ...], tuple[HostEvent, ...]]:
    logins = tuple(_parse_events(enumerate(doc.get("logins") or [], 1), source, errors, "login"))
    hosts = tuple(_parse_events(enumerate(doc.get("host_events") or [], 1), source, errors, "host"))
    return logins, hosts  # type: ignore[return-value]


def _parse_events(
    rows: Iterable[tuple[int, Any]], source: str, errors: list[RecordError], kind: str
) -> Iterator[LoginEvent | HostEvent]:
    model: type[LoginEvent] | type[HostEvent] = LoginEvent if kind == "login" else HostEvent
    for n, raw in rows:
        try:
            if not isinstance(raw, dict):
                raise ValueError("record is not an object")
            data = {k: v for k, v in raw.items() if v not in (None, "")}
            if "timestamp" in data:
                data["at"] = data.pop("timestamp")
            if isinstance(data.get("at"), str | int | float):
                data["at"] = F.parse_datetime(str(data["at"]))
            if kind == "login" and "ip" in data:
                data["ip"] = F.parse_ip(str(data["ip"]))
            yield model.model_validate(data)
        except (ValueError, ValidationError) as exc:
            msg = (
                str(exc).splitlines()[0]
                if not isinstance(exc, ValidationError)
                else (f"{'.'.join(map(str, exc.errors()[0]['loc']))}: {exc.errors()[0]['msg']}")
            )
            pid = str(raw.get("person_id")) if isinstance(raw, dict) else None
            errors.append(
                RecordError(
                    source=source,
                    row=n,
                    record_id=pid,
                    field=None,
                    message=f"{kind} event: {msg}",
                    fatal=True,
                    raw_preview=str(raw)[:200],
                )
            )


def read_events(path: Path, kind: str) -> tuple[list[LoginEvent | HostEvent], list[RecordError]]:
    """Read a login (``kind='login'``) or host (``'host'``) event log, CSV or JSON Lines."""
    errors: list[RecordError] = []
    suffix = path.suffix.lower()
    rows: Iterable[tuple[int, Any]]
    if suffix == ".csv":
        rows = _csv_rows(path, ("person_id",))
    elif suffix in (".jsonl", ".ndjson"):
        rows = _jsonl_rows(path, errors)
    else:
        raise UserError("unsupported event log type (use .csv or .jsonl)", where=str(path))
    events = list(_parse_events(rows, str(path), errors, kind))
    return events, errors
