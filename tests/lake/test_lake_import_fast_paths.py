"""The import's fast paths (token contracts read as dictionaries, constant text staged as
dictionaries, REQUIRED columns) give the lake the plain row-by-row path gives, and bad
values are still one line naming file, row and column."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.csv as pcsv
import pyarrow.parquet as pq
import pytest

from nkwatch.errors import UserError
from nkwatch.trace.lake import amounts
from nkwatch.trace.lake.ids import address_id
from nkwatch.trace.lake.importer import import_files
from nkwatch.trace.lake.store import Lake

USDT = "0xdac17f958d2ee523a2206206994597c13d831ec7"
OTHER = "0x" + "ab" * 20


def _export(tokens: list[str]) -> dict[str, list[object]]:
    n = len(tokens)
    return {
        "token_address": tokens,
        "from_address": [f"0x{i + 1:040x}" for i in range(n)],
        "to_address": [f"0x{i + 7:040x}" for i in range(n)],
        "value": [str(2**200 + i if i % 2 else i * 10**18) for i in range(n)],
        "transaction_hash": [f"0x{i:064x}" for i in range(n)],
        "log_index": list(range(n)),
        "block_number": [100 + i // 3 for i in range(n)],
        "block_timestamp": [1_700_000_000 + 12 * (i // 3) for i in range(n)],
    }


def _write(cols: dict[str, list[object]], folder: Path) -> dict[str, Path]:
    """The same export as Parquet, CSV and JSON lines (plain text, no dictionaries)."""
    folder.mkdir(parents=True)
    table = pa.table(cols)
    out = {"parquet": folder / "token_transfers.parquet", "csv": folder / "token_transfers.csv"}
    pq.write_table(table, out["parquet"])
    pcsv.write_csv(table, out["csv"])
    out["jsonl"] = folder / "token_transfers.jsonl"
    with out["jsonl"].open("w") as handle:
        for rec in table.to_pylist():
            handle.write(json.dumps(rec) + "\n")
    return out


def _rows(lake: Lake) -> list[dict[str, object]]:
    rel = duckdb.connect().sql(
        "SELECT * FROM read_parquet($files) ORDER BY block, tx_index, seq, out_index",
        params={"files": lake.paths("transfers", "ethereum")},
    )
    return rel.to_arrow_table().to_pylist()


def test_dictionary_token_contracts_give_the_plain_paths_lake(tmp_path: Path) -> None:
    mixed = "0x" + OTHER[2:].upper()  # valid, upper-case: the dictionary path hands over
    for tokens in ([USDT] * 6, [USDT, OTHER, USDT, OTHER, OTHER, USDT], [USDT, mixed] * 3):
        folder = tmp_path / str(len(list(tmp_path.iterdir())))
        files = _write(_export(tokens), folder)
        lakes = {}
        for fmt, path in files.items():
            lakes[fmt] = Lake(folder / f"lake-{fmt}")
            import_files(lakes[fmt], "ethereum-etl", [path])
        rows = _rows(lakes["parquet"])
        assert rows == _rows(lakes["csv"]) == _rows(lakes["jsonl"])
        assert [r["asset"] for r in rows] == [t.lower() for t in tokens]
        assert [r["symbol"] for r in rows] == ["USDT" if t == USDT else "?" for t in tokens]
        assert [r["decimals"] for r in rows] == [6 if t == USDT else 0 for t in tokens]
        assert [r["chain"] for r in rows] == ["ethereum"] * 6
        assert [r["kind"] for r in rows] == ["token"] * 6
        amount = [amounts.join([int(str(r[f"amount{i}"])) for i in range(5)]) for r in rows]
        assert amount == [2**200 + i if i % 2 else i * 10**18 for i in range(6)]
        assert [r["from_id"] for r in rows] == [address_id(f"0x{i + 1:040x}") for i in range(6)]


def test_lake_files_read_as_plain_required_text_in_every_reader(tmp_path: Path) -> None:
    files = _write(_export([USDT, OTHER] * 3), tmp_path / "in")
    lake = Lake(tmp_path / "lake")
    import_files(lake, "ethereum-etl", [files["parquet"]])
    (path,) = lake.paths("transfers", "ethereum")
    table = pq.read_table(path)
    assert table.schema.field("asset").type == pa.string()  # no Arrow schema kept
    assert table.schema.field("chain").type == pa.string()
    assert not any(f.nullable for f in table.schema)  # no nulls: REQUIRED, no levels
    assert table["asset"].to_pylist() == [USDT, OTHER] * 3


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
@pytest.mark.parametrize(
    ("bad", "problem"),
    [("0x12", "not a 0x-prefixed 20-byte address: '0x12'"), (None, "not a 0x-prefixed")],
)
def test_a_bad_token_contract_names_its_row(
    tmp_path: Path, fmt: str, bad: str | None, problem: str
) -> None:
    tokens: list[object] = [USDT, USDT, USDT, bad, USDT, USDT]
    cols = _export([USDT] * 6)
    cols["token_address"] = tokens
    path = _write(cols, tmp_path / "in")[fmt]
    lake = Lake(tmp_path / "lake")
    with pytest.raises(UserError) as err:
        import_files(lake, "ethereum-etl", [path])
    row = 4 if fmt == "parquet" else 5  # Parquet: row number; CSV: line (after the header)
    text = str(err.value)
    assert f"token_transfers.{fmt}:{row}" in text and "column token_address" in text
    assert problem in text and "\n" not in text
    assert not (lake.root / "_manifest.json").exists()
