"""The pure decoders: THORChain memo grammar, router events, Wormhole transfer messages,
DEX swap events, Bitcoin OP_RETURN memos and Midgard actions."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from Crypto.Hash import keccak
from hypothesis import given
from hypothesis import strategies as st

from nkwatch.errors import UserError
from nkwatch.trace import swaps
from nkwatch.trace.bridges import btc_memo, midgard, registry, thorchain, wormhole
from nkwatch.trace.bridges.abi import AbiError, EvmLog, encode_dynamic, encode_words

ROUTER = "0xd37bbe5744d730a1d98d8dc97c42f0ca46ad7146"
VAULT = "0x" + "ab" * 20
SENDER = "0x" + "12" * 20
INBOUND = "0x" + "9f" * 32
BTC_DEST = "bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh"


def topic(addr: str) -> str:
    return "0x" + "0" * 24 + addr[2:]


def deposit_log(amount: int, memo: str, asset: str = thorchain.NATIVE, tx: str = INBOUND) -> EvmLog:
    data = encode_dynamic([amount, memo.encode()])
    return EvmLog("ethereum", tx, 3, 100, ROUTER,
                  (thorchain.DEPOSIT_TOPIC, topic(VAULT), topic(asset)), data)  # fmt: skip


def k256(text: str) -> str:
    return "0x" + keccak.new(digest_bits=256, data=text.encode()).hexdigest()


def test_event_topics_are_the_keccak_of_their_signatures() -> None:
    assert k256("Deposit(address,address,uint256,string)") == thorchain.DEPOSIT_TOPIC
    assert (
        k256("TransferOut(address,address,address,uint256,string)") == thorchain.TRANSFER_OUT_TOPIC
    )
    assert k256("LogMessagePublished(address,uint64,uint32,bytes,uint8)") == wormhole.MESSAGE_TOPIC
    assert k256("Swap(address,uint256,uint256,uint256,uint256,address)") == swaps.UNISWAP_V2_SWAP
    assert (
        k256("Swap(address,address,int256,int256,uint160,uint128,int24)") == swaps.UNISWAP_V3_SWAP
    )
    assert k256("TokenExchange(address,int128,uint256,int128,uint256)") == swaps.CURVE_EXCHANGE


@pytest.mark.parametrize(
    ("memo", "asset", "dest", "limit", "interval", "quantity"),
    [
        (f"SWAP:BTC.BTC:{BTC_DEST}:12345", "BTC.BTC", BTC_DEST, 12345, None, None),
        (f"=:b:{BTC_DEST}:0/1/0", "BTC.BTC", BTC_DEST, 0, 1, 0),
        (f"s:e:{SENDER}", "ETH.ETH", SENDER, None, None, None),
        (f"=:BTC.BTC:{BTC_DEST}:15e6/3/10", "BTC.BTC", BTC_DEST, 15_000_000, 3, 10),
        (
            f"=:ETH.USDT-0xdAC17F958D2ee523a2206206994597C13D831ec7:{SENDER}",
            "ETH.USDT-0xdAC17F958D2ee523a2206206994597C13D831ec7",
            SENDER,
            None,
            None,
            None,
        ),
        (f"=:BTC/BTC:{SENDER}", "BTC/BTC", SENDER, None, None, None),
    ],
)
def test_swap_memos_parse(
    memo: str, asset: str, dest: str, limit: int | None, interval: int | None, quantity: int | None
) -> None:
    parsed = thorchain.parse_memo(memo)
    assert isinstance(parsed, thorchain.SwapMemo)
    assert str(parsed.asset) == asset
    assert (parsed.destination, parsed.limit, parsed.interval, parsed.quantity) == (
        dest, limit, interval, quantity,
    )  # fmt: skip


def test_affiliates_refund_address_and_chain_names() -> None:
    memo = thorchain.parse_memo(f"=:b:{BTC_DEST}/{BTC_DEST[:-1]}x:0/1/0:t/ej:10/25")
    assert isinstance(memo, thorchain.SwapMemo)
    assert memo.refund_address == BTC_DEST[:-1] + "x"
    assert memo.affiliates == (thorchain.Affiliate("t", 10), thorchain.Affiliate("ej", 25))
    assert memo.asset.chain == "bitcoin"
    assert thorchain.parse_asset("e").chain == "ethereum"
    same_fee = thorchain.parse_memo(f"=:b:{BTC_DEST}::a/b:30")
    assert isinstance(same_fee, thorchain.SwapMemo)
    assert [a.fee_bps for a in same_fee.affiliates] == [30, 30]


def test_out_refund_and_other_memos() -> None:
    out = thorchain.parse_memo("OUT:" + INBOUND[2:].upper())
    assert out == thorchain.OutMemo(INBOUND[2:], refund=False)
    assert thorchain.parse_memo("REFUND:" + INBOUND) == thorchain.OutMemo(INBOUND[2:], True)
    assert thorchain.parse_memo("+:BTC.BTC:" + SENDER) == thorchain.OtherMemo("ADD")


@pytest.mark.parametrize(
    "memo",
    ["", "HELLO:x", "OUT:1234", "OUT:", "=:", "=:BTC.BTC", "=:not an asset:x",
     f"=:b:{BTC_DEST}:abc", f"=:b:{BTC_DEST}:1/2/3/4", f"=:b:{BTC_DEST}:-5",
     f"=:b:{BTC_DEST}::a/b/c:1/2", "=:ETH.USDT-:x"],
)  # fmt: skip
def test_bad_memos_raise_memo_error(memo: str) -> None:
    with pytest.raises(thorchain.MemoError):
        thorchain.parse_memo(memo)


@given(st.text(max_size=80))
def test_any_text_parses_or_raises_memo_error(text: str) -> None:
    with contextlib.suppress(thorchain.MemoError):
        thorchain.parse_memo(text)


@given(
    st.sampled_from(sorted(thorchain.SHORT_ASSETS)),
    st.from_regex(r"[a-z0-9]{10,60}", fullmatch=True),
    st.integers(0, 10**18), st.integers(0, 1000), st.integers(0, 1000),
)  # fmt: skip
def test_swap_memo_fields_round_trip(short: str, dest: str, limit: int, iv: int, qty: int) -> None:
    parsed = thorchain.parse_memo(f"=:{short}:{dest}:{limit}/{iv}/{qty}")
    assert isinstance(parsed, thorchain.SwapMemo)
    assert str(parsed.asset) == thorchain.SHORT_ASSETS[short]
    assert (parsed.destination, parsed.limit, parsed.interval, parsed.quantity) == (
        dest, limit, iv, qty,
    )  # fmt: skip


@given(st.integers(0, 2**256 - 1), st.text(max_size=200))
def test_deposit_event_round_trips(amount: int, memo: str) -> None:
    d = thorchain.decode_deposit(deposit_log(amount, memo))
    assert (d.vault, d.asset, d.amount, d.memo) == (VAULT, thorchain.NATIVE, amount, memo)


def test_malformed_logs_become_bad_logs_not_crashes() -> None:
    good = deposit_log(10**18, f"=:b:{BTC_DEST}")
    truncated = EvmLog("ethereum", INBOUND, 4, 100, ROUTER, good.topics, good.data[:40])
    overrun = EvmLog("ethereum", INBOUND, 5, 100, ROUTER, good.topics,
                     encode_words(1, 64, 10**6))  # fmt: skip
    high_topic = EvmLog("ethereum", INBOUND, 6, 100, ROUTER,
                        (thorchain.DEPOSIT_TOPIC, "0x" + "ff" * 32, topic(VAULT)), good.data)  # fmt: skip
    bad_memo = deposit_log(5, "hello world")
    deps, arrs, bad = registry.decode_logs([good, truncated, overrun, high_topic, bad_memo])
    assert [b.log.log_index for b in bad] == [4, 5, 6]
    assert arrs == []
    assert deps[0].dest_chain == "bitcoin" and deps[0].dest_address == BTC_DEST
    assert deps[0].key == INBOUND[2:] and deps[0].memo_error is None
    assert deps[1].memo_error is not None and deps[1].dest_chain is None


def test_transfer_out_is_an_arrival_naming_its_inbound() -> None:
    data = encode_dynamic([0, 7 * 10**17, ("REFUND:" + INBOUND[2:]).encode()])
    log = EvmLog("ethereum", "0x" + "01" * 32, 0, 120, ROUTER,
                 (thorchain.TRANSFER_OUT_TOPIC, topic(VAULT), topic(SENDER)), data)  # fmt: skip
    _, arrivals, bad = registry.decode_logs([log])
    assert bad == []
    assert arrivals[0].refund and arrivals[0].key == INBOUND[2:]
    assert (arrivals[0].to, arrivals[0].asset, arrivals[0].amount) == (SENDER, None, 7 * 10**17)


def test_wormhole_transfer_names_destination() -> None:
    token = bytes.fromhex("c02aaa39b223fe8d0a0e5c4f27ead9083c756cc2")
    to = bytes.fromhex("ab" * 20)
    payload = wormhole.encode_transfer(123_456_789, token, 2, to, 6)
    bridge = "0x3ee18b2214aff97000d974cf647e7c347e8fa585"
    log = EvmLog("ethereum", INBOUND, 9, 100, "0x98f3c9e6e3face36baad05fe09d375ef1464288b",
                 (wormhole.MESSAGE_TOPIC, topic(bridge)), encode_dynamic([42, 0, payload, 1]))  # fmt: skip
    deps, _, bad = registry.decode_logs([log])
    assert bad == []
    d = deps[0]
    assert (d.bridge, d.dest_chain, d.dest_address, d.amount) == (
        "Wormhole", "avalanche", "0x" + "ab" * 20, 123_456_789,
    )  # fmt: skip
    assert d.receivers == (bridge,) and d.key == "wormhole:42"


def test_uniswap_and_curve_swap_events() -> None:
    pair, router = "0x" + "aa" * 20, "0x" + "bb" * 20
    v2 = EvmLog("ethereum", INBOUND, 1, 1, pair, (swaps.UNISWAP_V2_SWAP, topic(router), topic(SENDER)),
                encode_words(0, 500, 250, 0))  # fmt: skip
    e = swaps.decode_swap(v2)
    assert (e.dex, e.token_in, e.amount_in, e.token_out, e.amount_out, e.recipient) == (
        "uniswap-v2", 1, 500, 0, 250, SENDER,
    )  # fmt: skip
    v3 = EvmLog("ethereum", INBOUND, 2, 1, pair, (swaps.UNISWAP_V3_SWAP, topic(router), topic(SENDER)),
                encode_words(-700, 900, 1, 1, 0))  # fmt: skip
    e3 = swaps.decode_swap(v3)
    assert (e3.token_in, e3.amount_in, e3.amount_out) == (1, 900, 700)
    curve = EvmLog("ethereum", INBOUND, 3, 1, pair, (swaps.CURVE_EXCHANGE, topic(SENDER)),
                   encode_words(1, 1000, 0, 990))  # fmt: skip
    ec = swaps.decode_swap(curve)
    assert (ec.token_in, ec.amount_in, ec.token_out, ec.amount_out) == (1, 1000, 0, 990)
    assert "curve" in swaps.describe(ec)
    with pytest.raises(AbiError):
        swaps.decode_swap(EvmLog("ethereum", INBOUND, 4, 1, pair, (swaps.UNISWAP_V3_SWAP, topic(router), topic(SENDER)), encode_words(5, 5, 1, 1, 0)))  # fmt: skip


@given(st.integers(0, 10**30), st.integers(0, 10**30), st.integers(1, 10**30))
def test_conversion_is_exact_and_never_creates_value(
    received: int, tainted: int, total: int
) -> None:
    c = swaps.convert(received, tainted, total)
    assert 0 <= c.converted <= received
    if tainted > 0 and received > 0:
        assert c.converted * total + c.remainder == received * min(tainted, total)
        assert 0 <= c.remainder < total


def test_op_return_memos_from_hex_and_asm() -> None:
    memo = "OUT:" + INBOUND[2:].upper()
    script = btc_memo.op_return_hex(memo)
    assert script.startswith("6a44")  # 68 bytes: one direct push
    long = memo + ":" + "x" * 20
    assert btc_memo.op_return_hex(long).startswith("6a4c")  # OP_PUSHDATA1
    assert btc_memo.memo_from_hex(btc_memo.op_return_hex(long)) == long
    assert btc_memo.memo_from_hex(script) == memo
    asm = "OP_RETURN " + memo.encode().hex()
    assert btc_memo.memo_from_asm(asm) == memo
    assert btc_memo.output_memo(None, asm) == memo
    assert btc_memo.memo_from_hex("0014" + "00" * 20) is None  # P2WPKH
    assert btc_memo.memo_from_hex("6a04ffff0000") is None  # binary, not text
    assert btc_memo.memo_from_hex("zz") is None
    assert btc_memo.memo_from_hex("6a4c05abcd") is None  # push overruns the script
    assert btc_memo.memo_from_asm("OP_DUP OP_HASH160") is None


@given(st.text(min_size=1, max_size=200).filter(str.isprintable))
def test_op_return_round_trip(memo: str) -> None:
    assert btc_memo.memo_from_hex(btc_memo.op_return_hex(memo)) == memo


def test_midgard_actions() -> None:
    doc = {"actions": [{
        "type": "swap", "status": "success", "date": "1740000000000000000",
        "in": [{"txID": INBOUND[2:].upper(), "address": SENDER, "coins": [{"asset": "ETH.ETH", "amount": "100000000"}]}],
        "out": [{"txID": "AB" * 32, "address": BTC_DEST, "coins": [{"asset": "BTC.BTC", "amount": "271000"}]}],
        "metadata": {"swap": {"memo": f"=:b:{BTC_DEST}"}},
    }]}  # fmt: skip
    (action,) = midgard.parse_actions(doc)
    assert action.inbound[0].tx_id == INBOUND[2:]
    assert action.outbound[0].asset.chain == "bitcoin" and action.outbound[0].amount == 271000
    assert action.memo == f"=:b:{BTC_DEST}"
    with pytest.raises(UserError):
        midgard.parse_actions({"actions": [{"type": "swap", "in": [{"coins": [{"asset": "??"}]}]}]})


def test_ethereum_etl_logs_csv_keeps_known_events_and_reports_malformed(tmp_path: Path) -> None:
    from nkwatch.settings import Settings
    from nkwatch.store import open_store
    from nkwatch.trace.importers import import_files
    from nkwatch.trace.logstore import load_logs

    good = deposit_log(10**18, f"=:b:{BTC_DEST}")
    topics = ",".join(good.topics)
    rows = [
        "log_index,transaction_hash,transaction_index,block_hash,block_number,address,data,topics",
        f'3,{INBOUND},0,0x{"00" * 32},100,{ROUTER},0x{good.data.hex()},"{topics}"',
        f'4,{INBOUND},0,0x{"00" * 32},100,{ROUTER},0xzz,"{topics}"',  # malformed data
        f'5,{INBOUND},0,0x{"00" * 32},100,{ROUTER},0x,"0x{"11" * 32}"',  # unknown event: not kept
    ]
    path = tmp_path / "logs.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    settings = Settings.from_env({"HOME": str(tmp_path)}, db_path=tmp_path / "nk.duckdb")
    with open_store(settings) as store:
        summary = import_files(store, "ethereum-etl", [path])
        logs, bad = load_logs(store, "ethereum")
    assert (summary.read, summary.added) == (3, 2)
    assert [lg.log_index for lg in logs] == [3] and logs[0].topics == good.topics
    assert [(raw.log_index, "not hex" in why) for raw, why in bad] == [(4, True)]
    bad_json = tmp_path / "logs.json"
    bad_json.write_text('{"log_index": 1}\nnot json\n', encoding="utf-8")
    with open_store(settings) as store, pytest.raises(UserError, match="logs.json:2"):
        import_files(store, "ethereum-etl", [bad_json])
