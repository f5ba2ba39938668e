"""The cross-chain laundering scenario, played as real transactions on anvil: theft of tokens
and some ETH, a swap at a Uniswap-V2-style pair (real ``Swap`` event), THORChain router
deposits (real ``Deposit`` event) — one bridged to Bitcoin, one refunded through the
router's ``TransferOut`` — and the Bitcoin side as bitcoin-etl lines whose OP_RETURN
carries ``OUT:<the real inbound hash>``."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from tests.scenarios.bitcoind import Chain, Out, Tx
from tests.scenarios.player import fresh

from nkwatch.trace.bridges.btc_memo import op_return_hex
from nkwatch.trace.evm.devnode import DevChain
from nkwatch.trace.evm.rpc import to_int

ETH = 10**18
SUSD = 10**6
BTC_DEST = "bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh"
BTC_VAULT = "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"
BTC_EXCHANGE = "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy"
BTC_CHANGE = "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2"
OUT_SATS = 123_456_789  # THORChain's outbound to the launderer's Bitcoin address
DEPOSITED_SATS = 120_000_000  # what the launderer deposits at the exchange


@dataclass
class CrossScenario:
    token: str
    pair: str
    router: str
    vault: str
    thief: str
    theft_txs: list[str]
    swap_tx: str
    deposit_tx: str
    refund_deposit_tx: str
    refund_tx: str
    swapped_eth: int
    bridged_eth: int
    refunded_eth: int
    last_block: int


def play_crosschain(chain: DevChain) -> CrossScenario:
    acct = chain.accounts()
    deployer, victim = acct[0], acct[1]
    thief = fresh(0xC0)
    token = chain.deploy(deployer, "ScenarioToken", "Scenario USD", "SUSD", 6, 10**9 * SUSD)
    pair = chain.deploy(deployer, "PairV2", token, value=1_000 * ETH)
    chain.transact(
        deployer, token, "ScenarioToken", "transfer(address,uint256)", pair, 2_000_000 * SUSD
    )
    chain.transact(deployer, pair, "PairV2", "sync(uint256)", 2_000_000 * SUSD)
    router = chain.deploy(deployer, "ThorRouter")
    vault = chain.deploy(deployer, "VaultSink")
    chain.transact(
        deployer, token, "ScenarioToken", "transfer(address,uint256)", victim, 600_000 * SUSD
    )
    # the theft: tokens and 2 ETH (the thief's gas is stolen too, so every amount it sends is
    # wholly stolen under any policy)
    t1 = chain.transact(
        victim, token, "ScenarioToken", "transfer(address,uint256)", thief, 600_000 * SUSD
    )
    t2 = chain.send(victim, thief, value=2 * ETH)
    chain.transact(thief, token, "ScenarioToken", "approve(address,uint256)", pair, 600_000 * SUSD)
    before = chain.balance(thief)
    swap = chain.transact(thief, pair, "PairV2", "swapTokenForNative(uint256,uint256,address)",
                          600_000 * SUSD, 0, thief)  # fmt: skip
    swapped = chain.balance(thief) - before + _fee(swap)
    bridged, refunded_in = 150 * ETH, 50 * ETH
    memo = f"=:b:{BTC_DEST}:0/1/0"
    dep = chain.transact(thief, router, "ThorRouter",
                         "depositWithExpiry(address,address,uint256,string,uint256)",
                         vault, "0x" + "0" * 40, bridged, memo, 2**40, value=bridged)  # fmt: skip
    dep2 = chain.transact(thief, router, "ThorRouter",
                          "depositWithExpiry(address,address,uint256,string,uint256)",
                          vault, "0x" + "0" * 40, refunded_in, f"=:BTC.BTC:{BTC_DEST}:10000000000",
                          2**40, value=refunded_in)  # fmt: skip
    refunded = 49 * ETH + 5 * 10**17
    ref = chain.transact(deployer, vault, "VaultSink", "refund(address,address,uint256,string)",
                         router, thief, refunded, "REFUND:" + str(dep2["transactionHash"])[2:].upper())  # fmt: skip
    return CrossScenario(
        token, pair, router, vault, thief, [str(t1["transactionHash"]), str(t2["transactionHash"])],
        str(swap["transactionHash"]), str(dep["transactionHash"]), str(dep2["transactionHash"]),
        str(ref["transactionHash"]), swapped, bridged, refunded, chain.block_number(),
    )  # fmt: skip


def _fee(receipt: dict[str, object]) -> int:
    return to_int(str(receipt["gasUsed"])) * to_int(str(receipt["effectiveGasPrice"]))


def write_bitcoin_side(path: Path, scenario: CrossScenario) -> Path:
    """bitcoin-etl lines: the vault's funding, THORChain's outbound with the OUT: memo naming
    the real inbound, the launderer's deposit at the exchange, and a forged OUT: memo."""

    def tx(n: int, ins: list[tuple[str, int, str, int]], outs: list[tuple[str | None, int, str | None]]) -> dict[str, object]:  # fmt: skip
        return {"hash": f"{0xC0FFEE00 + n:064x}", "block_number": 900_000 + n,
                "block_timestamp": 1_900_000_000 + 600 * n, "is_coinbase": not ins,
                "inputs": [{"spent_transaction_hash": p, "spent_output_index": i, "addresses": [a], "value": v}
                           for p, i, a, v in ins],
                "outputs": [{"index": i, "addresses": [a] if a else [], "value": v,
                             **({"script_asm": "OP_RETURN " + op_return_hex(m)[4:]} if m else {})}
                            for i, (a, v, m) in enumerate(outs)]}  # fmt: skip

    fund = f"{0xC0FFEE00 + 1:064x}"
    out = f"{0xC0FFEE00 + 2:064x}"
    rows = [
        tx(1, [], [(BTC_VAULT, 50 * 10**8, None)]),
        tx(2, [(fund, 0, BTC_VAULT, 50 * 10**8)],
           [(BTC_DEST, OUT_SATS, None), (None, 0, "OUT:" + scenario.deposit_tx[2:].upper()),
            (BTC_VAULT, 50 * 10**8 - OUT_SATS - 10_000, None)]),
        tx(3, [(out, 0, BTC_DEST, OUT_SATS)],
           [(BTC_EXCHANGE, DEPOSITED_SATS, None), (BTC_CHANGE, OUT_SATS - DEPOSITED_SATS - 5_000, None)]),
        tx(4, [(out, 2, BTC_VAULT, 50 * 10**8 - OUT_SATS - 10_000)],
           [(BTC_CHANGE, 10_000, None), (None, 0, "OUT:" + "ab" * 32), (BTC_VAULT, 10_000, None)]),
    ]  # fmt: skip
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def bitcoin_node_chain(scenario: CrossScenario, departed: int) -> Chain:
    """The same Bitcoin side as mined blocks of a scripted Bitcoin Core node, around the
    time the deposit was mined (``departed``, Unix seconds)."""
    chain = Chain(start=departed - 6 * 3600)
    chain.pad_to(30)
    fund, out = f"{0xC0FFEE00 + 1:064x}", f"{0xC0FFEE00 + 2:064x}"
    change = 50 * 10**8 - OUT_SATS - 10_000
    chain.mine(Tx(fund, ((chain.blocks[3][0].txid, 0),), (Out(BTC_VAULT, 50 * 10**8),)))
    chain.mine(Tx(out, ((fund, 0),), (Out(BTC_DEST, OUT_SATS),
                  Out(None, 0, "OUT:" + scenario.deposit_tx[2:].upper()), Out(BTC_VAULT, change))))  # fmt: skip
    chain.mine(Tx(f"{0xC0FFEE00 + 3:064x}", ((out, 0),), (Out(BTC_EXCHANGE, DEPOSITED_SATS),
                  Out(BTC_CHANGE, OUT_SATS - DEPOSITED_SATS - 5_000))))  # fmt: skip
    chain.pad_to(40)
    return chain
