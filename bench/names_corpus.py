"""Name screening against the full bundled OFAC + UN corpus: cross-script recall, false positives, speed.

Three measurements on the real lists (OFAC SDN advanced 2025-11-19 + UN consolidated
2026-02-27, parsed by ``nkwatch.sanctions.parsers``):

* cross-script: every Hangul, Chinese (Hani/Hans/Hant) or Cyrillic name is withheld from the
  index, then screened (no schema given); the party must come back at rank 1 (rank = 1 +
  number of other parties with a strictly higher score). Rate per script.
* false positives: 10,000 Faker names (2,000 each in ko_KR, zh_CN, ru_RU, en_US, ar_AA,
  seed 2026) screened against the full index; share with any candidate >= DEFAULT_THRESHOLD.
* speed: index build time; single-query latency p50/p95 and batch throughput on one core
  over 2,000 queries (1,000 Faker names + 1,000 perturbed list names); nomenklatura
  logic-v2 pairwise throughput on a sample of the same queries against the exact candidate
  names nkwatch scored for them (nomenklatura has no index: this is its cost per query
  given a perfect blocking step, a lower bound of its real cost).

    .venv/bin/python -m bench.names_corpus [--only cross,fp,speed] [--corpus-cache PATH]
"""

from __future__ import annotations

import argparse
import pickle
import random
import statistics
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from bench.names_common import FTM_SCHEMA, load_corpus, nomenklatura_scorer, write_result

from nkwatch.sanctions.model import Party
from nkwatch.sanctions.names import DEFAULT_THRESHOLD, NameIndex, NameQuery, kernel

SCRIPTS = {
    "Hang": "Hangul",
    "Hani": "Chinese",
    "Hans": "Chinese",
    "Hant": "Chinese",
    "Cyrl": "Cyrillic",
}
LOCALES = ("ko_KR", "zh_CN", "ru_RU", "en_US", "ar_AA")


def corpus(cache: Path | None) -> tuple[Party, ...]:
    if cache is not None and cache.exists():
        parties: tuple[Party, ...] = pickle.loads(cache.read_bytes())
        return parties
    parties = load_corpus()
    if cache is not None:
        cache.write_bytes(pickle.dumps(parties))
    return parties


def _rank(results: list[Any], entity_id: str) -> int | None:
    for m in results:
        if m.entity_id == entity_id:
            return 1 + sum(1 for o in results if o.score > m.score)
    return None


def cross_script(parties: tuple[Party, ...]) -> dict[str, Any]:
    withheld: list[tuple[Party, str, str]] = []
    kept: list[Party] = []
    for p in parties:
        names = tuple(n for n in p.names if n.script not in SCRIPTS)
        withheld += [(p, n.value, SCRIPTS[n.script]) for n in p.names if n.script in SCRIPTS]
        if names:
            kept.append(Party(p.entity_id, p.list_id, p.schema, names, p.programs))
    index = NameIndex.build(kept)
    hits: dict[str, list[bool]] = defaultdict(list)
    misses: list[str] = []
    for party, name, script in withheld:
        rank = _rank(index.search(NameQuery(name), limit=10), party.entity_id)
        hits[script].append(rank == 1)
        if rank != 1:
            misses.append(f"{script}: {name} -> {party.entity_id} {party.caption!r} rank {rank}")
    per = {
        s: {"n": len(v), "rank1": sum(v), "rate": round(sum(v) / len(v), 4)}
        for s, v in sorted(hits.items())
    }
    total = [x for v in hits.values() for x in v]
    per["ALL"] = {
        "n": len(total),
        "rank1": sum(total),
        "rate": round(sum(total) / max(1, len(total)), 4),
    }
    print("\nCROSS-SCRIPT (withheld non-Latin names, rank 1 among the remaining Latin names)")
    for s, row in per.items():
        print(f"  {s:<10} {row['rank1']:>5}/{row['n']:<5} {100 * row['rate']:6.2f}%")
    for m in misses[:15]:
        print("   miss:", m)
    return {"per_script": per, "sample_misses": misses}


def faker_names(n_per_locale: int, seed: int = 2026) -> list[tuple[str, str]]:
    try:
        from faker import Faker
    except ImportError as exc:
        raise SystemExit(
            f"faker is missing ({exc}); install it with: .venv/bin/pip install -e '.[bench]'"
        ) from exc
    out = []
    for loc in LOCALES:
        fake = Faker(loc)
        fake.seed_instance(seed)
        out += [(loc, fake.name()) for _ in range(n_per_locale)]
    return out


def false_positives(index: NameIndex) -> dict[str, Any]:
    names = faker_names(2000)
    hits: Counter[str] = Counter()
    examples: list[str] = []
    for loc, name in names:
        top = index.search(NameQuery(name), limit=1)
        if top and top[0].score >= DEFAULT_THRESHOLD:
            hits[loc] += 1
            if len(examples) < 30:
                examples.append(
                    f"{loc}: {name!r} ~ {top[0].matched_name.value!r} ({top[0].entity_id}, {top[0].score:.2f})"
                )
    per = {loc: {"n": 2000, "hits": hits[loc], "rate": hits[loc] / 2000} for loc in LOCALES}
    per["ALL"] = {
        "n": len(names),
        "hits": sum(hits.values()),
        "rate": sum(hits.values()) / len(names),
    }
    print(f"\nFALSE POSITIVES (10,000 Faker names, threshold {DEFAULT_THRESHOLD})")
    for loc, row in per.items():
        print(f"  {loc:<6} {row['hits']:>4}/{row['n']:<6} {100 * row['rate']:6.2f}%")
    for e in examples[:15]:
        print("   hit:", e)
    return {"threshold": DEFAULT_THRESHOLD, "per_locale": per, "sample_hits": examples}


