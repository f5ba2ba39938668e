"""≥ 90% of generated mutations of the rebuilt lures still reach high."""

from __future__ import annotations

from pathlib import Path

from nkwatch.lure import check_path

from .mutate import mutants

LURES = Path(__file__).parent / "lures"


def test_mutations_stay_high(tmp_path: Path) -> None:
    total, missed = 0, []
    for lure in sorted(p for p in LURES.iterdir() if p.is_dir()):
        for name, folder in mutants(lure, tmp_path):
            total += 1
            if check_path(folder).high == 0:
                missed.append(f"{lure.name}/{name}")
    assert total >= 80, total
    rate = 1 - len(missed) / total
    print(f"mutations: {total - len(missed)}/{total} high ({rate:.1%}); missed: {missed}")
    assert rate >= 0.90, missed
