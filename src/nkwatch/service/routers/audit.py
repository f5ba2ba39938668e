"""``/api/v1/audit``: read and export the append-only audit log (admin only).

Exports stream from the store and are themselves recorded in the log.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import StreamingResponse
from pydantic import BaseModel

from nkwatch.boundary import SafeCsvWriter
from nkwatch.service.deps import Admin, State
from nkwatch.service.errors import COMMON_RESPONSES
from nkwatch.service.limits import Page, PageParams, page_params
from nkwatch.store import Store, audit

router = APIRouter(prefix="/api/v1/audit", tags=["audit"], responses=COMMON_RESPONSES)


class AuditRow(BaseModel):
    id: int
    occurred_at: datetime
    actor: str
    action: str
    query: dict[str, Any]
    result: dict[str, Any]
    list_versions: list[str]


def _row(r: tuple[Any, ...]) -> AuditRow:
    return AuditRow(
        id=r[0],
        occurred_at=r[1],
        actor=r[2],
        action=r[3],
        query=json.loads(r[4]),
        result=json.loads(r[5]),
        list_versions=list(r[6]),
    )


@router.get("", response_model=Page[AuditRow])
def list_entries(
    _: Admin,
    state: State,
    page: Annotated[PageParams, Depends(page_params)],
    action: Annotated[str | None, Query(max_length=64)] = None,
) -> Page[AuditRow]:
    state.drain_audit()
    store = state.access.view()
    total = audit.count(store, action=action)
    rows = audit.page(store, limit=page.limit, offset=page.offset, action=action)
    return Page[AuditRow](
        items=[_row(r) for r in rows], total=total, limit=page.limit, offset=page.offset
    )


def _stream(store: Store, fmt: str, action: str | None) -> Iterator[str]:
    try:
        yield from _lines(store, fmt, action)
    finally:
        store.close()


def _lines(store: Store, fmt: str, action: str | None) -> Iterator[str]:
    if fmt == "csv":
        buf = io.StringIO()
        writer = SafeCsvWriter(buf)
        writer.writerow(
            ["id", "occurred_at", "actor", "action", "query", "result", "list_versions"]
        )
        yield buf.getvalue()
    for rows in audit.export_rows(store, action=action):
        buf = io.StringIO()
        for r in rows:
            row = _row(r)
            if fmt == "csv":
                SafeCsvWriter(buf).writerow(
                    [
                        row.id,
                        row.occurred_at.isoformat(),
                        row.actor,
                        row.action,
                        r[4],
                        r[5],
                        ";".join(row.list_versions),
                    ]
                )
            else:
                buf.write(row.model_dump_json() + "\n")
        yield buf.getvalue()


@router.get("/export", response_class=StreamingResponse)
def export(
    who: Admin,
    state: State,
    fmt: Annotated[Literal["jsonl", "csv"], Query(alias="format")] = "jsonl",
    action: Annotated[str | None, Query(max_length=64)] = None,
) -> StreamingResponse:
    state.audit.record(
        actor=who.name,
        action="audit.export",
        query={"format": fmt, "action": action},
        result={},
        list_versions=[],
    )
    state.drain_audit()
    media = "text/csv" if fmt == "csv" else "application/x-ndjson"
    return StreamingResponse(
        _stream(state.access.dedicated(), fmt, action),
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="nkwatch-audit.{fmt}"'},
    )
