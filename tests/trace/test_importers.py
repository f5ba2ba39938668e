from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from nkwatch.errors import UserError
from nkwatch.store import Store
from nkwatch.trace.importers import ImportOptions, import_files
from nkwatch.trace.repository import count_transfers, load_graph, transfers_from

HOP1_FROM = "0x47666Fab8bd0Ac7003bce3f5C3585383F09486E2"
HEADER = "hash,timestamp_utc,to,amount,asset,symbol_non_ascii,kind,contract,block,is_error,chain_id,chain_name,retrieved_utc\n"
H = "0x" + "ab" * 32
TO = "0x" + "cd" * 20


def _csv(tmp_path: Path, *rows: str, header: str = HEADER) -> Path:
    path = tmp_path / "x.csv"
    path.write_text(header + "".join(r + "\n" for r in rows), encoding="utf-8")
    return path


def test_bybit_hop1_totals_match_the_published_figures(store: Store, shared_data: Path) -> None:
    path = shared_data / "chain/bybit_2025/hop1.csv"
    opts = ImportOptions(from_address=HOP1_FROM, assume_decimals=18)
    summary = import_files(store, "etherscan-csv", [path], opts)
    assert summary.read == summary.added == 255
    assert import_files(store, "etherscan-csv", [path], opts).added == 0  # idempotent
    out = transfers_from(store, "ethereum", HOP1_FROM.lower())
    native = [t for t in out if t.asset.contract is None and t.amount > 0]
    assert len(native) == 41
    assert sum(t.amount for t in native) == 400_001 * 10**18
    steth = [
        t
        for t in out
        if t.asset.contract == "0xae7ab96520de3a18e5e111b5eaab095312d7fe84"
        and t.to_address == "0xa4b2fd68593b6f34e51cb9edb66e71c1b4ab449e"
    ]
    # the case study's figure for the followed branch: 90,375.55 stETH
    assert round(sum(t.whole_units() for t in steth), 2) == Decimal("90375.55")


def test_btc_2009_layout(store: Store, shared_data: Path) -> None:
    summary = import_files(store, "btc-2009", [shared_data / "chain/btc_2009"])
    assert summary.added == 32_709
    rows = store.query(
        "SELECT count(*), sum(CASE WHEN coinbase THEN 1 ELSE 0 END) FROM trace_utxo_txs"
    )
    assert rows[0][0] == 32_709 and rows[0][1] == 32_709 - len(
        store.query("SELECT DISTINCT tx_hash FROM trace_utxo_inputs")
    )
    hal = store.query(
        "SELECT value FROM trace_utxo_outputs WHERE tx_hash LIKE 'f4184fc5%' ORDER BY n"
    )
    assert [r[0] for r in hal] == [10 * 10**8, 40 * 10**8]


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (f"{H},2025-02-21 14:29:47,{TO},abc,ETH,no,native,,1,0,1,Ethereum,x", "not a number"),
        (f"{H},2025-02-21 14:29:47,{TO},-1,ETH,no,native,,1,0,1,Ethereum,x", "non-negative"),
        (f"{H},2025-02-21 14:29:47,{TO},1.0,FOO,no,token,{TO},1,0,1,Ethereum,x", "no decimals"),
        (f"{H},2025-02-21 14:29:47,0x12,1.0,ETH,no,native,,1,0,1,Ethereum,x", "not a valid"),
        (f"{H},yesterday,{TO},1.0,ETH,no,native,,1,0,1,Ethereum,x", "not a timestamp"),
    ],
)
def test_bad_rows_are_user_errors_and_write_nothing(
    store: Store, tmp_path: Path, row: str, message: str
) -> None:
    good = f"0x{'01' * 32},2025-02-21 14:29:47,{TO},1.0,ETH,no,native,,1,0,1,Ethereum,x"
    path = _csv(tmp_path, good, row)
    with pytest.raises(UserError, match=message) as info:
        import_files(store, "etherscan-csv", [path], ImportOptions(from_address=TO))
    assert info.value.where == f"{path}:3"
    assert count_transfers(store) == 0


def test_missing_column_and_unknown_format(store: Store, tmp_path: Path) -> None:
    path = _csv(tmp_path, "x,y", header="hash,to\n")
    with pytest.raises(UserError, match="missing column"):
        import_files(store, "etherscan-csv", [path], ImportOptions(from_address=TO))
    with pytest.raises(UserError, match="unknown import format"):
        import_files(store, "nope", [path])


def test_ethereum_etl_csv_with_tokens_blocks_and_traces(store: Store, tmp_path: Path) -> None:
    a, b, c = ("0x" + x * 40 for x in "abc")
    usdt = "0xdac17f958d2ee523a2206206994597c13d831ec7"
    (tmp_path / "transactions.csv").write_text(
        "hash,nonce,block_number,transaction_index,from_address,to_address,value,gas,gas_price,block_timestamp,receipt_gas_used,receipt_status\n"
        f"0x{'11' * 32},0,100,0,{a},{b},5000000000000000000000,21000,10,1700000000,21000,1\n"
    )
    (tmp_path / "token_transfers.csv").write_text(
        "token_address,from_address,to_address,value,transaction_hash,log_index,block_number\n"
        f"{usdt},{b},{c},2500000,0x{'22' * 32},3,101\n"
    )
    (tmp_path / "traces.csv").write_text(
        "transaction_hash,transaction_index,from_address,to_address,value,trace_type,call_type,trace_address,error,status,block_number\n"
        f"0x{'33' * 32},0,{b},{c},7,call,call,,,1,101\n"
        f"0x{'33' * 32},0,{c},{a},6,call,call,0,,1,101\n"
        f"0x{'33' * 32},0,{c},{a},9,call,call,1,reverted,0,101\n"
    )
    (tmp_path / "blocks.csv").write_text(
        "number,hash,timestamp\n100,0x0,1700000000\n101,0x1,1700000012\n"
    )
    files = [
        tmp_path / n
        for n in ("transactions.csv", "token_transfers.csv", "traces.csv", "blocks.csv")
    ]
    summary = import_files(store, "ethereum-etl", files)
    assert summary.added == 3  # native, token, one successful internal call
    graph = load_graph(store, "ethereum")
    kinds = sorted(r[0] for r in store.query("SELECT kind FROM trace_transfers"))
    assert kinds == ["internal", "native", "token"]
    fee = store.query("SELECT CAST(fee AS VARCHAR) FROM trace_transfers WHERE kind = 'native'")
    assert fee == [("210000",)]
    assert {x.symbol for x in graph.assets} == {"ETH", "USDT"}


def test_bitcoin_etl_jsonl(store: Store, tmp_path: Path) -> None:
    tx = {
        "hash": "aa" * 32, "block_number": 5, "block_timestamp": 1231006505, "is_coinbase": False,
        "inputs": [{"spent_transaction_hash": "bb" * 32, "spent_output_index": 0, "addresses": ["1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"], "value": 100}],
        "outputs": [{"index": 0, "addresses": ["1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"], "value": 90}],
    }  # fmt: skip
    path = tmp_path / "txs.jsonl"
    path.write_text(json.dumps(tx) + "\n")
    assert import_files(store, "bitcoin-etl", [path]).added == 1
    path.write_text("{not json\n")
    with pytest.raises(UserError, match="not JSON"):
        import_files(store, "bitcoin-etl", [path])
