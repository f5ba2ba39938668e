"""Name-matching quality on the 826 labelled pairs of nomenklatura's name bench, side by side.

Each pair (name1 = query, name2 = candidate, FtM schema) is scored by nkwatch through the
same code path as a search (``match_names``: a one-party index) and by nomenklatura's
``logic-v2`` on two one-name FtM entities. A pair is predicted a match when the score
reaches the tool's threshold: nkwatch ``DEFAULT_THRESHOLD``, nomenklatura 0.7 (yente's
default match threshold). Prints precision / recall / F1 overall and per case_group; with
``--errors`` lists nkwatch's wrong calls.

    .venv/bin/python -m bench.names_quality [--errors]
"""

from __future__ import annotations

import argparse
import time
from collections import defaultdict

from bench.names_common import load_cases, nomenklatura_scorer, prf, write_result

from nkwatch.sanctions.names import DEFAULT_THRESHOLD, match_names

NK_THRESHOLD = 0.7


def _table(rows: dict[str, list[tuple[bool, bool]]]) -> dict[str, dict[str, float]]:
    out = {}
    for group, calls in sorted(rows.items()):
        tp = sum(1 for pred, gold in calls if pred and gold)
        fp = sum(1 for pred, gold in calls if pred and not gold)
        fn = sum(1 for pred, gold in calls if not pred and gold)
        p, r, f = prf(tp, fp, fn)
        out[group] = {
            "n": len(calls),
            "precision": round(p, 4),
            "recall": round(r, 4),
            "f1": round(f, 4),
        }
    return out


def _best_threshold(scored: list[tuple[float, float, bool]], which: int) -> tuple[float, float]:
    """(threshold, F1) maximising F1 over thresholds 0.50..0.99."""
    best = (0.0, 0.0)
    for step in range(50, 100):
        th = step / 100
        tp = sum(1 for row in scored if row[which] >= th and row[2])
        fp = sum(1 for row in scored if row[which] >= th and not row[2])
        fn = sum(1 for row in scored if row[which] < th and row[2])
        f1 = prf(tp, fp, fn)[2]
        if f1 > best[1]:
            best = (th, round(f1, 4))
    return best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--errors", action="store_true", help="list nkwatch's wrong calls")
    args = ap.parse_args()
    cases = load_cases()
    peer = nomenklatura_scorer()
    ours: dict[str, list[tuple[bool, bool]]] = defaultdict(list)
    theirs: dict[str, list[tuple[bool, bool]]] = defaultdict(list)
    errors = []
    scored: list[tuple[float, float, bool]] = []
    t_ours = t_theirs = 0.0
    for case in cases:
        t0 = time.perf_counter()
        score = match_names(case.name1, case.name2, case.schema).score
        t1 = time.perf_counter()
        nk = peer(case.ftm_schema, case.name1, case.ftm_schema, case.name2)
        t2 = time.perf_counter()
        t_ours, t_theirs = t_ours + t1 - t0, t_theirs + t2 - t1
        scored.append((score, nk, case.is_match))
        for rows, pred in ((ours, score >= DEFAULT_THRESHOLD), (theirs, nk >= NK_THRESHOLD)):
            rows["ALL"].append((pred, case.is_match))
            rows[case.group].append((pred, case.is_match))
        if (score >= DEFAULT_THRESHOLD) != case.is_match:
            errors.append((case, score, nk))
    t_ours_table, t_theirs_table = _table(ours), _table(theirs)
    print(
        f"{'case_group':<16}{'n':>5}  {'nkwatch P/R/F1':>22}  {'nomenklatura logic-v2 P/R/F1':>30}"
    )
    for group in t_ours_table:
        a, b = t_ours_table[group], t_theirs_table[group]
        print(
            f"{group:<16}{a['n']:>5}  {a['precision']:>6.3f} {a['recall']:>6.3f} {a['f1']:>6.3f}"
            f"      {b['precision']:>6.3f} {b['recall']:>6.3f} {b['f1']:>6.3f}"
        )
    print(
        f"thresholds: nkwatch {DEFAULT_THRESHOLD}, nomenklatura {NK_THRESHOLD}; "
        f"time per pair: nkwatch {1000 * t_ours / len(cases):.2f} ms, nomenklatura {1000 * t_theirs / len(cases):.2f} ms"
    )
    best_ours, best_theirs = _best_threshold(scored, 0), _best_threshold(scored, 1)
    print(
        f"best-F1 threshold (an upper bound, tuned on the test set): nkwatch {best_ours[1]:.3f} at {best_ours[0]:.2f}, "
        f"nomenklatura {best_theirs[1]:.3f} at {best_theirs[0]:.2f}"
    )
    if args.errors:
        for case, score, nk in sorted(errors, key=lambda e: (e[0].group, e[1])):
            label = "FN" if case.is_match else "FP"
            print(
                f"{label} {score:.3f} nk={nk:.2f} [{case.group}/{case.quality}] {case.name1!r} ~ {case.name2!r}"
            )
    out = write_result(
        "names_quality",
        {
            "cases": len(cases),
            "nkwatch": {
                "threshold": DEFAULT_THRESHOLD,
                "groups": t_ours_table,
                "ms_per_pair": 1000 * t_ours / len(cases),
            },
            "nomenklatura_logic_v2": {
                "threshold": NK_THRESHOLD,
                "groups": t_theirs_table,
                "ms_per_pair": 1000 * t_theirs / len(cases),
            },
        },
    )
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
