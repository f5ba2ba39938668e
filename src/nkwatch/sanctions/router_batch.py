"""``/api/v1/screen/batch``: screen an uploaded CSV as a background job with progress.

The file is checked (name, type, encoding, CSV shape, columns) before the job starts, so
a bad upload is a 4xx at once; rows are then screened on a worker thread, each decision
audit-logged, and the results fetched as JSON or CSV when the job is done.
"""

from __future__ import annotations

import tempfile
from pathlib import Path as FilePath
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Path, UploadFile
from fastapi.responses import Response

from nkwatch.sanctions import batch
from nkwatch.sanctions.router_screen import screener
from nkwatch.sanctions.service import ScreeningService
from nkwatch.service.auth import Principal
from nkwatch.service.deps import Analyst, State
from nkwatch.service.errors import COMMON_RESPONSES, ApiError
from nkwatch.service.jobs import JobState, Progress
from nkwatch.service.limits import require_multipart
from nkwatch.service.routers.jobs import Job, job_model
from nkwatch.service.state import ServiceState
from nkwatch.service.uploads import read_text

router = APIRouter(prefix="/api/v1/screen", tags=["screening"], responses=COMMON_RESPONSES)


def _run(
    state: ServiceState,
    who: Principal,
    parsed: batch.BatchInput,
    cols: batch.ColumnMap,
    threshold: float | None,
    progress: Progress,
) -> dict[str, Any]:
    service = ScreeningService(state.access.view(), state.cache["screener_cache"], actor=who.name)
    total = len(parsed.rows)
    step = max(1, total // 50)

    def on_row(n: int) -> None:
        if n % step == 0 or n == total:
            progress(n / total, f"screened {n:,} of {total:,} rows")

    outcomes = batch.screen_rows(service, parsed, cols, threshold=threshold, on_row=on_row)
    with tempfile.TemporaryDirectory(prefix="nkwatch-batch-") as tmp:
        out = FilePath(tmp) / "results.csv"
        batch.write_output(out, parsed, outcomes)
        csv_text = out.read_text("utf-8")
    rows = []
    for o in outcomes:
        best = o.best
        rows.append(
            {
                "row": o.row,
                "line": o.line,
                "values": o.values,
                "error": o.error,
                "status": "error" if o.error else ("hit" if best else "clear"),
                "best": best.to_json() | {"list_version": best.list_version} if best else None,
                "matches": len(o.result.matches) if o.result else 0,
            }
        )
    return {
        "rows": total,
        "hits": sum(1 for r in rows if r["status"] == "hit"),
        "errors": sum(1 for r in rows if r["status"] == "error"),
        "list_versions": list(screener(state).list_versions),
        "results": rows,
        "csv": csv_text,
    }


def start_batch(
    state: ServiceState,
    who: Principal,
    name: str,
    parsed: batch.BatchInput,
    threshold: float | None,
) -> JobState:
    """Check the parsed file and start the job (shared by the API and the web page)."""
    if not parsed.rows:
        raise ApiError(400, "no data rows under the header", where=name)
    if len(parsed.rows) > state.config.max_batch_rows:
        raise ApiError(
            413, f"more than {state.config.max_batch_rows:,} rows; split the file", where=name
        )
    cols = batch.detect_columns(parsed.header, {})
    screener(state)  # 409 now, not a failed job later, when no lists are loaded
    return state.jobs.submit(
        "screen.batch",
        who.name,
        lambda progress: _run(state, who, parsed, cols, threshold, progress),
    )


@router.post(
    "/batch", response_model=Job, status_code=202, dependencies=[Depends(require_multipart)]
)
async def screen_batch(
    file: Annotated[UploadFile, File(description="UTF-8 CSV with a name and/or address column")],
    who: Analyst,
    state: State,
    threshold: Annotated[float | None, Form(ge=0.5, le=1.0)] = None,
) -> Job:
    """Start screening a CSV; poll ``/api/v1/jobs/{id}`` for progress, then fetch results."""
    name, text = await read_text(file, ".csv")
    job = start_batch(state, who, name, batch.parse_csv_text(text, name), threshold)
    return job_model(job)


@router.get("/batch/{job_id}.csv", response_class=Response)
def batch_csv(
    job_id: Annotated[str, Path(pattern=r"^[0-9a-f]{16}$")], who: Analyst, state: State
) -> Response:
    """The input CSV with the screening columns appended."""
    job = state.jobs.get(job_id)
    if job.kind != "screen.batch" or (job.owner != who.name and who.role != "admin"):
        raise ApiError(404, f"no batch job {job_id!r}", where="job")
    if job.status != "done" or job.result is None:
        raise ApiError(409, f"job is {job.status}", where="job")
    return Response(
        job.result["csv"],
        media_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="screening-{job_id}.csv"'},
    )
