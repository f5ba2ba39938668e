"""Typo-proof name screening: listed names typed the way a hurried screener types them, found at rank 1.

The labelled set is made from the full lists (OFAC SDN advanced 2025-11-19 + UN consolidated
2026-02-27) by this file's own generator, seeded, so every run screens the same queries. It is
written to ``bench/results/names_typos_set.tsv`` (kind, party, listed name, query).

Generator. A listed name is a Latin-script name of any party (person, organisation, vessel,
aircraft), not a weak (low-quality) alias, with at least one word of four or more letters.
Each query applies exactly one perturbation of one kind, ``PER_KIND`` queries per kind:

* ``typo``: one letter replaced by a neighbour on a QWERTY keyboard (``Kwangson`` -> ``Kwangdon``);
* ``transposition``: two adjacent, different letters swapped (``Kwangson`` -> ``Kwagnson``);
* ``dropped``: one letter left out (``Kwanson``);
* ``doubled``: one letter typed twice (``Kwangsson``);
* ``missing_space``: two adjacent words run together (``KwangsonBanking``; names of 2+ words);
* ``reordered``: the first word moved to the end, or the last to the front (``Jong Un KIM``;
  names of 2+ words).

Letter edits fall on a random letter of a random word of four or more letters: a word of
three letters or fewer changed by one letter is as often another name (``Kim``/``Kin``,
``Ali``/``Ari``), which no screener can be asked to resolve. A query that equals a listed
name of another party (case and spaces aside) is drawn again. The case of the whole query is
kept, lowered or raised at random.

Measure: each query is screened against the full index (no schema, no other facts); it is
found at rank 1 when its party ranks first (rank = 1 + parties with a strictly higher score,
so an OFAC/UN duplicate tie counts as rank 1). Peer in the same run: nomenklatura logic-v2 on
a sample of the queries, scoring the query against every name nkwatch scored for it plus all
names of the true party (a perfect blocking step for the truth): rank 1 when the true party's
best score is at least every other party's.

    python -m bench.names_typos [--per-kind N] [--nk-sample N] [--corpus-cache PATH] [--seed N]

``--seed`` draws another labelled set with the same generator (a check that a change is not
tuned to seed 14's draw); its results go to ``names_typos_seed<N>.json`` / ``_set.tsv``.
"""

from __future__ import annotations

import argparse
import csv
import random
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from bench.names_common import FTM_SCHEMA, RESULTS, nomenklatura_scorer, rank_of, write_result
from bench.names_corpus import corpus

from nkwatch.sanctions.model import Party
from nkwatch.sanctions.names import NameIndex, NameQuery, kernel

KINDS = ("typo", "transposition", "dropped", "doubled", "missing_space", "reordered")
PER_KIND = 500
SEED = 14
_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
_NEIGHBOURS = {
    ch: "".join(
        _ROWS[r2][c2]
        for r2 in (r - 1, r, r + 1)
        if 0 <= r2 < 3
        for c2 in (c - 1, c, c + 1)
        if 0 <= c2 < len(_ROWS[r2]) and (r2, c2) != (r, c)
    )
    for r, row in enumerate(_ROWS)
    for c, ch in enumerate(row)
}


@dataclass(frozen=True)
class Case:
    kind: str
    entity_id: str
    listed: str
    query: str


def _letter_edit(kind: str, name: str, rng: random.Random) -> str | None:
    words = name.split(" ")
    long_words = [i for i, w in enumerate(words) if sum(c.isalpha() for c in w) >= 4]
    if not long_words:
        return None
    wi = rng.choice(long_words)
    word = words[wi]
    letters = [k for k, c in enumerate(word) if c.isalpha() and c.isascii()]
    if len(letters) < 4:
        return None
    k = rng.choice(letters)
    ch = word[k]
    if kind == "typo":
        sub = rng.choice(_NEIGHBOURS.get(ch.lower(), "e"))
        word = word[:k] + (sub.upper() if ch.isupper() else sub) + word[k + 1 :]
    elif kind == "transposition":
        if k + 1 >= len(word) or not word[k + 1].isalpha() or word[k + 1].lower() == ch.lower():
            return None
        word = word[:k] + word[k + 1] + ch + word[k + 2 :]
    elif kind == "dropped":
        word = word[:k] + word[k + 1 :]
    else:  # doubled
        word = word[:k] + ch + word[k:]
    words[wi] = word
    return " ".join(words)


def perturb(kind: str, name: str, rng: random.Random) -> str | None:
    """One perturbation of ``kind`` (None when the name cannot take it)."""
    name = " ".join(name.split())
    words = name.split(" ")
    if kind == "missing_space":
        if len(words) < 2:
            return None
        i = rng.randrange(len(words) - 1)
        return " ".join([*words[:i], words[i] + words[i + 1], *words[i + 2 :]])
    if kind == "reordered":
        if len(words) < 2:
            return None
        moved = words[1:] + words[:1] if rng.random() < 0.5 else words[-1:] + words[:-1]
        return " ".join(moved).strip(" ,")
    return _letter_edit(kind, name, rng)


def _case(text: str, rng: random.Random) -> str:
    r = rng.random()
    return text if r < 1 / 3 else text.lower() if r < 2 / 3 else text.upper()


