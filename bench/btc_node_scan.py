"""Bitcoin Core node scan bench (issue #13, ``--rpc bitcoin=URL``): what one forward pass
over verbose blocks costs, through the real client, over loopback HTTP.

Data: ``--blocks`` blocks of ``--txs`` transactions each (2 inputs with their spent outputs,
2 outputs: the shape of ``getblock <hash> 3``), about 1 kB of JSON per transaction like a
mainnet block; THORChain's outbound naming the departure in the first block and a peel
chain of one followed spend per block after it. A loopback server answers the node's calls
from pre-encoded answers (its own cost is a dictionary look-up and a socket write).

* scan: ``bitcoind.scan_outbounds`` from the departure over every block, as the trace does;
* decode: the same blocks' JSON decoded and every transaction converted (``wire``)
  in-process, no HTTP: what a scan would cost if it converted everything.

Median of rounds; blocks/s, MB/s, and the week of blocks (1,008) this rate implies.

    .venv/bin/python -m bench.btc_node_scan [--blocks 40] [--txs 2500] [--rounds 3]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import threading
import time
from datetime import UTC, datetime
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import msgspec

from nkwatch.trace.bitcoind import BitcoinNode, ScanLimits, Wanted, scan_outbounds, wire
from nkwatch.trace.bridges.btc_memo import op_return_hex

RESULTS = Path(__file__).parent / "results" / "btc_node_scan.json"
START = 1_740_000_000
INBOUND = "ab" * 32
DEST = "bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh"
_ENCODE = msgspec.json.Encoder(decimal_format="number").encode


def _btc(sats: int) -> Decimal:
    return Decimal(sats).scaleb(-8).quantize(Decimal("0.00000001"))


def _out(n: int, sats: int, address: str | None, memo: str | None = None) -> dict[str, Any]:
    spk: dict[str, str | None]
    if memo is not None:
        script = op_return_hex(memo)
        spk = {"asm": "OP_RETURN " + script[4:], "hex": script, "type": "nulldata"}
    else:
        spk = {"asm": "0 " + "11" * 20, "hex": "0014" + "11" * 20, "type": "witness_v0_keyhash",
               "address": address}  # fmt: skip
    return {"value": _btc(sats), "n": n, "scriptPubKey": spk}


def _tx(txid: str, ins: list[tuple[str, int, int]], outs: list[dict[str, Any]]) -> dict[str, Any]:
    vin = [{"txid": p, "vout": n, "scriptSig": {"asm": "", "hex": ""},
            "txinwitness": ["30" * 71, "02" + "33" * 32], "sequence": 4294967293,
            "prevout": {"generated": False, "height": 1, "value": _btc(v),
                        "scriptPubKey": _out(0, v, f"bc1q{'p' * 38}")["scriptPubKey"]}}
           for p, n, v in ins]  # fmt: skip
    return {"txid": txid, "hash": txid, "version": 2, "size": 370, "vsize": 208, "weight": 832,
            "locktime": 0, "vin": vin, "vout": outs, "fee": _btc(1_000)}  # fmt: skip


def _blocks(n_blocks: int, n_txs: int) -> list[bytes]:
    """Verbose blocks as the node would send them (the peel chain's link is the 2nd tx)."""
    out = []
    prev = ("00" * 32, 0, 0)
    for h in range(n_blocks):
        txs = []
        for i in range(n_txs):
            txid = f"{h:08x}{i:056x}"
            txs.append(_tx(txid, [(f"{(h * n_txs + i) % 97:064x}", 0, 50_000), ("cd" * 32, i, 60_000)],
                           [_out(0, 70_000, f"bc1q{i:038d}"[:42]), _out(1, 39_000, f"bc1q{h:038d}"[:42])]))  # fmt: skip
        link = f"{h:08x}{'f' * 56}"
        if h == 0:  # THORChain's outbound naming the departure
            txs.insert(1, _tx(link, [("ee" * 32, 0, 10**9)],
                              [_out(0, 150_000_000, DEST), _out(1, 0, None, f"OUT:{INBOUND.upper()}")]))  # fmt: skip
        else:  # the launderer peels: one followed output spent per block
            txs.insert(1, _tx(link, [prev], [_out(0, prev[2] - 100_000, DEST), _out(1, 50_000, f"bc1q{'z' * 38}")]))  # fmt: skip
        prev = (link, 0, 150_000_000 if h == 0 else prev[2] - 100_000)
        block = {"hash": f"{h:064x}", "confirmations": n_blocks - h, "height": h,
                 "time": START + 600 * h, "mediantime": START + 600 * h - 3000, "nTx": len(txs),
                 "tx": txs}  # fmt: skip
        out.append(_ENCODE(block))
    return out


class _Node:
    def __init__(self, blocks: list[bytes]) -> None:
        self.blocks = blocks
        me = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def do_POST(self) -> None:
                calls = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                body = b"[" + b",".join(me.answer(c) for c in calls) + b"]"
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def answer(self, call: dict[str, Any]) -> bytes:
        method, params = call["method"], call["params"]
        tip = len(self.blocks) - 1
        if method == "getblock":
            result = self.blocks[int(params[0], 16)]
        elif method == "getblockhash":
            result = json.dumps(f"{params[0]:064x}").encode()
        elif method == "getblockheader":
            h = int(params[0], 16)
            result = json.dumps({"hash": params[0], "height": h, "time": START + 600 * h,
                                 "mediantime": START + 600 * h - 3000}).encode()  # fmt: skip
        else:
            result = json.dumps({"chain": "main", "blocks": tip}).encode()
        return b'{"result":' + result + b',"error":null,"id":' + str(call["id"]).encode() + b"}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def _scan(url: str, n_blocks: int) -> int:
    with BitcoinNode(url, "bitcoin") as node:
        found = scan_outbounds(node, [Wanted(INBOUND, DEST, datetime.fromtimestamp(START, UTC))],
                               ScanLimits(window=n_blocks, max_hops=10**6), lambda a: False)  # fmt: skip
    return len(found.txs)


def _decode(blocks: list[bytes]) -> int:
    n = 0
    for raw in blocks:
        b = wire.BLOCK.decode(raw)
        n += len([wire.to_utxo_tx("bitcoin", t, b.height, b.time, "bench") for t in b.tx])
    return n


def _median(fn: Any, rounds: int) -> tuple[float, Any]:
    times, got = [], None
    for _ in range(rounds):
        t0 = time.perf_counter()
        got = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), got


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--blocks", type=int, default=40)
    ap.add_argument("--txs", type=int, default=2500)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    blocks = _blocks(args.blocks, args.txs)
    mb = sum(len(b) for b in blocks) / 1e6
    node = _Node(blocks)
    try:
        scan_s, kept = _median(lambda: _scan(node.url, args.blocks), args.rounds)
    finally:
        node.close()
    decode_s, txs = _median(lambda: _decode(blocks), args.rounds)
    assert kept == args.blocks, kept  # the outbound and one peel per later block
    result = {
        "blocks": args.blocks, "txs_per_block": args.txs + 1, "json_mb": round(mb, 1),
        "mb_per_block": round(mb / args.blocks, 2), "rounds": args.rounds,
        "scan_s": round(scan_s, 3), "scan_blocks_per_s": round(args.blocks / scan_s, 2),
        "scan_mb_per_s": round(mb / scan_s, 1), "decode_s": round(decode_s, 3),
        "decode_share": round(decode_s / scan_s, 2), "kept_txs": kept, "decoded_txs": txs,
        "week_1008_blocks_s": round(1008 * scan_s / args.blocks, 0),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }  # fmt: skip
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
