"""Background jobs with progress, for work too long for one request (traces, batches).

A job is a plain function that takes a :class:`Progress` callback; it runs on a bounded
thread pool and its state is polled at ``/api/v1/jobs/{id}``. Jobs live in memory: the
service is one process, and a finished job's result is also kept by the capability that
produced it (a trace report, an import), so a restart loses only the progress view.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from nkwatch.boundary import record_internal
from nkwatch.errors import NotFoundError, OperationalError, UserError

log = logging.getLogger("nkwatch.service")

Status = Literal["queued", "running", "done", "failed"]


@dataclass(frozen=True)
class JobState:
    id: str
    kind: str
    owner: str
    status: Status = "queued"
    progress: float = 0.0
    message: str = "queued"
    result: dict[str, Any] | None = None
    error: str | None = None
    created: float = field(default_factory=time.time)
    finished: float | None = None


Progress = Callable[[float, str], None]
JobFn = Callable[[Progress], dict[str, Any]]


class JobManager:
    def __init__(self, workers: int = 2, keep: int = 500) -> None:
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="nkwatch-job")
        self._jobs: dict[str, JobState] = {}
        self._lock = threading.Lock()
        self._keep = keep

    def submit(self, kind: str, owner: str, fn: JobFn) -> JobState:
        job = JobState(id=secrets.token_hex(8), kind=kind, owner=owner)
        with self._lock:
            self._jobs[job.id] = job
            self._trim()
        self._pool.submit(self._run, job.id, fn)
        return job

    def get(self, job_id: str) -> JobState:
        with self._lock:
            job = self._jobs.get(job_id)
        if job is None:
            raise NotFoundError(f"no job {job_id!r}", where="job")
        return job

    def list(self) -> list[JobState]:
        with self._lock:
            return sorted(self._jobs.values(), key=lambda j: j.created, reverse=True)

    def shutdown(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)

    def _update(self, job_id: str, **changes: Any) -> None:
        with self._lock:
            self._jobs[job_id] = replace(self._jobs[job_id], **changes)

    def _run(self, job_id: str, fn: JobFn) -> None:
        def progress(fraction: float, message: str) -> None:
            self._update(job_id, progress=max(0.0, min(1.0, fraction)), message=message)

        self._update(job_id, status="running", message="running")
        try:
            result = fn(progress)
        except UserError as exc:
            self._update(job_id, status="failed", error=str(exc), finished=time.time())
        except OperationalError as exc:
            self._update(job_id, status="failed", error=f"unavailable: {exc}", finished=time.time())
        except Exception as exc:  # a bug: a reference id for the client, the traceback logged
            kind = self._jobs[job_id].kind
            report = record_internal(exc, context=f"job {job_id} ({kind})")
            log.error("job %s (%s) failed: internal error %s", job_id, kind, report.ref)
            self._update(
                job_id,
                status="failed",
                error=f"internal error (ref {report.ref})",
                finished=time.time(),
            )
        else:
            self._update(
                job_id,
                status="done",
                progress=1.0,
                message="done",
                result=result,
                finished=time.time(),
            )

    def _trim(self) -> None:
        if len(self._jobs) <= self._keep:
            return
        finished = sorted(
            (j for j in self._jobs.values() if j.finished is not None), key=lambda j: j.created
        )
        for job in finished[: len(self._jobs) - self._keep]:
            del self._jobs[job.id]