def _perturb(name: str, rng: random.Random) -> str:
    """A list name as a customer might type it: case, order, one typo."""
    words = name.split()
    if len(words) > 1 and rng.random() < 0.3:
        words = words[1:] + words[:1]
    text = " ".join(words)
    if len(text) > 4 and rng.random() < 0.5:
        i = rng.randrange(1, len(text) - 1)
        text = text[:i] + text[i + 1 :]
    return text.lower() if rng.random() < 0.5 else text.upper()


def speed(parties: tuple[Party, ...], nk_sample: int) -> tuple[dict[str, Any], NameIndex]:
    t0, c0 = time.perf_counter(), time.process_time()
    index = NameIndex.build(parties)
    build_s, build_cpu = time.perf_counter() - t0, time.process_time() - c0
    rng = random.Random(7)
    listed = [n.value for p in parties for n in p.names if n.script == "Latn"]
    queries = [n for _, n in faker_names(200)] + [
        _perturb(rng.choice(listed), rng) for _ in range(1000)
    ]
    latencies, cpu_latencies = [], []
    t0, c0 = time.perf_counter(), time.process_time()
    for q in queries:
        t, c = time.perf_counter(), time.process_time()
        index.search(NameQuery(q), limit=10)
        latencies.append(time.perf_counter() - t)
        cpu_latencies.append(time.process_time() - c)
    batch_s, batch_cpu = time.perf_counter() - t0, time.process_time() - c0
    lat, cpu_lat = sorted(latencies), sorted(cpu_latencies)
    ours_qps = len(queries) / batch_cpu
    peer = nomenklatura_scorer()
    sample = rng.sample(queries, nk_sample)
    pairs = 0
    t_nk = 0.0
    for q in sample:
        cands = index.candidate_names(NameQuery(q))
        c = time.process_time()
        for party, name in cands:
            peer("LegalEntity", q, FTM_SCHEMA[party.schema], name.value)
        t_nk += time.process_time() - c
        pairs += len(cands)
    nk_qps = nk_sample / t_nk if t_nk else float("inf")
    result = {
        "parties": len(parties),
        "names": sum(len(p.names) for p in parties),
        "build_seconds_wall": round(build_s, 2),
        "build_seconds_cpu": round(build_cpu, 2),
        "queries": len(queries),
        "p50_ms_wall": round(1000 * statistics.median(lat), 3),
        "p95_ms_wall": round(1000 * lat[int(0.95 * len(lat))], 3),
        "p50_ms_cpu": round(1000 * statistics.median(cpu_lat), 3),
        "p95_ms_cpu": round(1000 * cpu_lat[int(0.95 * len(cpu_lat))], 3),
        "batch_names_per_cpu_second": round(ours_qps, 1),
        "batch_names_per_wall_second": round(len(queries) / batch_s, 1),
        "nomenklatura": {
            "queries": nk_sample,
            "pairs": pairs,
            "queries_per_second": round(nk_qps, 2),
        },
        "speedup": round(ours_qps / nk_qps, 1),
    }
    print("\nSPEED (one process, one core; CPU seconds of this process, wall in brackets)")
    print(
        f"  index build: {build_cpu:.1f} s CPU ({build_s:.1f} s wall), {result['parties']} parties / {result['names']} names"
    )
    print(
        f"  nkwatch:      p50 {result['p50_ms_cpu']} ms (wall {result['p50_ms_wall']}), "
        f"p95 {result['p95_ms_cpu']} ms (wall {result['p95_ms_wall']}), "
        f"{ours_qps:.0f} names/CPU-s ({result['batch_names_per_wall_second']}/wall-s), {len(queries)} queries"
    )
    print(
        f"  nomenklatura: {nk_qps:.2f} queries/CPU-s ({nk_sample} queries, {pairs} pairs, logic-v2 on nkwatch's candidates)"
    )
    print(f"  speed-up: {result['speedup']}x")
    return result, index


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", default="cross,fp,speed", help="comma list of: cross, fp, speed")
    ap.add_argument(
        "--corpus-cache", type=Path, help="pickle of parsed parties (written on first run)"
    )
    ap.add_argument("--nk-sample", type=int, default=60, help="queries timed for nomenklatura")
    args = ap.parse_args()
    only = set(args.only.split(","))
    t0 = time.perf_counter()
    parties = corpus(args.corpus_cache)
    print(f"corpus: {len(parties)} parties parsed/loaded in {time.perf_counter() - t0:.1f} s")
    print(f"name kernel: {kernel.describe()}")
    out: dict[str, Any] = {"threshold": DEFAULT_THRESHOLD, "kernel": kernel.describe()}
    index = None
    if "speed" in only:
        out["speed"], index = speed(parties, args.nk_sample)
    if "fp" in only:
        out["false_positives"] = false_positives(index or NameIndex.build(parties))
    if "cross" in only:
        out["cross_script"] = cross_script(parties)
    print(f"wrote {write_result('names_corpus', out)}")


if __name__ == "__main__":
    main()
