"""A cross-chain laundering case written as the files users have: ethereum-etl
(transactions, token_transfers, traces, tokens, logs as JSON lines) and bitcoin-etl JSON
lines whose THORChain outbounds carry ``OUT:<inbound>`` OP_RETURN memos.

Story: the thief holds 600,000 stolen USDT, swaps them for 300 ETH at a pool (Uniswap-V2
``Swap`` log), bridges 200 ETH to Bitcoin through the THORChain router (the outbound pays
1.5 BTC to an address that deposits 1.2 BTC at an exchange), 50 ETH whose swap is refunded
(49.9 ETH back), and 30 ETH to Litecoin, whose data is absent ("left for chain litecoin").
A forged ``OUT:`` memo names a hash with no inbound. With ``gas`` the thief first gets 1
clean ETH from a gas station, so the policies disagree on every amount.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from pathlib import Path

from nkwatch.settings import Settings
from nkwatch.trace.bridges import thorchain
from nkwatch.trace.bridges.abi import encode_dynamic, encode_words
from nkwatch.trace.bridges.btc_memo import op_return_hex
from nkwatch.trace.report_model import TraceReport
from nkwatch.trace.swaps import UNISWAP_V2_SWAP

ETH = 10**18
USDT = "0xdac17f958d2ee523a2206206994597c13d831ec7"
VICTIM = "0x" + "1c" * 20
THIEF = "0x" + "7f" * 20
GAS = "0x" + "9a" * 20
POOL = "0x" + "0d" * 20
ROUTER = "0xd37bbe5744d730a1d98d8dc97c42f0ca46ad7146"
VAULT = "0x" + "a5" * 20
BTC_DEST = "bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh"
BTC_VAULT = "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"
BTC_EXCHANGE = "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy"
BTC_OTHER = "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2"
LTC_DEST = "ltc1qg82tkaqjsmqeuvkzmn3qqj6mf0y9hhhj2mxmul"
T0 = 1_740_000_000


def h(n: int) -> str:
    return "0x" + f"{n:064x}"


def b(n: int) -> str:
    return f"{0xB7C0000 + n:064x}"


THEFT, GASTX, SWAP, DEP_BTC, DEP_REFUND, DEP_LTC, REFUND = (h(0xE000 + i) for i in range(7))
FORGED_INBOUND = h(0xDEAD)


@dataclass
class Case:
    folder: Path
    eth_files: list[Path] = field(default_factory=list)
    btc_files: list[Path] = field(default_factory=list)
    out_tx: str = b(2)
    forged_tx: str = b(4)


def _topic(addr: str) -> str:
    return "0x" + "0" * 24 + addr[2:]


def _write_csv(path: Path, rows: list[dict[str, object]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    return path


def _tx(hash_: str, block: int, frm: str, to: str, value: int) -> dict[str, object]:
    return {"hash": hash_, "block_number": block, "block_timestamp": T0 + 12 * block,
            "from_address": frm, "to_address": to, "value": value, "receipt_gas_used": 0,
            "gas_price": 0, "receipt_status": 1}  # fmt: skip


def _trace(hash_: str, block: int, frm: str, to: str, value: int, path: str) -> dict[str, object]:
    return {"transaction_hash": hash_, "block_number": block, "from_address": frm,
            "to_address": to, "value": value, "trace_type": "call", "trace_address": path,
            "status": 1}  # fmt: skip


def _deposit(tx: str, block: int, amount: int, memo: str) -> dict[str, object]:
    data = encode_dynamic([amount, memo.encode()])
    return {"log_index": 0, "transaction_hash": tx, "transaction_index": 0,
            "block_hash": h(block), "block_number": block, "address": ROUTER,
            "data": "0x" + data.hex(),
            "topics": [thorchain.DEPOSIT_TOPIC, _topic(VAULT), _topic(thorchain.NATIVE)]}  # fmt: skip


def _ethereum(case: Case, gas: bool) -> None:
    d = case.folder
    txs = [_tx(THEFT, 10, VICTIM, USDT, 0), _tx(SWAP, 20, THIEF, POOL, 0),
           _tx(DEP_BTC, 30, THIEF, ROUTER, 200 * ETH), _tx(DEP_REFUND, 31, THIEF, ROUTER, 50 * ETH),
           _tx(DEP_LTC, 32, THIEF, ROUTER, 30 * ETH), _tx(REFUND, 40, VAULT, ROUTER, 0)]  # fmt: skip
    if gas:
        txs.insert(1, _tx(GASTX, 15, GAS, THIEF, ETH))
    traces = [_trace(SWAP, 20, POOL, THIEF, 300 * ETH, "0"),
              _trace(DEP_BTC, 30, ROUTER, VAULT, 200 * ETH, "0"),
              _trace(DEP_REFUND, 31, ROUTER, VAULT, 50 * ETH, "0"),
              _trace(DEP_LTC, 32, ROUTER, VAULT, 30 * ETH, "0"),
              _trace(REFUND, 40, ROUTER, THIEF, 49_900_000_000_000_000_000, "0")]  # fmt: skip
    tokens = [{"token_address": USDT, "from_address": VICTIM, "to_address": THIEF,
               "value": 600_000 * 10**6, "transaction_hash": THEFT, "log_index": 0, "block_number": 10},
              {"token_address": USDT, "from_address": THIEF, "to_address": POOL,
               "value": 600_000 * 10**6, "transaction_hash": SWAP, "log_index": 1, "block_number": 20}]  # fmt: skip
    swap_log = {"log_index": 2, "transaction_hash": SWAP, "transaction_index": 0,
                "block_hash": h(20), "block_number": 20, "address": POOL,
                "data": "0x" + encode_words(600_000 * 10**6, 0, 0, 300 * ETH).hex(),
                "topics": [UNISWAP_V2_SWAP, _topic(THIEF), _topic(THIEF)]}  # fmt: skip
    refund_data = encode_dynamic(
        [0, 49_900_000_000_000_000_000, f"REFUND:{DEP_REFUND[2:].upper()}".encode()]
    )
    refund_log = {"log_index": 0, "transaction_hash": REFUND, "transaction_index": 0,
                  "block_hash": h(40), "block_number": 40, "address": ROUTER,
                  "data": "0x" + refund_data.hex(),
                  "topics": [thorchain.TRANSFER_OUT_TOPIC, _topic(VAULT), _topic(THIEF)]}  # fmt: skip
    logs = [swap_log,
            _deposit(DEP_BTC, 30, 200 * ETH, f"=:b:{BTC_DEST}:0/1/0:t:10"),
            _deposit(DEP_REFUND, 31, 50 * ETH, f"=:BTC.BTC:{BTC_DEST}:999999999999"),
            _deposit(DEP_LTC, 32, 30 * ETH, f"=:l:{LTC_DEST}"),
            refund_log,
            {**swap_log, "log_index": 7, "data": "0x1234"}]  # a malformed Swap log  # fmt: skip
    case.eth_files = [_write_csv(d / "transactions.csv", txs), _write_csv(d / "traces.csv", traces),
                      _write_csv(d / "token_transfers.csv", tokens)]  # fmt: skip
    logs_path = d / "logs.json"
    logs_path.write_text("".join(json.dumps(r) + "\n" for r in logs), encoding="utf-8")
    case.eth_files.append(logs_path)


def _btc_tx(txid: str, block: int, ins: list[tuple[str, int, str, int]],
            outs: list[tuple[str | None, int, str | None]]) -> dict[str, object]:  # fmt: skip
    return {
        "hash": txid, "block_number": block, "block_timestamp": T0 + 600 * block,
        "is_coinbase": not ins,
        "inputs": [{"spent_transaction_hash": p, "spent_output_index": n, "addresses": [a], "value": v}
                   for p, n, a, v in ins],
        "outputs": [{"index": i, "addresses": [a] if a else [], "value": v,
                     **({"script_hex": op_return_hex(m)} if m else {})}
                    for i, (a, v, m) in enumerate(outs)],
    }  # fmt: skip


def _bitcoin(case: Case) -> None:
    out_memo = f"OUT:{DEP_BTC[2:].upper()}"
    rows = [
        _btc_tx(b(1), 1, [], [(BTC_VAULT, 10 * 10**8, None)]),
        # THORChain's outbound: 1.5 BTC to the memo's destination, the memo, change to the vault
        _btc_tx(b(2), 2, [(b(1), 0, BTC_VAULT, 10 * 10**8)],
                [(BTC_DEST, 150_000_000, None), (None, 0, out_memo), (BTC_VAULT, 849_990_000, None)]),
        # the launderer deposits 1.2 BTC at the exchange and keeps 0.2999 BTC
        _btc_tx(b(3), 3, [(b(2), 0, BTC_DEST, 150_000_000)],
                [(BTC_EXCHANGE, 120_000_000, None), (BTC_OTHER, 29_990_000, None)]),
        # a forged outbound memo naming an inbound that does not exist
        _btc_tx(b(4), 4, [(b(2), 2, BTC_VAULT, 849_990_000)],
                [(BTC_OTHER, 100_000, None), (None, 0, f"OUT:{FORGED_INBOUND[2:]}"),
                 (BTC_VAULT, 849_880_000, None)]),
    ]  # fmt: skip
    path = case.folder / "btc_transactions.json"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    case.btc_files = [path]


def write_case(folder: Path, *, gas: bool = False) -> Case:
    case = Case(folder)
    _ethereum(case, gas)
    _bitcoin(case)
    return case


LABELS_CSV = (
    "chain,address,service,category,confidence,source,date\n"
    f"bitcoin,{BTC_EXCHANGE},Example Exchange,exchange,0.95,test labels,2025-02-01\n"
    f"ethereum,{ROUTER},THORChain,bridge,0.9,test labels,2025-02-01\n"
)


def import_case(settings: Settings, case: Case) -> None:
    """The case's files and labels into ``settings``' store."""
    from nkwatch.store import open_store
    from nkwatch.trace.importers import import_files
    from nkwatch.trace.label_sources import save_labels, user_csv

    labels = case.folder / "labels.csv"
    labels.write_text(LABELS_CSV, encoding="utf-8")
    with open_store(settings) as store:
        import_files(store, "ethereum-etl", case.eth_files)
        import_files(store, "bitcoin-etl", case.btc_files)
        save_labels(store, list(user_csv(labels)))


def traced_report(
    settings: Settings, folder: Path, *, hostile: str = "", policy: str = "haircut",
    case: Case | None = None,
) -> TraceReport:  # fmt: skip
    """The case (``write_case``'s unless given) imported into ``settings``' store and traced
    from the thief; with ``hostile``, that text is planted in a link's evidence and an
    endpoint's service name (a page must show it as text)."""
    from nkwatch.store import open_store
    from nkwatch.trace.across.run import trace_store_across
    from nkwatch.trace.label_sources import load_label_book
    from nkwatch.trace.params import Seed, TraceParams
    from nkwatch.trace.repository import load_graph

    import_case(settings, case or write_case(folder))
    with open_store(settings) as store:
        report = trace_store_across(store, load_graph(store, "ethereum"), [Seed(address=THIEF)],
                                    TraceParams("ethereum", policy), load_label_book(store))  # fmt: skip
    if not hostile:
        return report
    data = report.to_data()
    data["links"][0]["evidence"] = [*data["links"][0]["evidence"], hostile]
    data["endpoints"][0]["service"] = hostile
    return TraceReport.from_data(data)
