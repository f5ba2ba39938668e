"""Address lookups per second on the full OFAC digital-currency corpus (canonicalise + lookup).

Peers in the same run: a plain dict of the published strings (no canonicalisation: fast,
but misses every re-spelled hit) and a linear case-insensitive scan (what a spreadsheet
filter does). Workload: every listed address in the spelling users paste (as published,
EVM lower/upper case, bech32 upper case, BCH with/without ``bitcoincash:``) plus as many
valid, unlisted addresses of the same chains. Run: ``.venv/bin/python -m bench.address_lookup``.
"""

from __future__ import annotations

import json
import os
import platform
import random
import time
from pathlib import Path

from nkwatch.chains.codecs import base58, bech32
from nkwatch.sanctions.addresses import build_index
from nkwatch.sanctions.model import CryptoAddress, Party, PartyName, Schema

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "sanctions"
CORPUS = SHARED / "ofac_crypto_addresses_2025-12-04"
RESULTS = Path(__file__).resolve().parent / "results" / "address_lookup.json"
LOOKUPS = 200_000
MISSES = 50_000
WALL: list[float] = []


def corpus() -> list[tuple[str, str]]:
    rows = []
    for path in sorted(CORPUS.glob("sanctioned_addresses_*.txt")):
        currency = path.stem.rsplit("_", 1)[1]
        rows += [(currency, a) for a in path.read_text("ascii").splitlines() if a]
    return rows


def respell(currency: str, address: str, rng: random.Random) -> str:
    if address.startswith("0x"):
        return rng.choice([address, address.lower(), "0x" + address[2:].upper()])
    if address.startswith("bc1"):
        return rng.choice([address, address.upper()])
    if currency == "BCH" and address.startswith("q"):
        return rng.choice([address, "bitcoincash:" + address])
    return address


def unlisted(rng: random.Random, n: int) -> list[str]:
    out = []
    for i in range(n):
        body = rng.randbytes(20)
        kind = i % 4
        if kind == 0:
            out.append(base58.encode_check(b"\x00" + body))
        elif kind == 1:
            out.append("0x" + body.hex())
        elif kind == 2:
            out.append(bech32.encode_segwit("bc", 0, body))
        else:
            out.append(base58.encode_check(b"\x41" + body))
    return out


def timed(fn, queries):  # type: ignore[no-untyped-def]
    """CPU seconds of this process (the bench machine is shared; wall time is also kept)."""
    start, wall = time.process_time(), time.perf_counter()
    hits = sum(1 for q in queries if fn(q))
    WALL.append(time.perf_counter() - wall)
    return time.process_time() - start, hits


def main() -> None:
    rng = random.Random(7)
    rows = corpus()
    parties = [
        Party(
            f"ofac-bench-{i}",
            "us_ofac_sdn",
            Schema.ORGANIZATION,
            (PartyName(f"P{i}"),),
            crypto_addresses=(CryptoAddress(c, a),),
        )
        for i, (c, a) in enumerate(rows)
    ]
    t0 = time.perf_counter()
    index = build_index(parties)
    build_s = time.perf_counter() - t0
    listed = [respell(c, a, rng) for c, a in rows]
    listed_set = set(listed)
    hits_q = [respell(*rng.choice(rows), rng) for _ in range(LOOKUPS)]
    miss_q = unlisted(rng, MISSES)  # distinct: no cache can help

    hit_s, hit_n = timed(lambda q: index.lookup(q).hit, hits_q)
    miss_s, miss_n = timed(lambda q: index.lookup(q).hit, miss_q)
    plain = {a for _, a in rows}  # peer 1: dict of published strings, no canonicalisation
    dict_s, dict_n = timed(lambda q: q in plain, hits_q)
    lowered = [a.lower() for _, a in rows]  # peer 2: linear case-insensitive scan
    sample = hits_q[:2_000]
    scan_s, scan_n = timed(lambda q: q.lower().removeprefix("bitcoincash:") in lowered, sample)

    table = [
        ("nkwatch: listed addresses, any spelling", len(hits_q), hit_s, hit_n, len(hits_q)),
        ("nkwatch: unseen valid addresses (full checksum)", len(miss_q), miss_s, miss_n, 0),
        ("peer: plain dict of published strings", len(hits_q), dict_s, dict_n, len(hits_q)),
        ("peer: linear case-insensitive scan", len(sample), scan_s, scan_n, len(sample)),
    ]
    assert listed_set
    print(
        f"corpus: {len(rows)} listed addresses, index built in {build_s * 1000:.0f} ms, "
        f"{len(index.anomalies)} odd listings flagged"
    )
    print(
        f"{'method':50} {'lookups':>8} {'per CPU s':>12} {'per wall s':>12} {'hits':>8} {'expected':>9}"
    )
    results = []
    for (name, n, secs, hits, expected), wall in zip(table, WALL, strict=True):
        rate = n / secs
        print(f"{name:50} {n:8d} {rate:12,.0f} {n / wall:12,.0f} {hits:8d} {expected:9d}")
        results.append(
            {
                "method": name,
                "lookups": n,
                "cpu_seconds": round(secs, 4),
                "wall_seconds": round(wall, 4),
                "per_cpu_second": round(rate),
                "per_wall_second": round(n / wall),
                "hits": hits,
                "expected_hits": expected,
            }
        )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {
                "bench": "address_lookup",
                "corpus_addresses": len(rows),
                "build_ms": round(build_s * 1000),
                "python": platform.python_version(),
                "cpus": os.cpu_count(),
                "results": results,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
