"""Uploaded files: size-checked by the limits middleware, then checked here for name,
type and encoding. The client's file name is never used as a path; it is only echoed
back, and one that tries to be a path is refused."""

from __future__ import annotations

import re

from fastapi import UploadFile

from nkwatch.service.errors import ApiError

_SAFE_NAME = re.compile(r"^[\w\- .()]{1,200}$")
_TEXT_TYPES = {
    "text/csv",
    "application/csv",
    "text/plain",
    "application/vnd.ms-excel",
    "application/octet-stream",
    "",
}


def checked_name(upload: UploadFile, suffix: str) -> str:
    name = upload.filename or ""
    if "/" in name or "\\" in name or ".." in name or "\x00" in name:
        raise ApiError(400, "file name must not contain a path", where="file")
    if not _SAFE_NAME.match(name):
        raise ApiError(
            400, "file name has characters outside letters, digits and - _ . ( )", where="file"
        )
    if not name.lower().endswith(suffix):
        raise ApiError(415, f"expected a {suffix} file, got {name!r}", where="file")
    return name


async def read_text(upload: UploadFile, suffix: str) -> tuple[str, str]:
    """(checked file name, decoded UTF-8 text) of a text upload."""
    name = checked_name(upload, suffix)
    ctype = (upload.content_type or "").split(";")[0].strip().lower()
    if ctype not in _TEXT_TYPES:
        raise ApiError(415, f"expected a CSV file, got content type {ctype!r}", where="file")
    data = await upload.read()
    if b"\x00" in data:
        raise ApiError(400, "binary data in a text file", where=name)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ApiError(400, f"not UTF-8 (line {line})", where=name) from None
    return name, text
