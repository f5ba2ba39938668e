"""Watch throughput and alert latency on a local anvil node.

Builds a backlog of blocks with ~TXS transactions each (native transfers among 40 accounts,
ERC-20 transfers, splitter calls whose value moves as internal transfers, and a watched
laundering flow from an incident seed through fresh hops to monitored deposit addresses),
then measures:

* backlog: blocks/s and transactions/s of ``Watcher`` catching up (headers, parity
  ``trace_block`` call traces and Transfer logs in one batch request per chunk, chunks
  prefetched while one is processed, taint, alerts, store writes), with and without
  internal-transfer tracing (without: statuses from root traces, or from receipts on a node
  without trace methods); the
  watcher's own CPU per block (``time.process_time``) and anvil's (``/proc/PID/stat``);
* peer, same node, same blocks: a straightforward per-transaction poller (one
  ``eth_getTransactionReceipt`` and one ``debug_traceTransaction`` request per transaction,
  the loop most hand-written watchers use), on a slice of the backlog;
* live: alert latency from the moment a block is mined to the alert reaching the sink,
  while a miner produces blocks of the same shape (p50 / p99 / max).

Run: ``.venv/bin/python -m bench.watch_blocks [--blocks 200] [--txs 200] [--live 40]
[--repeat 5]`` (the backlog catch-up is repeated; the median run is reported with the spread)
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from nkwatch.exposure.alerts import Alert
from nkwatch.exposure.watch import Watcher
from nkwatch.exposure.watch_config import parse_config
from nkwatch.settings import Settings
from nkwatch.store import open_store
from nkwatch.trace.evm import decode
from nkwatch.trace.evm.devnode import DevChain, encode_args, find_anvil, start_anvil
from nkwatch.trace.evm.rpc import RpcClient, RpcConfig, quantity, to_int

REPO = Path(__file__).resolve().parent.parent
ARTEFACTS = REPO / "contracts" / "build" / "scenario.json"
RESULTS = REPO / "bench" / "results" / "watch_blocks.json"
ETH = 10**18


def fresh(n: int) -> str:
    return "0x" + f"{0xBE0C0000 + n:040x}"


class Load:
    """Fills blocks of a given shape; remembers when each block was mined."""

    def __init__(self, chain: DevChain, txs: int) -> None:
        self.chain, self.txs = chain, txs
        self.acct = chain.accounts()
        a0 = self.acct[0]
        self.token = chain.deploy(a0, "ScenarioToken", "Bench USD", "BUSD", 6, 10**18)
        self.splitter = chain.deploy(a0, "Splitter")
        for a in self.acct[1:]:
            chain.transact(a0, self.token, "ScenarioToken", "transfer(address,uint256)", a, 10**15)
        self.seed = fresh(0)
        self.deposits = [fresh(0xD000 + i) for i in range(3)]
        chain.send(a0, self.seed, value=50_000 * ETH)
        self.transfer_sel = chain.selector("ScenarioToken", "transfer(address,uint256)")
        self.split_sel = chain.selector("Splitter", "split(address[],uint256[])")
        self.hop = 0
        self.mined_at: dict[int, float] = {}
        senders = [*self.acct, self.seed]
        counts = chain.rpc.batch([("eth_getTransactionCount", [a, "latest"]) for a in senders])
        self.nonce = {a: to_int(c) for a, c in zip(senders, counts, strict=True)}
        chain.set_automine(False)

    def _next(self, sender: str) -> str:
        n = self.nonce.get(sender, 0)
        self.nonce[sender] = n + 1
        return quantity(n)

    def _tx(self, i: int, block: int) -> dict[str, Any]:
        n = len(self.acct)
        sender, to = self.acct[(i + block) % n], self.acct[(i * 7 + block + 1) % n]
        kind = i % 10
        tx: dict[str, Any] = {"from": sender, "gas": quantity(200_000), "nonce": self._next(sender)}
        if kind < 6:
            tx.update(to=to, value=quantity(10**15 + i))
        elif kind < 9:
            tx.update(to=self.token, data=self.transfer_sel + encode_args([to, 1000 + i]))
        else:
            other = self.acct[(i * 3 + block) % n]
            data = self.split_sel + encode_args([[to, other], [10**14, 2 * 10**14]])
            tx.update(to=self.splitter, value=quantity(3 * 10**14), data=data)
        return tx

    def block(self, number: int, launder: bool) -> None:
        calls: list[tuple[str, list[Any]]] = [
            ("eth_sendTransaction", [self._tx(i, number)]) for i in range(self.txs)
        ]
        if launder:  # seed -> fresh hop (a mined block later) -> a deposit address
            hop = fresh(1 + self.hop)
            calls.append(
                (
                    "eth_sendTransaction",
                    [{"from": self.seed, "to": hop, "value": quantity(10 * ETH)}],
                )
            )
            self.hop += 1
        if launder and self.hop > 1:
            prev = fresh(self.hop - 1)
            dep = self.deposits[self.hop % len(self.deposits)]
            calls.append(
                (
                    "eth_sendTransaction",
                    [
                        {
                            "from": prev,
                            "to": dep,
                            "value": quantity(9 * ETH),
                            "nonce": self._next(prev),
                        }
                    ],
                )
            )
        self.chain.rpc.batch(calls)
        self.chain.mine(1)
        self.mined_at[self.chain.block_number()] = time.time()


class Collector:
    name = "collector"

    def __init__(self) -> None:
        self.got: list[tuple[Alert, float]] = []

    def emit(self, alert: Alert) -> None:
        self.got.append((alert, time.time()))


def watch_config(load: Load, start: int, internal: bool, name: str) -> Any:
    return parse_config(
        {
            "name": name,
            "start_block": start,
            "poll_interval_s": 0.05,
            "max_blocks_per_step": 50,
            "internal_transfers": internal,
            "incidents": [{"id": "bench", "seeds": [load.seed]}],
            "deposits": [{"address": d} for d in load.deposits],
            "sinks": {"stdout": False, "audit": False},
        },
        "bench",
    )


def node_cpu_s(pid: int) -> float:
    """User + system CPU seconds the node process has used so far (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


MODES = {
    "traces": "nkwatch watch (with call traces)",
    "roots": "nkwatch watch, internal_transfers false (root traces give statuses)",
    "receipts": "nkwatch watch, internal_transfers false, node without traces (receipts)",
}


def run_backlog(url: str, pid: int, load: Load, first: int, last: int, mode: str) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp, RpcClient(RpcConfig(url, timeout_s=120)) as rpc:
        store = open_store(Settings.from_env({}, db_path=Path(tmp) / "w.duckdb"))
        sink = Collector()
        config = watch_config(load, first, mode == "traces", "bench")
        w = Watcher(store, rpc, config, [sink], log=lambda m: None)
        if mode == "receipts":
            w.fetcher.tracer = None  # as on a node that offers neither trace method
        t0, c0, n0 = time.perf_counter(), time.process_time(), node_cpu_s(pid)
        while w.step():
            pass
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        node_cpu = node_cpu_s(pid) - n0
        w.close()
        store.close()
    blocks = last - first + 1
    return {
        "mode": MODES[mode],
        "blocks": blocks,
        "wall_s": round(wall, 3),
        "cpu_s": round(
            cpu, 3
        ),  # the watcher's own CPU (decode, taint, store); the rest is the node
        "cpu_ms_per_block": round(1000 * cpu / blocks, 2),
        "node_cpu_ms_per_block": round(1000 * node_cpu / blocks, 2),
        "blocks_per_s": round(blocks / wall, 1),
        "txs_per_s": round(blocks * (load.txs) / wall),
        "alerts": len(sink.got),
        "deposit_alerts": sum(1 for a, _ in sink.got if a.kind == "deposit"),
    }


def median_run(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The run with the median wall time, and the spread of all runs (the machine is shared:
    one run can land on a busy second)."""
    ordered = sorted(runs, key=lambda r: r["wall_s"])
    mid = dict(ordered[len(ordered) // 2])
    mid["runs"] = len(runs)
    mid["blocks_per_s_all"] = [r["blocks_per_s"] for r in runs]
    mid["cpu_ms_per_block_all"] = [r["cpu_ms_per_block"] for r in runs]
    mid["node_cpu_ms_per_block_all"] = [r["node_cpu_ms_per_block"] for r in runs]
    return mid


def run_naive(url: str, first: int, last: int) -> dict[str, Any]:
    """The peer: one request per transaction for its receipt and its call trace."""
    with RpcClient(RpcConfig(url, timeout_s=120)) as rpc:
        t0 = time.perf_counter()
        moved = 0
        for n in range(first, last + 1):
            block = rpc.call("eth_getBlockByNumber", [quantity(n), True])
            for tx in block["transactions"]:
                receipt = rpc.call("eth_getTransactionReceipt", [tx["hash"]])
                frame = rpc.call("debug_traceTransaction", [tx["hash"], {"tracer": "callTracer"}])
                ts = decode.header(block).timestamp
                moved += len(decode.internal_transfers("ethereum", tx["hash"], frame, n, ts))
                moved += to_int(receipt["status"])
        wall = time.perf_counter() - t0
    blocks = last - first + 1
    return {
        "mode": "peer: per-transaction poller",
        "blocks": blocks,
        "wall_s": round(wall, 3),
        "blocks_per_s": round(blocks / wall, 1),
    }


def run_live(url: str, load: Load, blocks: int, interval: float) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp, RpcClient(RpcConfig(url, timeout_s=120)) as rpc:
        store = open_store(Settings.from_env({}, db_path=Path(tmp) / "live.duckdb"))
        start = load.chain.block_number() + 1
        sink = Collector()
        w = Watcher(store, rpc, watch_config(load, start, True, "live"), [sink], log=lambda m: None)
        stop = threading.Event()
        thread = threading.Thread(target=w.run, args=(stop,))
        thread.start()
        for i in range(blocks):
            load.block(start + i, launder=True)
            time.sleep(interval)
        deadline = time.time() + 30
        while (w.position or 0) < load.chain.block_number() and time.time() < deadline:
            time.sleep(0.05)
        stop.set()
        thread.join()  # run() closes the watcher's prefetch threads
        store.close()
    lat = sorted(arrived - load.mined_at[a.block] for a, arrived in sink.got if a.kind == "deposit")
    q = statistics.quantiles(lat, n=100, method="inclusive") if len(lat) >= 2 else lat * 99
    return {
        "mode": f"live: {blocks} blocks, one every {interval:.2f} s + mining time",
        "deposit_alerts": len(lat),
        "latency_p50_s": round(statistics.median(lat), 3),
        "latency_p99_s": round(q[98], 3),
        "latency_max_s": round(lat[-1], 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--blocks", type=int, default=200)
    parser.add_argument("--txs", type=int, default=200)
    parser.add_argument("--naive-blocks", type=int, default=10)
    parser.add_argument("--live", type=int, default=40)
    parser.add_argument("--interval", type=float, default=0.25)
    parser.add_argument("--repeat", type=int, default=5, help="backlog runs (median shown)")
    args = parser.parse_args()
    node = start_anvil(find_anvil(REPO), accounts=40, extra=["--gas-limit", "100000000"])
    pid = node.process.pid
    try:
        with RpcClient(RpcConfig(node.url, timeout_s=120)) as rpc:
            chain = DevChain(rpc, json.loads(ARTEFACTS.read_text())["contracts"])
            load = Load(chain, args.txs)
            first = chain.block_number() + 1
            t0 = time.perf_counter()
            for i in range(args.blocks):
                load.block(first + i, launder=i % 5 == 0)
            last = chain.block_number()
            build_s = time.perf_counter() - t0
            load_before = os.getloadavg()
            runs = [
                run_backlog(node.url, pid, load, first, last, "traces") for _ in range(args.repeat)
            ]
            rows = [
                median_run(runs),
                run_backlog(node.url, pid, load, first, last, "roots"),
                run_backlog(node.url, pid, load, first, last, "receipts"),
                run_naive(node.url, first, first + args.naive_blocks - 1),
            ]
            live = run_live(node.url, load, args.live, args.interval)
            load_after = os.getloadavg()
    finally:
        node.stop()
    print(f"backlog: {args.blocks} blocks x {args.txs} txs, built in {build_s:.1f} s")
    print(
        f"{'mode':<72} {'blocks':>6} {'wall s':>8} {'blocks/s':>9} {'txs/s':>8}"
        f" {'cpu ms/block':>12} {'node ms/block':>13} {'alerts':>7}"
    )
    for r in rows:
        txs = r.get("txs_per_s", round(r["blocks"] * args.txs / r["wall_s"]))
        print(
            f"{r['mode']:<72} {r['blocks']:>6} {r['wall_s']:>8} {r['blocks_per_s']:>9} {txs:>8}"
            f" {r.get('cpu_ms_per_block', '-'):>12} {r.get('node_cpu_ms_per_block', '-'):>13}"
            f" {r.get('alerts', '-'):>7}"
        )
    print(
        f"{live['mode']}: {live['deposit_alerts']} deposit alerts, latency p50 "
        f"{live['latency_p50_s']} s, p99 {live['latency_p99_s']} s, max {live['latency_max_s']} s"
    )
    spread = rows[0]["blocks_per_s_all"]
    print(f"with call traces, {len(spread)} runs: blocks/s {sorted(spread)}")
    print(f"load average before {load_before[0]:.2f}, after {load_after[0]:.2f}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {
                "date": time.strftime("%Y-%m-%d"),
                "machine": f"{platform.machine()} Python {platform.python_version()}",
                "anvil": str(find_anvil(REPO)),
                "blocks": args.blocks,
                "txs_per_block": args.txs,
                "build_s": round(build_s, 1),
                "load_average_1min": [round(load_before[0], 2), round(load_after[0], 2)],
                "backlog": rows,
                "live": live,
            },
            indent=2,
        )
        + "\n"
    )


if __name__ == "__main__":
    main()
