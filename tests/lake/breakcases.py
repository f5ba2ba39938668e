"""Small ethereum-etl exports built to break a scale-out trace: several transfers in one
block, equal timestamps across blocks and a range boundary, a hub with many senders and
receivers, failed transactions, delegate/static calls and reverted subcalls, token amounts
above 2^128, and a range imported twice."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

USDT = "0xdac17f958d2ee523a2206206994597c13d831ec7"
T0 = 1_700_000_000
ETH = 10**18


# The lake suites' one Spark setting: the engine refuses to reuse a running session whose
# static settings differ, so every module starts its session (and its CLI runs) with these.
SPARK_CONF = {"spark.sql.shuffle.partitions": "4", "spark.driver.memory": "2g"}


def addr(name: str) -> str:
    return "0x" + name.encode().hex().rjust(40, "0")[-40:]


THIEF, A, B, C, HUB, DEP, HOT, MIX, K, Z = (
    addr(n) for n in ("thief", "a", "b", "c", "hub", "dep", "hot", "mix", "contract", "z")
)
LABELS = [
    (HOT, "Exchange X", "exchange"),
    (MIX, "Mixer M", "mixer"),
]


@dataclass
class Chain:
    txs: list[dict[str, object]] = field(default_factory=list)
    traces: list[dict[str, object]] = field(default_factory=list)
    tokens: list[dict[str, object]] = field(default_factory=list)
    blocks: dict[int, int] = field(default_factory=dict)
    per_block: dict[int, int] = field(default_factory=dict)

    def tx(
        self,
        block: int,
        time: int,
        src: str,
        dst: str,
        value: int,
        *,
        status: int = 1,
        gas: int = 21000,
        price: int = 10**9,
    ) -> str:
        n = self.per_block.get(block, 0)
        self.per_block[block] = n + 1
        h = "0x" + f"{block:032x}{n:032x}"
        self.blocks[block] = time
        self.txs.append(
            {
                "hash": h,
                "nonce": 0,
                "block_number": block,
                "transaction_index": n,
                "from_address": src,
                "to_address": dst,
                "value": str(value),
                "gas": gas,
                "gas_price": price,
                "receipt_gas_used": gas,
                "receipt_status": status,
                "receipt_contract_address": "",
            }
        )
        return h

    def trace(
        self,
        tx: str,
        block: int,
        index: int,
        src: str,
        dst: str,
        value: int,
        path: str,
        call_type: str = "call",
        error: str = "",
        status: int = 1,
    ) -> None:
        self.traces.append(
            {
                "block_number": block,
                "transaction_hash": tx,
                "transaction_index": index,
                "from_address": src,
                "to_address": dst,
                "value": str(value),
                "trace_type": "call",
                "call_type": call_type,
                "trace_address": path,
                "error": error,
                "status": status,
            }
        )

    def token(self, tx: str, block: int, log: int, src: str, dst: str, value: int) -> None:
        self.tokens.append(
            {
                "token_address": USDT,
                "from_address": src,
                "to_address": dst,
                "value": str(value),
                "transaction_hash": tx,
                "log_index": log,
                "block_number": block,
            }
        )


def build(extra_hub_senders: int = 60) -> Chain:
    c = Chain()
    c.tx(99_990, T0, Z, THIEF, 100 * ETH)
    for i in range(extra_hub_senders):  # hub-heavy skew: many senders into the hub, many out
        c.tx(99_990, T0, addr(f"u{i}"), HUB, ETH + i)
    t1 = T0 + 12
    c.tx(99_999, t1, THIEF, A, 40 * ETH)  # several transfers of one chain in one block
    c.tx(99_999, t1, THIEF, B, 30 * ETH)
    c.tx(99_999, t1, A, C, 10 * ETH)  # A sends what it got earlier in the same block
    c.tx(99_999, t1, THIEF, C, 5 * ETH, status=0)  # failed: moves nothing, pays its fee
    tok = c.tx(99_999, t1, THIEF, USDT, 0, gas=60000)
    c.token(tok, 99_999, 3, THIEF, A, 2**130 + 12345)  # above 2^128
    c.token(tok, 99_999, 4, A, HUB, 2**129 + 7)
    # block 100_000 starts a new range and has the same timestamp as 99_999
    c.tx(100_000, t1, B, HUB, 20 * ETH)
    for j in range(40):
        c.tx(100_000, t1, HUB, addr(f"v{j}"), ETH // 2 + j)
    c.tx(100_000, t1, C, DEP, 10 * ETH)
    c.tx(100_001, t1 + 12, DEP, HOT, 10 * ETH)  # DEP sweeps to the exchange: a deposit address
    call = c.tx(100_001, t1 + 12, B, K, 9 * ETH, gas=90000)
    c.trace(call, 100_001, c.per_block[100_001] - 1, B, K, 9 * ETH, "")  # top level (the tx itself)
    c.trace(call, 100_001, c.per_block[100_001] - 1, K, MIX, 5 * ETH, "0")  # moves value
    c.trace(
        call,
        100_001,
        c.per_block[100_001] - 1,
        K,
        addr("l"),
        3 * ETH,
        "1",
        call_type="delegatecall",
    )
    c.trace(
        call,
        100_001,
        c.per_block[100_001] - 1,
        K,
        addr("n"),
        2 * ETH,
        "2",
        error="Reverted",
        status=0,
    )
    c.trace(
        call, 100_001, c.per_block[100_001] - 1, K, addr("s"), 1 * ETH, "3", call_type="staticcall"
    )
    c.trace(
        call, 100_001, c.per_block[100_001] - 1, K, addr("p"), 1 * ETH, "0,0"
    )  # nested under [0]
    c.tx(100_002, t1 + 24, addr("p"), HUB, ETH)
    c.tx(100_002, t1 + 24, HUB, MIX, 3 * ETH)
    return c


def write_csv(path: Path, rows: list[dict[str, object]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        w = csv.DictWriter(handle, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    return path


def write_files(c: Chain, folder: Path, only_range: int | None = None) -> list[Path]:
    """ethereum-etl CSV files (blocks, transactions, traces, token_transfers)."""

    def keep(rows: list[dict[str, object]]) -> list[dict[str, object]]:
        return [
            r
            for r in rows
            if only_range is None or int(str(r["block_number"])) // 100_000 == only_range
        ]

    folder.mkdir(parents=True, exist_ok=True)
    blocks = [
        {"number": b, "timestamp": t}
        for b, t in sorted(c.blocks.items())
        if only_range is None or b // 100_000 == only_range
    ]
    out = [write_csv(folder / "blocks.csv", blocks)]
    for name, rows in (
        ("transactions", c.txs),
        ("traces", c.traces),
        ("token_transfers", c.tokens),
    ):
        kept = keep(rows)
        if kept:
            out.append(write_csv(folder / f"{name}.csv", kept))
    return out


def reimported_lake(folder: Path) -> object:
    """The break cases in a lake, with range 1 imported again with one more transfer."""
    from nkwatch.trace.lake.importer import import_files
    from nkwatch.trace.lake.store import Lake

    lake = Lake(folder / "lake")
    chain = build()
    import_files(lake, "ethereum-etl", write_files(chain, folder / "in"))
    chain.tx(100_003, T0 + 99, C, MIX, 10**17)
    import_files(lake, "ethereum-etl", write_files(chain, folder / "again", only_range=1))
    return lake
