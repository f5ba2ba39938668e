"""The lake on disk: exact limb amounts, importers, bad input, idempotent and atomic commits."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from tests.lake import breakcases as bc

from nkwatch.errors import UserError
from nkwatch.trace.lake import amounts
from nkwatch.trace.lake.importer import LakeImportOptions, import_files
from nkwatch.trace.lake.store import Lake


def _rows(lake: Lake, chain: str = "ethereum") -> list[dict[str, object]]:
    files = lake.paths("transfers", chain)
    rel = duckdb.connect().sql(
        "SELECT * FROM read_parquet($files) ORDER BY block, tx_index, seq, out_index",
        params={"files": files},
    )
    return rel.to_arrow_table().to_pylist()


def _amount(row: dict[str, object]) -> int:
    return amounts.join([int(str(row[f"amount{i}"])) for i in range(amounts.LIMBS)])


def test_limbs_are_exact_to_2_256_and_refuse_what_they_cannot_hold() -> None:
    for v in (0, 1, 10**18 - 1, 10**18, 2**128 + 1, 2**256 - 1):
        assert amounts.join(amounts.split(v)) == v
    text = pa.array(["0", "007", str(2**256 - 1)])
    assert amounts.first_bad(text) is None
    cols = amounts.limb_columns(text)
    assert [amounts.join([c[i].as_py() for c in cols]) for i in range(3)] == [0, 7, 2**256 - 1]
    assert amounts.first_bad(pa.array(["1", str(2**256)])) == (1, f"above 2^256-1: {str(2**256)!r}")
    assert amounts.first_bad(pa.array(["-5"]))[0] == 0  # type: ignore[index]
    assert amounts.first_bad(pa.array(["1.5"]))[0] == 0  # type: ignore[index]
    # a decimal export column (BigQuery NUMERIC) with a zero fraction is an integer
    dec = pa.array([12, 30], pa.decimal128(38, 9))
    assert amounts.as_text(dec).to_pylist() == ["12", "30"]


def test_ethereum_etl_csv_lands_in_order_with_exact_amounts(tmp_path: Path) -> None:
    chain = bc.build(extra_hub_senders=3)
    lake = Lake(tmp_path / "lake")
    result = import_files(lake, "ethereum-etl", bc.write_files(chain, tmp_path / "in"))
    rows = _rows(lake)
    assert {p.range for p in result.partitions} == {0, 1}  # 100,000-block ranges
    keys = [(r["block"], r["tx_index"], r["seq"], r["out_index"]) for r in rows]
    assert keys == sorted(keys) and len(set(keys)) == len(keys)
    tokens = [r for r in rows if r["kind"] == "token"]
    assert [_amount(r) for r in tokens] == [2**130 + 12345, 2**129 + 7]
    assert {r["symbol"] for r in tokens} == {"USDT"}
    internal = [(r["to_address"], _amount(r), r["seq"]) for r in rows if r["kind"] == "internal"]
    # only the successful value-moving calls below the top level, in depth-first order
    assert internal == [(bc.MIX, 5 * bc.ETH, 1), (bc.addr("p"), bc.ETH, 2)]
    failed = [r for r in rows if r["failed"]]
    assert len(failed) == 1 and failed[0]["fee0"] == 21000 * 10**9
    assert all(isinstance(r["time"], int) for r in rows)
    assert {r["from_id"] for r in rows if r["from_address"] == bc.THIEF} == {
        __import__("nkwatch.trace.lake.ids", fromlist=["address_id"]).address_id(bc.THIEF)
    }


def test_jsonl_and_parquet_give_the_same_lake_as_csv(tmp_path: Path) -> None:
    chain = bc.build(extra_hub_senders=2)
    csv_files = bc.write_files(chain, tmp_path / "csv")
    base = Lake(tmp_path / "a")
    import_files(base, "ethereum-etl", csv_files)
    other_j = Lake(tmp_path / "j")
    other_p = Lake(tmp_path / "p")
    jfiles, pfiles = [], []
    for path in csv_files:
        table = pa.csv.read_csv(
            path, convert_options=pa.csv.ConvertOptions(column_types={"value": pa.string()})
        )  # type: ignore[attr-defined]
        jpath = tmp_path / f"{path.stem}.jsonl"
        with jpath.open("w") as handle:
            for rec in table.to_pylist():
                handle.write(
                    json.dumps({k: (int(v) if k == "value" else v) for k, v in rec.items()}) + "\n"
                )
        jfiles.append(jpath)
        ppath = tmp_path / f"{path.stem}.parquet"
        pq.write_table(table, ppath)
        pfiles.append(ppath)
    import_files(other_j, "ethereum-etl", jfiles)
    import_files(other_p, "ethereum-etl", pfiles)
    assert _rows(other_j) == _rows(base) == _rows(other_p)


def test_untidy_but_valid_text_gives_the_same_lake_as_tidy_text(tmp_path: Path) -> None:
    """Exports are checked on a fast path that takes exact lower-case text as it is; mixed
    case, padding and "12.0" integers fall back to the exact path and mean the same."""
    chain = bc.build(extra_hub_senders=2)
    tidy = Lake(tmp_path / "tidy")
    import_files(tidy, "ethereum-etl", bc.write_files(chain, tmp_path / "a"))

    def untidy(r: dict[str, object]) -> dict[str, object]:
        out = dict(r)
        out["from_address"] = "0X" + str(r["from_address"])[2:].upper()
        out["hash"] = str(r["hash"]).upper().replace("0X", "0x")
        out["value"] = f" {r['value']} "
        out["block_number"] = f"{r['block_number']}.0"
        return out

    chain.txs = [untidy(r) for r in chain.txs]
    messy = Lake(tmp_path / "messy")
    import_files(messy, "ethereum-etl", bc.write_files(chain, tmp_path / "b"))
    assert _rows(messy) == _rows(tidy)


@pytest.mark.parametrize(
    ("edit", "expect"),
    [
        (
            lambda rows: [{k: v for k, v in r.items() if k != "from_address"} for r in rows],
            "missing column(s) from_address",
        ),
        (
            lambda rows: [
                {**r, "block_number": "12x"} if i == 2 else r for i, r in enumerate(rows)
            ],
            ":4: column block_number: not an integer",
        ),
        (  # Arrow's own text->int cast reads "0x10" as 16: the lake does not
            lambda rows: [
                {**r, "block_number": "0x10"} if i == 2 else r for i, r in enumerate(rows)
            ],
            ":4: column block_number: not an integer",
        ),
        (
            lambda rows: [{**r, "value": str(2**256)} if i == 1 else r for i, r in enumerate(rows)],
            ":3: column value: above 2^256-1",
        ),
        (
            lambda rows: [{**r, "value": "-1"} if i == 1 else r for i, r in enumerate(rows)],
            ":3: column value: not a non-negative integer",
        ),
        (
            lambda rows: [
                {**r, "from_address": "0x12"} if i == 1 else r for i, r in enumerate(rows)
            ],
            ":3: column from_address: not a 0x",
        ),
        (
            lambda rows: [*rows[:3], {**rows[3], "block_number": 5}, *rows[4:]],
            ":5: rows out of order: block 5 after block",
        ),
        (lambda rows: [*rows, rows[-1]], "repeated row (block"),
    ],
)
def test_bad_input_is_one_line_naming_file_row_and_column_and_leaves_the_lake(
    tmp_path: Path, edit: object, expect: str
) -> None:
    chain = bc.build(extra_hub_senders=2)
    lake = Lake(tmp_path / "lake")
    import_files(lake, "ethereum-etl", bc.write_files(chain, tmp_path / "ok"))
    before = (lake.root / "_manifest.json").read_bytes()
    files_before = sorted(p.relative_to(lake.root) for p in lake.root.rglob("*.parquet"))
    chain.txs = edit(chain.txs)  # type: ignore[operator]
    bad = bc.write_files(chain, tmp_path / "bad")
    with pytest.raises(UserError) as err:
        import_files(lake, "ethereum-etl", bad)
    text = str(err.value)
    assert expect in text and "transactions.csv" in text and "\n" not in text
    assert (lake.root / "_manifest.json").read_bytes() == before
    assert sorted(p.relative_to(lake.root) for p in lake.root.rglob("*.parquet")) == files_before


def test_a_column_named_twice_is_refused_by_name(tmp_path: Path) -> None:
    """Found by fuzzing: a header naming ``block_number`` twice reached Arrow's lookup by
    name (``KeyError: Field "block_number" exists 2 times``)."""
    path = tmp_path / "transactions.csv"
    path.write_text(
        "hash,block_number,from_address,to_address,value,block_timestamp,block_number\n"
        f"0x{'ab' * 32},100,0x{'01' * 20},0x{'02' * 20},7,1700000000,100\n"
    )
    with pytest.raises(UserError, match="column 'block_number' appears more than once"):
        import_files(Lake(tmp_path / "lake"), "ethereum-etl", [path])
    assert not (tmp_path / "lake" / "_manifest.json").exists()


def test_reimporting_a_range_replaces_it_and_other_ranges_stay(tmp_path: Path) -> None:
    chain = bc.build(extra_hub_senders=2)
    lake = Lake(tmp_path / "lake")
    import_files(lake, "ethereum-etl", bc.write_files(chain, tmp_path / "all"))
    first = _rows(lake)
    import_files(lake, "ethereum-etl", bc.write_files(chain, tmp_path / "again"))
    assert _rows(lake) == first  # idempotent: nothing twice
    chain.tx(100_003, bc.T0 + 60, bc.HUB, bc.A, 7)
    m = import_files(
        lake, "ethereum-etl", bc.write_files(chain, tmp_path / "r1", only_range=1)
    ).manifest
    after = _rows(lake)
    assert len(after) == len(first) + 1
    assert [r for r in after if r["block"] < 100_000] == [r for r in first if r["block"] < 100_000]
    assert {p.range for p in m.select("transfers")} == {0, 1}
    listed = set(m.files("transfers")) | set(m.retired)
    on_disk = {str(p.relative_to(lake.root)) for p in (lake.root / "transfers").rglob("*.parquet")}
    assert on_disk <= listed


_KILLED_IMPORT = """
import sys
from pathlib import Path
from nkwatch.trace.lake.importer import import_synthetic
from nkwatch.trace.lake.store import Lake
from nkwatch.trace.synthetic import generate
import_synthetic(Lake(Path(sys.argv[1])), generate(int(sys.argv[2]), seed=int(sys.argv[3])).graph)
print("done", flush=True)
"""


def test_kill_9_during_an_import_leaves_a_readable_lake(tmp_path: Path) -> None:
    root = tmp_path / "lake"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    subprocess.run(
        [sys.executable, "-c", _KILLED_IMPORT, str(root), "20000", "1"], check=True, env=env
    )
    lake = Lake(root)
    before = lake.manifest()
    proc = subprocess.Popen([sys.executable, "-c", _KILLED_IMPORT, str(root), "400000", "2"], env=env,
                            stdout=subprocess.PIPE)  # fmt: skip
    deadline = time.time() + 120
    while time.time() < deadline and not (root / "_staging").exists():
        time.sleep(0.01)
    time.sleep(0.3)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    after = lake.manifest()  # readable, and either the old lake or the new one, never half
    assert after.commit in (before.commit, before.commit + 1)
    rows = sum(p.rows for p in after.select("transfers"))
    assert rows in (20000, 400000)
    got = (
        duckdb.connect()
        .execute("SELECT count(*) FROM read_parquet(?)", [lake.paths("transfers")])
        .fetchone()
    )
    assert got is not None and got[0] == rows
    # the next commit sweeps what the killed import left behind
    subprocess.run(
        [sys.executable, "-c", _KILLED_IMPORT, str(root), "1000", "3"], check=True, env=env
    )
    assert not (root / "_staging").exists()
    live = set(lake.manifest().files("transfers")) | set(lake.manifest().retired)
    assert {str(p.relative_to(root)) for p in (root / "transfers").rglob("*.parquet")} <= live


def test_bitcoin_etl_and_btc_2009_land_as_utxo_tables(tmp_path: Path, shared_data: Path) -> None:
    lake = Lake(tmp_path / "lake")
    txs = [
        {"hash": "aa" * 32, "block_number": 1, "block_timestamp": "2009-01-09 02:54:25 UTC", "index": 0,
         "is_coinbase": True, "inputs": [], "outputs": [{"index": 0, "addresses": ["1A"], "value": 5000000000}]},
        {"hash": "bb" * 32, "block_number": 2, "block_timestamp": "2009-01-09 03:00:00 UTC", "index": 1,
         "is_coinbase": False,
         "inputs": [{"index": 0, "spent_transaction_hash": "aa" * 32, "spent_output_index": 0, "addresses": ["1A"], "value": 5000000000}],
         "outputs": [{"index": 0, "addresses": ["1B"], "value": 1000000000}, {"index": 1, "addresses": ["1A"], "value": 4000000000}]},
    ]  # fmt: skip
    path = tmp_path / "transactions.jsonl"
    path.write_text("\n".join(json.dumps(t) for t in txs) + "\n")
    import_files(lake, "bitcoin-etl", [path])
    from nkwatch.trace.lake.utxo import load_utxo_txs

    got = load_utxo_txs(lake, "bitcoin")
    assert [(t.tx_hash, len(t.inputs), [o.value for o in t.outputs]) for t in got] == [
        ("aa" * 32, 0, [5000000000]),
        ("bb" * 32, 1, [1000000000, 4000000000]),
    ]
    path.write_text(json.dumps(txs[1]) + "\n" + json.dumps(txs[0]) + "\n")
    with pytest.raises(UserError, match="transactions.jsonl:2: rows out of order"):
        import_files(Lake(tmp_path / "other"), "bitcoin-etl", [path])
    sample = Lake(tmp_path / "btc2009")
    result = import_files(
        sample, "btc-2009", [shared_data / "chain/btc_2009"], LakeImportOptions(chain="bitcoin")
    )
    assert result.rows > 0 and {p.table for p in result.partitions} == {
        "utxo_outputs",
        "utxo_inputs",
    }


def test_bigquery_avro_export_in_any_order_is_sorted_on_import(tmp_path: Path) -> None:
    import fastavro

    chain = bc.build(extra_hub_senders=2)
    rows = [{**r, "value": str(r["value"]), "block_timestamp": bc.T0} for r in chain.tokens]
    rows[0]["block_number"] = 99_998
    schema = {"type": "record", "name": "token_transfers", "fields": [
        {"name": k, "type": "long" if isinstance(v, int) else "string"} for k, v in rows[0].items()]}  # fmt: skip
    path = tmp_path / "token_transfers-000.avro"
    with path.open("wb") as handle:
        fastavro.writer(handle, schema, list(reversed(rows)))  # shards come in any order
    lake = Lake(tmp_path / "lake")
    import_files(lake, "bigquery-ethereum", [path])
    got = _rows(lake)
    assert [_amount(r) for r in got] == [2**130 + 12345, 2**129 + 7]
    with pytest.raises(UserError, match=r"token_transfers-000\.avro:2: rows out of order"):
        import_files(Lake(tmp_path / "strict"), "ethereum-etl", [path])
