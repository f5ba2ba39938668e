"""Decoders on hand-made node answers: what moves value and what must not."""

from __future__ import annotations

from datetime import UTC, datetime

from nkwatch.trace.evm import decode
from nkwatch.trace.evm.tokens import TokenMeta, decode_string, decode_uint8
from nkwatch.trace.model import TransferKind

T0 = datetime(2026, 11, 21, tzinfo=UTC)
A, B, C, D = ("0x" + c * 40 for c in "abcd")


def frame(kind: str, frm: str, to: str, value: int, calls=(), error: str | None = None):
    f = {"type": kind, "from": frm, "to": to, "value": hex(value), "calls": list(calls)}
    if error:
        f["error"] = error
    return f


def test_call_tree_skips_top_frame_failed_subtrees_and_zero_values() -> None:
    tree = frame(
        "CALL",
        A,
        B,
        10,
        calls=[
            frame("CALL", B, C, 3),
            frame("CALL", B, D, 4, calls=[frame("CALL", D, A, 4)], error="execution reverted"),
            frame("STATICCALL", B, C, 0),
            frame("DELEGATECALL", B, C, 0),
            frame("CALL", B, C, 0),
            frame("CREATE2", B, D, 2),
        ],
    )
    rows = decode.internal_transfers("ethereum", "0xAB", tree, 7, T0)
    assert [(r.from_address, r.to_address, r.amount) for r in rows] == [(B, C, 3), (B, D, 2)]
    assert all(r.kind is TransferKind.INTERNAL and r.tx_hash == "0xab" for r in rows)
    assert len({r.index for r in rows}) == 2


def test_failed_top_level_call_moves_nothing_internally() -> None:
    tree = frame("CALL", A, B, 10, calls=[frame("CALL", B, C, 3)], error="out of gas")
    assert decode.internal_transfers("ethereum", "0x1", tree, 1, T0) == []


def test_parity_traces_fail_by_trace_address_prefix() -> None:
    def tr(path, frm, to, value, error=None):
        t = {
            "type": "call",
            "action": {"callType": "call", "from": frm, "to": to, "value": hex(value)},
            "traceAddress": path,
            "transactionHash": "0x1",
            "blockNumber": 5,
        }
        if error:
            t["error"] = error
        return t

    traces = [
        tr([], A, B, 9),
        tr([0], B, C, 1),
        tr([1], B, D, 2, error="Reverted"),
        tr([1, 0], D, C, 2),
        tr([2], B, C, 3),
    ]
    rows = decode.parity_internal_transfers("ethereum", traces, {5: T0})
    assert [(r.to_address, r.amount) for r in rows] == [(C, 1), (C, 3)]


def test_token_logs_keep_erc20_and_skip_nft_and_removed() -> None:
    meta = TokenMeta(C, "SUSD", "Scenario USD", 6)
    base = {
        "address": C.upper().replace("0X", "0x"),
        "blockNumber": "0x5",
        "transactionHash": "0xFF",
        "logIndex": "0x2",
        "data": "0x" + f"{1234:064x}",
    }
    erc20 = {
        **base,
        "topics": [decode.TRANSFER_TOPIC, decode.address_topic(A), decode.address_topic(B)],
    }
    nft = {**erc20, "topics": [*erc20["topics"], "0x" + "0" * 63 + "1"], "data": "0x"}
    removed = {**erc20, "removed": True}
    rows = decode.token_transfers(
        "ethereum", [erc20, nft, removed], {C: meta.asset("ethereum")}, {5: T0}
    )
    assert len(rows) == 1
    r = rows[0]
    assert (r.from_address, r.to_address, r.amount, r.index) == (A, B, 1234, 2)
    assert r.asset.symbol == "SUSD" and r.asset.decimals == 6 and r.asset.contract == C
    assert str(r.whole_units()) == "0.001234"


def test_native_rows_carry_fee_and_failure() -> None:
    block = {
        "number": "0x9",
        "hash": "0xh",
        "parentHash": "0xp",
        "timestamp": hex(int(T0.timestamp())),
        "transactions": [
            {"hash": "0x1", "from": A, "to": B, "value": hex(5)},
            {"hash": "0x2", "from": A, "to": None, "value": "0x0"},
        ],
    }
    receipts = {
        "0x1": {"status": "0x0", "gasUsed": hex(21000), "effectiveGasPrice": hex(7)},
        "0x2": {
            "status": "0x1",
            "gasUsed": hex(100),
            "effectiveGasPrice": hex(2),
            "contractAddress": D,
        },
    }
    rows = decode.native_transfers("ethereum", block, receipts)
    assert rows[0].failed and rows[0].fee == 21000 * 7 and rows[0].amount == 5
    assert rows[1].to_address == D and rows[1].fee == 200 and not rows[1].failed
    assert rows[0].timestamp == T0


def test_abi_string_and_bytes32_and_decimals() -> None:
    text = b"SUSD"
    dynamic = "0x" + f"{32:064x}" + f"{len(text):064x}" + text.hex().ljust(64, "0")
    assert decode_string(dynamic) == "SUSD"
    assert decode_string("0x" + b"MKR".hex().ljust(64, "0")) == "MKR"
    assert decode_string("0x") is None
    assert decode_uint8("0x" + f"{18:064x}") == 18
    assert decode_uint8("0x" + f"{300:064x}") is None
    assert decode_uint8(None) is None


def test_scan_gaps_cover_exactly_what_is_missing() -> None:
    from nkwatch.trace.evm.addrscan import gaps

    assert gaps([], 0, 10) == [(0, 10)]
    assert gaps([(0, 10)], 0, 10) == []
    assert gaps([(3, 5), (4, 8), (12, 20)], 0, 15) == [(0, 2), (9, 11)]
    assert gaps([(0, 4)], 5, 9) == [(5, 9)]
    assert gaps([(20, 30)], 5, 9) == [(5, 9)]
