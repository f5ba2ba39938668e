"""The error boundary's shared parts: named input limits, safe readers, terminal-safe text,
internal-error reports with a reference id, CSV cells safe from formula injection.

Used by every entry point (CLI, API, importers); pure functions except the readers and
:func:`record_internal`, which write nothing but their log file.
"""

from nkwatch.boundary.cells import SafeCsvWriter, csv_cell, safe_dict_row
from nkwatch.boundary.incident import InternalErrorReport, log_dir, record_internal
from nkwatch.boundary.limits import (
    LIMITS,
    UINT256_MAX,
    InputLimits,
    check_field,
    csv_dicts,
    csv_records,
    decode_utf8,
    exact_units,
    json_depth,
    load_json,
    load_yaml,
    parse_int,
    read_text,
)
from nkwatch.boundary.terminal import neutralise, one_line, tolerant_streams, utf8_argv

__all__ = [
    "LIMITS",
    "UINT256_MAX",
    "InputLimits",
    "InternalErrorReport",
    "SafeCsvWriter",
    "check_field",
    "csv_cell",
    "csv_dicts",
    "csv_records",
    "decode_utf8",
    "exact_units",
    "json_depth",
    "load_json",
    "load_yaml",
    "log_dir",
    "neutralise",
    "one_line",
    "parse_int",
    "read_text",
    "safe_dict_row",
    "record_internal",
    "tolerant_streams",
    "utf8_argv",
]
