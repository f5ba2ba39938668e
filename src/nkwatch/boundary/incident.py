"""Internal errors: a reference id for the user, the traceback in a log file for us.

Why: a traceback tells a user nothing they can act on and may show paths and data of the
machine; the reference id lets a maintainer find the full report. Log files go to
``$NKWATCH_LOG_DIR`` or ``<data dir>/errors/`` (0600), falling back to the temp directory
when that cannot be written.
"""

from __future__ import annotations

import os
import secrets
import sys
import tempfile
import traceback
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path


@dataclass(frozen=True)
class InternalErrorReport:
    ref: str  # e.g. "20261206T112233-3f9a1c2e"
    path: Path | None  # where the traceback was written (None: nowhere writable)


def new_ref() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S") + "-" + secrets.token_hex(4)


def log_dir(env: Mapping[str, str] | None = None) -> Path:
    from nkwatch.settings import default_data_dir

    env = os.environ if env is None else env
    raw = env.get("NKWATCH_LOG_DIR")
    return Path(raw) if raw else default_data_dir(env) / "errors"


def _write(directory: Path, ref: str, text: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{ref}.log"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8", errors="backslashreplace") as handle:
        handle.write(text)
    return path


def record_internal(
    exc: BaseException, *, context: str, env: Mapping[str, str] | None = None
) -> InternalErrorReport:
    """Write ``exc``'s traceback with ``context`` (command line, request) under a new ref."""
    ref = new_ref()
    body = "".join(traceback.format_exception(exc))
    text = (
        f"ref: {ref}\ntime: {datetime.now(UTC).isoformat()}\ncontext: {context}\n"
        f"python: {sys.version.split()[0]}\n\n{body}"
    )
    for directory in (log_dir(env), Path(tempfile.gettempdir()) / "nkwatch-errors"):
        try:
            return InternalErrorReport(ref, _write(directory, ref, text))
        except OSError:
            continue
    return InternalErrorReport(ref, None)