def labelled_set(parties: tuple[Party, ...], per_kind: int, seed: int = SEED) -> list[Case]:
    rng = random.Random(seed)
    listed = [
        (p, n.value)
        for p in parties
        for n in p.names
        if n.script == "Latn" and not n.weak and any(len(w) >= 4 for w in n.value.split())
    ]
    owners: dict[str, set[str]] = defaultdict(set)
    for p in parties:
        for n in p.names:
            owners[" ".join(n.value.casefold().split())].add(p.entity_id)
    cases: list[Case] = []
    for kind in KINDS:
        made = 0
        while made < per_kind:
            party, name = rng.choice(listed)
            query = perturb(kind, name, rng)
            if query is None or query.casefold() == name.casefold():
                continue
            if owners.get(" ".join(query.casefold().split()), set()) - {party.entity_id}:
                continue  # the typo spells another party's name
            cases.append(Case(kind, party.entity_id, name, _case(query, rng)))
            made += 1
    return cases


def _nomenklatura(
    index: NameIndex, cases: list[Case], by_id: dict[str, Party]
) -> tuple[list[bool], float]:
    found: list[bool] = []
    if not cases:
        return found, 0.0
    peer = nomenklatura_scorer()
    cpu = time.process_time()
    for case in cases:
        pairs = {
            (p.entity_id, n.value, p.schema)
            for p, n in index.candidate_names(NameQuery(case.query))
        }
        truth = by_id[case.entity_id]
        pairs |= {(truth.entity_id, n.value, truth.schema) for n in truth.names}
        best: dict[str, float] = {}
        for eid, name, schema in sorted(pairs):
            s = peer("LegalEntity", case.query, FTM_SCHEMA[schema], name)
            best[eid] = max(best.get(eid, 0.0), s)
        found.append(best[case.entity_id] >= max(best.values()))
    return found, time.process_time() - cpu


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--per-kind", type=int, default=PER_KIND)
    ap.add_argument("--nk-sample", type=int, default=300, help="queries scored by nomenklatura")
    ap.add_argument("--corpus-cache", type=Path, help="pickle of parsed parties")
    ap.add_argument("--misses", type=int, default=20, help="misses printed")
    ap.add_argument("--seed", type=int, default=SEED, help="generator seed")
    args = ap.parse_args()
    parties = corpus(args.corpus_cache)
    by_id = {p.entity_id: p for p in parties}
    cases = labelled_set(parties, args.per_kind, args.seed)
    name = "names_typos" if args.seed == SEED else f"names_typos_seed{args.seed}"
    RESULTS.mkdir(parents=True, exist_ok=True)
    with (RESULTS / f"{name}_set.tsv").open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh, delimiter="\t", lineterminator="\n")
        out.writerow(("kind", "entity_id", "listed", "query"))
        out.writerows((c.kind, c.entity_id, c.listed, c.query) for c in cases)
    print(f"name kernel: {kernel.describe()}")
    index = NameIndex.build(parties)
    hits: dict[str, list[bool]] = defaultdict(list)
    misses: list[str] = []
    cpu = time.process_time()
    for case in cases:
        rank = rank_of(index.search(NameQuery(case.query), limit=10), case.entity_id)
        hits[case.kind].append(rank == 1)
        if rank != 1:
            misses.append(f"{case.kind}: {case.query!r} (listed {case.listed!r}) rank {rank}")
    cpu = time.process_time() - cpu
    per = {
        k: {"n": len(v), "rank1": sum(v), "rate": round(sum(v) / len(v), 4)}
        for k, v in hits.items()
    }
    total = [x for v in hits.values() for x in v]
    per["ALL"] = {"n": len(total), "rank1": sum(total), "rate": round(sum(total) / len(total), 4)}
    rng = random.Random(SEED + 1)
    sample = rng.sample(cases, min(args.nk_sample, len(cases)))
    nk_found, nk_cpu = _nomenklatura(index, sample, by_id)
    nk_mine = [hits_of(index, c) for c in sample]
    print(f"\nTYPOS (rank 1 of {len(cases)} perturbed list names; {cpu:.1f} s CPU)")
    for k, row in per.items():
        print(f"  {k:<14} {row['rank1']:>5}/{row['n']:<5} {100 * row['rate']:6.2f}%")
    print(
        f"  same {len(sample)}-query sample: nkwatch {sum(nk_mine)}/{len(sample)}, "
        f"nomenklatura logic-v2 {sum(nk_found)}/{len(sample)} ({nk_cpu:.1f} s CPU)"
    )
    for m in misses[: args.misses]:
        print("   miss:", m)
    path = write_result(
        name,
        {
            "kernel": kernel.describe(),
            "seed": args.seed,
            "per_kind": per,
            "sample": {
                "n": len(sample),
                "nkwatch_rank1": sum(nk_mine),
                "nomenklatura_rank1": sum(nk_found),
                "nomenklatura_cpu_seconds": round(nk_cpu, 1),
            },
            "misses": misses,
        },
    )
    print(f"wrote {path}")


def hits_of(index: NameIndex, case: Case) -> bool:
    return rank_of(index.search(NameQuery(case.query), limit=10), case.entity_id) == 1


if __name__ == "__main__":
    main()
