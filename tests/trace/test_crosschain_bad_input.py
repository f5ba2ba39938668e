"""Bad cross-chain input is reported with its transaction, never linked and never a crash
(and an asset whose outbound is not in the data is "left for chain X at address Y"):
an undecodable THORChain memo (value left in flight, "memo undecodable"), a Deposit event
whose amount does not match what moved, a Bitcoin OP_RETURN ``OUT:`` that is not a hash,
and an outbound naming a real departure but paying someone other than the memo's
destination. The good links of the case stay exact; every unit is accounted for."""

from __future__ import annotations

import csv
import json
from decimal import Decimal
from pathlib import Path

import pytest
from tests.trace import crosschain_case as cc

from nkwatch.settings import Settings

DEP_BAD, DEP_OFF, DEP_USDC = cc.h(0xE100), cc.h(0xE101), cc.h(0xE102)
USDC_MEMO = "=:ETH.USDC-0XA0B86991C6218B36C1D19D4A2E9EB0CE3606EB48:0x" + "ab" * 20
ETH = cc.ETH


def _append_csv(path: Path, rows: list[dict[str, object]]) -> None:
    with path.open(newline="", encoding="utf-8") as fh:
        fields = next(csv.reader(fh))
    with path.open("a", newline="", encoding="utf-8") as fh:
        csv.DictWriter(fh, fieldnames=fields).writerows(rows)


def _append_lines(path: Path, rows: list[dict[str, object]]) -> None:
    with path.open("a", encoding="utf-8") as fh:
        fh.writelines(json.dumps(r) + "\n" for r in rows)


def _bad_case(folder: Path) -> cc.Case:
    case = cc.write_case(folder)
    txs, traces, _, logs = case.eth_files
    _append_csv(txs, [cc._tx(DEP_BAD, 33, cc.THIEF, cc.ROUTER, 5 * ETH),
                      cc._tx(DEP_OFF, 34, cc.THIEF, cc.ROUTER, 7 * ETH),
                      cc._tx(DEP_USDC, 35, cc.THIEF, cc.ROUTER, 3 * ETH)])  # fmt: skip
    _append_csv(traces, [cc._trace(DEP_BAD, 33, cc.ROUTER, cc.VAULT, 5 * ETH, "0"),
                         cc._trace(DEP_OFF, 34, cc.ROUTER, cc.VAULT, 7 * ETH, "0"),
                         cc._trace(DEP_USDC, 35, cc.ROUTER, cc.VAULT, 3 * ETH, "0")])  # fmt: skip
    _append_lines(logs, [cc._deposit(DEP_BAD, 33, 5 * ETH, "SWAP"),  # no asset, no destination
                         cc._deposit(DEP_OFF, 34, 9 * ETH, f"=:b:{cc.BTC_DEST}"),
                         # an asset whose outbound (a TransferOut paying USDC) is not in the data
                         cc._deposit(DEP_USDC, 35, 3 * ETH, USDC_MEMO)])  # fmt: skip
    _append_lines(case.btc_files[0], [
        cc._btc_tx(cc.b(5), 5, [(cc.b(4), 2, cc.BTC_VAULT, 849_880_000)],
                   [(cc.BTC_OTHER, 10_000, None), (None, 0, "OUT:not-a-hash"),
                    (cc.BTC_VAULT, 849_860_000, None)]),
        # names the real Bitcoin departure but pays another address than its memo's
        cc._btc_tx(cc.b(6), 6, [(cc.b(5), 2, cc.BTC_VAULT, 849_860_000)],
                   [(cc.BTC_OTHER, 5_000_000, None), (None, 0, f"OUT:{cc.DEP_BTC[2:]}"),
                    (cc.BTC_VAULT, 844_850_000, None)]),
    ])  # fmt: skip
    return case


@pytest.mark.parametrize("policy", ["poison", "haircut", "fifo"])
def test_bad_input_is_noise_never_a_link(settings: Settings, tmp_path: Path, policy: str) -> None:
    case = _bad_case(tmp_path)
    report = cc.traced_report(settings, tmp_path, policy=policy, case=case).to_data()
    noise = {(a["kind"], a["tx_hash"]) for a in report["noise"]["crosschain"]}
    assert {("bad-memo", DEP_BAD), ("unreconciled", DEP_OFF), ("bad-memo", cc.b(5)),
            ("unreconciled", cc.b(6)), ("forged-out", cc.b(4))} <= noise  # fmt: skip
    assert not any(cc.b(6) in (lk["target"]["tx_hash"], lk["source"]["tx_hash"])
                   for lk in report["links"])  # fmt: skip
    assert all(lk["source"]["tx_hash"] != DEP_OFF for lk in report["links"])
    bad = next(f for f in report["in_flight"] if f["source"]["tx_hash"] == DEP_BAD)
    assert bad["reason"] == "memo undecodable" and bad["tainted_in"] == "5"
    btc = [(e["address"], e["amounts"]) for e in report["endpoints"] if e["chain"] == "bitcoin"]
    assert btc == [(cc.BTC_EXCHANGE, {"BTC": "1.2"})]
    for sym, b in report["buckets"].items():
        parts = sum(Decimal(b[k]) for k in ("at_services", "at_addresses", "fees", "dust"))
        assert parts == Decimal(b["seeded"]), sym
    usdc = next(f for f in report["in_flight"] if f["source"]["tx_hash"] == DEP_USDC)
    assert usdc["summary"].startswith("left for chain ethereum at address 0x" + "ab" * 20)
    assert "USDC" in usdc["destination_asset"] and usdc["tainted_in"] == "3"
    eth = report["buckets"]["ETH"]
    assert Decimal(eth["in_flight"]) == 38  # litecoin 30 + undecodable memo 5 + USDC 3
