"""The laundering scenario, played as real transactions on a local anvil node.

Actors: an exchange (hot wallet, two forwarder-contract deposit addresses whose sweep is an
internal transfer, one EOA deposit address that sweeps with a plain transaction), a victim
hot wallet contract (``HotVault``) whose owner key is stolen, and fresh launderer addresses
(anvil's ``--auto-impersonate`` lets them send without keys; they hold nothing but proceeds).

The theft drains 1,200 ETH (internal transfer) and 600,000 SUSD (token) to the exploiter,
who splits (one share bounces off a contract that rejects ETH and is refunded: a failed
subcall), peels, swaps tokens for ETH, goes through a fixed-denomination mixer and deposits
at three exchange deposit addresses, which are swept to the hot wallet. Clean users deposit
too, so "everything that reached the exchange" is wrong and the tracer has to be right.

:class:`GroundTruth` records the exact amounts. Every launderer address holds nothing but
proceeds of one path, so what it sends is wholly stolen under any value-conserving policy
(poison, haircut, FIFO), fees included: ``traceable`` is what reaches each deposit address
that way. ``via_swap`` is what arrives as swap proceeds (the stolen tokens stop at the swap,
a DEX endpoint; an address-level taint such as the watch's still sees the depositor as
tainted), ``via_mixer`` what only a mixer break hides, ``clean`` the unrelated deposits, and
``at_services`` what enters the mixer and the swap.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nkwatch.trace.evm.devnode import DevChain
from nkwatch.trace.evm.rpc import to_int

REPO = Path(__file__).resolve().parents[2]
ARTEFACTS = REPO / "contracts" / "build" / "scenario.json"
ETH = 10**18
SUSD = 10**6  # ScenarioToken has 6 decimals, like USDT/USDC


def fresh(n: int) -> str:
    """A deterministic address nobody funded: launderers start from zero."""
    return "0x" + f"{0xBAD000 + n:040x}"


def load_artefacts() -> dict[str, Any]:
    contracts: dict[str, Any] = json.loads(ARTEFACTS.read_text("utf-8"))["contracts"]
    return contracts


@dataclass
class GroundTruth:
    traceable: dict[str, dict[str, int]] = field(default_factory=lambda: defaultdict(dict))
    via_swap: dict[str, dict[str, int]] = field(default_factory=lambda: defaultdict(dict))
    at_services: dict[str, dict[str, int]] = field(default_factory=lambda: defaultdict(dict))
    via_mixer: dict[str, dict[str, int]] = field(default_factory=lambda: defaultdict(dict))
    clean: dict[str, dict[str, int]] = field(default_factory=lambda: defaultdict(dict))

    def add(self, bucket: str, address: str, asset: str, amount: int) -> None:
        book: dict[str, dict[str, int]] = getattr(self, bucket)
        book[address][asset] = book[address].get(asset, 0) + amount

    def tainted_addresses_deposit(self) -> dict[str, dict[str, int]]:
        """What reaches deposits from addresses that received stolen value at all (the
        watch's address-level poison): ``traceable`` plus ``via_swap``."""
        out: dict[str, dict[str, int]] = {a: dict(v) for a, v in self.traceable.items()}
        for address, assets in self.via_swap.items():
            for asset, amount in assets.items():
                out.setdefault(address, {})
                out[address][asset] = out[address].get(asset, 0) + amount
        return out


@dataclass
class Scenario:
    contracts: dict[str, str]
    exchange_hot: str
    deposits: dict[str, str]  # label -> deposit address
    exploiter: str
    launderers: list[str]
    mixer_exit: str
    theft_txs: list[str]
    theft_block: int
    stolen: dict[str, int]
    truth: GroundTruth
    last_block: int = 0
    labels: dict[str, tuple[str, str]] = field(default_factory=dict)  # addr -> (service, category)


EOA_DEPOSIT = fresh(0xD0)


def deploy(chain: DevChain) -> dict[str, Any]:
    """Services and the victim; returns the addresses the laundering needs."""
    acct = chain.accounts()
    deployer, victim_owner, hot = acct[0], acct[1], acct[5]
    token = chain.deploy(deployer, "ScenarioToken", "Scenario USD", "SUSD", 6, 10**9 * SUSD)
    bare = chain.deploy(deployer, "BareToken", 10**24)
    splitter = chain.deploy(deployer, "Splitter")
    rejecter = chain.deploy(deployer, "Rejecter")
    pool = chain.deploy(deployer, "FixedPool", 10 * ETH)
    # 1 SUSD (1e6 base units) buys 0.0005 ETH: eth_out = amount * 5e8
    swap = chain.deploy(deployer, "FixedRateSwap", token, 5 * 10**8, 1, value=5_000 * ETH)
    chain.transact(
        deployer, token, "ScenarioToken", "transfer(address,uint256)", swap, 10**7 * SUSD
    )
    fwd_a = chain.deploy(deployer, "DepositForwarder", hot)
    fwd_b = chain.deploy(deployer, "DepositForwarder", hot)
    vault = chain.deploy(victim_owner, "HotVault", value=2_000 * ETH)
    chain.transact(
        deployer, token, "ScenarioToken", "transfer(address,uint256)", vault, 10**6 * SUSD
    )
    return {
        "acct": acct,
        "deployer": deployer,
        "victim_owner": victim_owner,
        "hot": hot,
        "token": token,
        "bare": bare,
        "splitter": splitter,
        "rejecter": rejecter,
        "pool": pool,
        "swap": swap,
        "fwd_a": fwd_a,
        "fwd_b": fwd_b,
        "vault": vault,
        "eoa_deposit": EOA_DEPOSIT,
    }


def play(chain: DevChain, deployed: dict[str, Any] | None = None) -> Scenario:
    """Deploy (unless ``deployed`` is given), steal, launder, sweep: all mined transactions."""
    c = deployed or deploy(chain)
    acct, hot, token = c["acct"], c["hot"], c["token"]
    eoa_deposit = EOA_DEPOSIT
    exploiter, l1, l2, l3, p1, p2, w1, l4 = (fresh(i) for i in range(1, 9))
    truth = GroundTruth()
    fwd_a, fwd_b, pool = c["fwd_a"], c["fwd_b"], c["pool"]

    # background: clean users use the mixer and the exchange
    for i, user in enumerate(acct[10:13]):
        chain.transact(
            user,
            pool,
            "FixedPool",
            "deposit(bytes32)",
            _note(chain, pool, 0xC1EA0 + i),
            value=10 * ETH,
        )
    chain.send(acct[13], fwd_a, value=5 * ETH)
    truth.add("clean", fwd_a, "ETH", 5 * ETH)

    # the theft: the stolen owner key drains the vault (internal ETH + token transfer)
    vault = c["vault"]
    t1 = chain.transact(
        c["victim_owner"], vault, "HotVault", "withdraw(address,uint256)", exploiter, 1_200 * ETH
    )
    t2 = chain.transact(
        c["victim_owner"],
        vault,
        "HotVault",
        "withdrawToken(address,address,uint256)",
        token,
        exploiter,
        600_000 * SUSD,
    )
    # spam: a metadata-less token airdropped to the exploiter (must be flagged, not followed)
    chain.transact(c["deployer"], c["bare"], "BareToken", "transfer(address,uint256)", exploiter, 7)

    # split: 500 / 300 / (100 bounces off the rejecter and is refunded) / 50
    chain.transact(
        exploiter,
        c["splitter"],
        "Splitter",
        "split(address[],uint256[])",
        [l1, l2, c["rejecter"], l4],
        [500 * ETH, 300 * ETH, 100 * ETH, 50 * ETH],
        value=950 * ETH,
    )
    # peel chain: L1 -> deposit A (20), -> P1 (470); P1 -> deposit B (15), -> P2 (450);
    # P2 -> EOA deposit (30)
    chain.send(l1, fwd_a, value=20 * ETH)
    truth.add("traceable", fwd_a, "ETH", 20 * ETH)
    chain.send(l1, p1, value=470 * ETH)
    chain.send(p1, fwd_b, value=15 * ETH)
    truth.add("traceable", fwd_b, "ETH", 15 * ETH)
    chain.send(p1, p2, value=450 * ETH)
    chain.send(p2, eoa_deposit, value=30 * ETH)
    truth.add("traceable", eoa_deposit, "ETH", 30 * ETH)

    chain.send(l4, eoa_deposit, value=49 * ETH)
    truth.add("traceable", eoa_deposit, "ETH", 49 * ETH)

    # token path: 100k SUSD deposited as is; 500k SUSD sold to the swap for 250 ETH by L3,
    # whose gas comes from a clean "gas station", and the proceeds deposited
    chain.transact(
        exploiter, token, "ScenarioToken", "transfer(address,uint256)", fwd_b, 100_000 * SUSD
    )
    truth.add("traceable", fwd_b, "SUSD", 100_000 * SUSD)
    chain.transact(
        exploiter, token, "ScenarioToken", "transfer(address,uint256)", l3, 500_000 * SUSD
    )
    chain.send(acct[14], l3, value=1 * ETH)
    chain.transact(
        l3, token, "ScenarioToken", "approve(address,uint256)", c["swap"], 500_000 * SUSD
    )
    chain.transact(l3, c["swap"], "FixedRateSwap", "sellToken(uint256)", 500_000 * SUSD)
    truth.add("at_services", c["swap"], "SUSD", 500_000 * SUSD)
    chain.send(l3, fwd_b, value=250 * ETH)
    truth.add("via_swap", fwd_b, "ETH", 250 * ETH)

    # mixer: L2 deposits 3 notes; two are withdrawn to a fresh address that deposits 19 ETH
    for i in range(3):
        chain.transact(
            l2,
            pool,
            "FixedPool",
            "deposit(bytes32)",
            _note(chain, pool, 0xB0B0 + i),
            value=10 * ETH,
        )
    truth.add("at_services", pool, "ETH", 30 * ETH)
    for i in range(2):
        chain.transact(
            acct[20], pool, "FixedPool", "withdraw(bytes32,address)", _secret(0xB0B0 + i), w1
        )
    chain.send(w1, fwd_a, value=19 * ETH)
    truth.add("via_mixer", fwd_a, "ETH", 19 * ETH)

    # the exchange sweeps its deposit addresses to the hot wallet
    chain.transact(acct[0], fwd_a, "DepositForwarder", "sweep()")
    chain.transact(acct[0], fwd_b, "DepositForwarder", "sweep()")
    chain.transact(acct[0], fwd_b, "DepositForwarder", "sweepToken(address)", token)
    gas_reserve = 10**16
    chain.send(eoa_deposit, hot, value=chain.balance(eoa_deposit) - gas_reserve)

    return Scenario(
        contracts={k: v for k, v in c.items() if isinstance(v, str)},
        exchange_hot=hot,
        deposits={"forwarder-a": fwd_a, "forwarder-b": fwd_b, "eoa": eoa_deposit},
        exploiter=exploiter,
        launderers=[l1, l2, l3, p1, p2, l4],
        mixer_exit=w1,
        theft_txs=[str(t1["transactionHash"]), str(t2["transactionHash"])],
        theft_block=to_int(t1["blockNumber"]),
        stolen={"ETH": 1_200 * ETH, "SUSD": 600_000 * SUSD},
        truth=truth,
        last_block=chain.block_number(),
        labels={  # as a label pack knows them: the hot wallet, not each deposit address
            hot: ("Scenario Exchange", "exchange"),
            pool: ("Scenario Mixer", "mixer"),
            c["swap"]: ("Scenario Swap", "dex"),
        },
    )


def _secret(n: int) -> bytes:
    return n.to_bytes(32, "big")


def _note(chain: DevChain, pool: str, n: int) -> bytes:
    """The pool's commitment for secret ``n`` (keccak256, computed by the pool's view)."""
    return bytes.fromhex(chain.read(pool, "FixedPool", "commitmentOf(bytes32)", _secret(n))[2:])
