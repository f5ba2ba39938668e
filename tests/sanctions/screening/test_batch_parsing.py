"""CSV reading and column detection for batch screening (no store needed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from nkwatch.errors import UserError
from nkwatch.sanctions import batch


def test_detects_usual_columns_and_overrides() -> None:
    cols = batch.detect_columns(["Ref", "Payee Name", "Wallet_Address", "Network", "DOB"], {})
    assert (cols.address, cols.chain, cols.dob) == ("Wallet_Address", "Network", "DOB")
    assert cols.name == "Payee Name"  # spaces, case and underscores ignored
    cols = batch.detect_columns(["Ref", "Customer", "Beneficiary"], {"name": "Customer"})
    assert cols.name == "Customer"
    with pytest.raises(UserError, match="no column 'Nope'"):
        batch.detect_columns(["a"], {"name": "Nope"})
    with pytest.raises(UserError, match="no name or address column"):
        batch.detect_columns(["a", "b"], {})


def test_rows_keep_input_order_and_line_numbers(tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_text(
        '\ufeffname,address\n"Kim, Jong Un",\n\n"multi\nline",x\nlast,\n', encoding="utf-8"
    )
    data = batch.read_csv(path)
    assert data.header == ("name", "address")
    assert [r["name"] for r in data.rows] == ["Kim, Jong Un", "multi\nline", "last"]
    assert data.lines == (2, 4, 6)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("name\nok\nJos\u00e9\n".encode("cp1252"), "line 3: not valid UTF-8 (byte 0xe9)"),
        ("name\n".encode("utf-16"), "UTF-16"),
        (b"", "empty file"),
        (b"name\x00\n", "NUL"),
    ],
)
def test_bad_files(tmp_path: Path, raw: bytes, message: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(raw)
    with pytest.raises(UserError) as info:
        batch.read_csv(path)
    assert message in str(info.value) and str(path) in str(info.value)


def test_output_suffix_checked(tmp_path: Path) -> None:
    data = batch.parse_csv_text("name\nx\n", "mem")
    with pytest.raises(UserError, match=r"\.csv or \.jsonl"):
        batch.write_output(tmp_path / "out.xlsx", data, [])
