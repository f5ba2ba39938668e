"""Name screening against the full bundled OFAC + UN corpus: cross-script recall, false positives, speed.

Three measurements on the real lists (OFAC SDN advanced 2025-11-19 + UN consolidated
2026-02-27, parsed by ``nkwatch.sanctions.parsers``):

* cross-script: every Hangul, Chinese (Hani/Hans/Hant) or Cyrillic name is withheld from the
  index, then screened (no schema given); the party must come back at rank 1 (rank = 1 +
  number of other parties with a strictly higher score). Rate per script. The Hanja
  renderings of DPRK-programme persons and entities in ``bench/data/names_hanja.tsv`` (and
  their simplified forms) are screened the same way, as the script "Hanja".
* false positives: 10,000 Faker names (2,000 each in ko_KR, zh_CN, ru_RU, en_US, ar_AA,
  seed 2026) screened against the full index; share with any candidate >= DEFAULT_THRESHOLD.
* speed: index build time; single-query latency p50/p95 and batch throughput on one core
  over 2,000 queries (1,000 Faker names + 1,000 perturbed list names); nomenklatura
  logic-v2 pairwise throughput on a sample of the same queries against the exact candidate
  names nkwatch scored for them (nomenklatura has no index: this is its cost per query
  given a perfect blocking step, a lower bound of its real cost). Both are timed in each of
  ``--rounds`` rounds (a fresh index each time); medians are reported.

    .venv/bin/python -m bench.names_corpus [--only cross,fp,speed] [--corpus-cache PATH] [--rounds N]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import multiprocessing
import os
import pickle
import random
import statistics
import time
from collections import Counter, defaultdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.names_common import (
    FTM_SCHEMA,
    RESULTS,
    load_corpus,
    nomenklatura_scorer,
    perturb,
    rank_of,
    write_result,
)

from nkwatch.sanctions.model import Party
from nkwatch.sanctions.names import DEFAULT_THRESHOLD, NameIndex, NameQuery, kernel
from nkwatch.sanctions.names.normalize import analyze
from nkwatch.sanctions.names.variants import phonetic_key

SCRIPTS = {
    "Hang": "Hangul",
    "Hani": "Chinese",
    "Hans": "Chinese",
    "Hant": "Chinese",
    "Cyrl": "Cyrillic",
}
LOCALES = ("ko_KR", "zh_CN", "ru_RU", "en_US", "ar_AA")
HANJA = Path(__file__).resolve().parent / "data" / "names_hanja.tsv"


def corpus(cache: Path | None) -> tuple[Party, ...]:
    if cache is not None and cache.exists():
        parties: tuple[Party, ...] = pickle.loads(cache.read_bytes())
        return parties
    parties = load_corpus()
    if cache is not None:
        cache.write_bytes(pickle.dumps(parties))
    return parties


def hanja_renderings(parties: tuple[Party, ...]) -> list[tuple[Party, str, str]]:
    """``bench/data/names_hanja.tsv`` (how it was written: its header), each rendering in its
    traditional form and, where it differs, its simplified one; ids and names checked."""
    from opencc import OpenCC

    by_id = {p.entity_id: p for p in parties}
    simplify = OpenCC("t2s")
    out: list[tuple[Party, str, str]] = []
    for line in HANJA.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        hanja, entity_id, listed, _source = line.split("\t")
        party = by_id.get(entity_id)
        if party is None or listed not in {n.value for n in party.names}:
            raise SystemExit(f"{HANJA.name}: {entity_id} is not listed as {listed!r}")
        forms = dict.fromkeys((hanja, str(simplify.convert(hanja))))
        out += [(party, form, "Hanja") for form in forms]
    return out


def cross_script(parties: tuple[Party, ...]) -> dict[str, Any]:
    withheld: list[tuple[Party, str, str]] = []
    kept: list[Party] = []
    for p in parties:
        names = tuple(n for n in p.names if n.script not in SCRIPTS)
        withheld += [(p, n.value, SCRIPTS[n.script]) for n in p.names if n.script in SCRIPTS]
        if names:
            kept.append(dataclasses.replace(p, names=names))
    withheld += hanja_renderings(parties)
    index = NameIndex.build(kept)
    hits: dict[str, list[bool]] = defaultdict(list)
    misses: list[str] = []
    for party, name, script in withheld:
        rank = rank_of(index.search(NameQuery(name), limit=10), party.entity_id)
        hits[script].append(rank == 1)
        if rank != 1:
            misses.append(f"{script}: {name} -> {party.entity_id} {party.caption!r} rank {rank}")
    per = {
        s: {"n": len(v), "rank1": sum(v), "rate": round(sum(v) / len(v), 4)}
        for s, v in sorted(hits.items())
    }
    for label, scripts in (("ALL", set(hits)), ("LISTS", set(hits) - {"Hanja"})):
        total = [x for s in scripts for x in hits[s]]
        per[label] = {
            "n": len(total),
            "rank1": sum(total),
            "rate": round(sum(total) / max(1, len(total)), 4),
        }
    print("\nCROSS-SCRIPT (withheld non-Latin names, rank 1 among the remaining Latin names)")
    for s, row in per.items():
        print(f"  {s:<10} {row['rank1']:>5}/{row['n']:<5} {100 * row['rate']:6.2f}%")
    print("  (LISTS: the lists' own non-Latin names; Hanja: bench/data/names_hanja.tsv)")
    for m in misses[:15] + [m for m in misses if m.startswith("Hanja")]:
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


def _fresh_index(parties: tuple[Party, ...]) -> tuple[NameIndex, float, float]:
    """A new index with the per-name caches emptied, as a freshly started process has them."""
    analyze.cache_clear()
    phonetic_key.cache_clear()
    t0, c0 = time.perf_counter(), time.process_time()
    index = NameIndex.build(parties)
    return index, time.perf_counter() - t0, time.process_time() - c0


def _time_nomenklatura(pairs: list[tuple[str, str, str]]) -> float:
    """CPU seconds logic-v2 spends on (query, candidate schema, candidate name) pairs.

    Runs in a freshly spawned process each round: nomenklatura memoises name analysis, so a
    second pass over the same names in one process would time its caches, not its matcher.
    """
    peer = nomenklatura_scorer()
    c = time.process_time()
    for q, schema, name in pairs:
        peer("LegalEntity", q, schema, name)
    return time.process_time() - c


def _nomenklatura_pairs(index: NameIndex, sample: list[str]) -> list[tuple[str, str, str]]:
    """For each sampled query, exactly the candidate names nkwatch scored for it."""
    return [
        (q, FTM_SCHEMA[party.schema], name.value)
        for q in sample
        for party, name in index.candidate_names(NameQuery(q))
    ]


def speed(
    parties: tuple[Party, ...], nk_sample: int, rounds: int
) -> tuple[dict[str, Any], NameIndex]:
    """``rounds`` rounds, each: a fresh index, all queries timed, then nomenklatura on its sample.

    The shared machine's speed drifts by +-20% between runs a minute apart, so both tools are
    timed in every round and the medians (and the median of the per-round ratios) are reported.
    """
    rng = random.Random(7)
    listed = [n.value for p in parties for n in p.names if n.script == "Latn"]
    queries = [n for _, n in faker_names(200)] + [
        perturb(rng.choice(listed), rng) for _ in range(1000)
    ]
    sample = rng.sample(queries, nk_sample)
    spawn = multiprocessing.get_context("spawn")
    per_round: list[dict[str, float]] = []
    latencies: list[float] = []
    cpu_latencies: list[float] = []
    for _ in range(rounds):
        index, build_s, build_cpu = _fresh_index(parties)
        t0, c0 = time.perf_counter(), time.process_time()
        for q in queries:
            t, c = time.perf_counter(), time.process_time()
            index.search(NameQuery(q), limit=10)
            latencies.append(time.perf_counter() - t)
            cpu_latencies.append(time.process_time() - c)
        batch_s, batch_cpu = time.perf_counter() - t0, time.process_time() - c0
        pairs = _nomenklatura_pairs(index, sample)
        with spawn.Pool(1) as pool:
            nk_cpu = pool.apply(_time_nomenklatura, (pairs,))
        per_round.append(
            {
                "build_seconds_cpu": round(build_cpu, 2),
                "build_seconds_wall": round(build_s, 2),
                "names_per_cpu_second": round(len(queries) / batch_cpu, 1),
                "names_per_wall_second": round(len(queries) / batch_s, 1),
                "nomenklatura_queries_per_cpu_second": round(nk_sample / nk_cpu, 2),
                "nomenklatura_pairs": len(pairs),
                "speedup": round(len(queries) / batch_cpu / (nk_sample / nk_cpu), 1),
            }
        )
        print(f"  round {len(per_round)}: {per_round[-1]}", flush=True)

    def med(key: str) -> float:
        return float(statistics.median(r[key] for r in per_round))

    lat, cpu_lat = sorted(latencies), sorted(cpu_latencies)
    result = {
        "parties": len(parties),
        "names": sum(len(p.names) for p in parties),
        "queries": len(queries),
        "rounds": rounds,
        "build_seconds_wall": med("build_seconds_wall"),
        "build_seconds_cpu": med("build_seconds_cpu"),
        "p50_ms_wall": round(1000 * statistics.median(lat), 3),
        "p95_ms_wall": round(1000 * lat[int(0.95 * len(lat))], 3),
        "p50_ms_cpu": round(1000 * statistics.median(cpu_lat), 3),
        "p95_ms_cpu": round(1000 * cpu_lat[int(0.95 * len(cpu_lat))], 3),
        "batch_names_per_cpu_second": med("names_per_cpu_second"),
        "batch_names_per_cpu_second_range": [
            min(r["names_per_cpu_second"] for r in per_round),
            max(r["names_per_cpu_second"] for r in per_round),
        ],
        "batch_names_per_wall_second": med("names_per_wall_second"),
        "nomenklatura": {
            "queries": nk_sample,
            "pairs": per_round[-1]["nomenklatura_pairs"],
            "queries_per_second": med("nomenklatura_queries_per_cpu_second"),
        },
        "speedup": med("speedup"),
        "speedup_range": [
            min(r["speedup"] for r in per_round),
            max(r["speedup"] for r in per_round),
        ],
        "per_round": per_round,
    }
    print("\nSPEED (one process, one core; CPU seconds of this process; medians over rounds)")
    print(
        f"  index build: {result['build_seconds_cpu']} s CPU ({result['build_seconds_wall']} s wall), "
        f"{result['parties']} parties / {result['names']} names"
    )
    print(
        f"  nkwatch:      p50 {result['p50_ms_cpu']} ms (wall {result['p50_ms_wall']}), "
        f"p95 {result['p95_ms_cpu']} ms (wall {result['p95_ms_wall']}), "
        f"{result['batch_names_per_cpu_second']} names/CPU-s "
        f"(range {result['batch_names_per_cpu_second_range']}; "
        f"{result['batch_names_per_wall_second']}/wall-s), {len(queries)} queries x {rounds} rounds"
    )
    print(
        f"  nomenklatura: {result['nomenklatura']['queries_per_second']} queries/CPU-s "
        f"({nk_sample} queries, logic-v2 on nkwatch's candidates)"
    )
    print(f"  speed-up: {result['speedup']}x (range {result['speedup_range']})")
    return result, index


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", default="cross,fp,speed", help="comma list of: cross, fp, speed")
    ap.add_argument(
        "--corpus-cache", type=Path, help="pickle of parsed parties (written on first run)"
    )
    ap.add_argument("--nk-sample", type=int, default=60, help="queries timed for nomenklatura")
    ap.add_argument("--rounds", type=int, default=5, help="speed rounds (medians are reported)")
    args = ap.parse_args()
    only = set(args.only.split(","))
    t0 = time.perf_counter()
    parties = corpus(args.corpus_cache)
    print(f"corpus: {len(parties)} parties parsed/loaded in {time.perf_counter() - t0:.1f} s")
    print(f"name kernel: {kernel.describe()}")
    out: dict[str, Any] = {"threshold": DEFAULT_THRESHOLD, "kernel": kernel.describe()}
    index = None
    if "speed" in only:
        out["speed"], index = speed(parties, args.nk_sample, args.rounds)
        out["speed"]["measured"] = _when()
    if "fp" in only:
        out["false_positives"] = false_positives(index or NameIndex.build(parties))
        out["false_positives"]["measured"] = _when()
    if "cross" in only:
        out["cross_script"] = cross_script(parties)
        out["cross_script"]["measured"] = _when()
    # parts not run now keep their last recorded figures; each part says when it ran
    print(f"wrote {write_result('names_corpus', {**_previous_parts(), **out})}")


def _previous_parts() -> dict[str, Any]:
    path = RESULTS / "names_corpus.json"
    if not path.exists():
        return {}
    old: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return {k: old[k] for k in ("speed", "false_positives", "cross_script") if k in old}


def _when() -> str:
    """UTC time and the machine's 1-minute load average at the end of a part."""
    load = os.getloadavg()[0]
    return f"{datetime.now(UTC).strftime('%Y-%m-%d %H:%M')} UTC, load average {load:.1f}"


if __name__ == "__main__":
    main()
