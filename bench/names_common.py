"""Shared helpers for the name benches: the labelled pairs, the real corpus, the nomenklatura peer."""

from __future__ import annotations

import csv
import itertools
import json
import platform
import random
import sys
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from nkwatch.sanctions.model import Party, Schema

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared" / "data"
RESULTS = REPO / "bench" / "results"
CASES = SHARED / "names" / "name_bench_cases.csv"
FTM_SCHEMA = {
    Schema.PERSON: "Person",
    Schema.ORGANIZATION: "Organization",
    Schema.VESSEL: "Vessel",
    Schema.AIRCRAFT: "Airplane",
}
_CASE_SCHEMA = {"Person": Schema.PERSON, "Vessel": Schema.VESSEL}


@dataclass(frozen=True)
class Case:
    group: str
    ftm_schema: str
    name1: str
    name2: str
    is_match: bool
    quality: str

    @property
    def schema(self) -> Schema:
        return _CASE_SCHEMA.get(self.ftm_schema, Schema.ORGANIZATION)


def load_cases(path: Path = CASES) -> list[Case]:
    with path.open(encoding="utf-8", newline="") as fh:
        return [
            Case(
                r["case_group"],
                r["schema"],
                r["name1"],
                r["name2"],
                r["is_match"] == "true",
                r["quality"] or "MEDIUM",
            )
            for r in csv.DictReader(fh)
        ]


@cache
def load_corpus() -> tuple[Party, ...]:
    """All parties of the bundled OFAC and UN snapshots, parsed by the real parsers."""
    from nkwatch.sanctions.parsers import parse_list

    files = sorted((SHARED / "sanctions").glob("ofac_sdn_advanced_2025-11-19.xml*")) + sorted(
        (SHARED / "sanctions").glob("un_consolidated_*.xml*")
    )
    parties: list[Party] = []
    for f in files:
        parties.extend(parse_list(f).parties)
    return tuple(parties)


def nomenklatura_scorer() -> Callable[[str, str, str, str], float]:
    """nomenklatura's logic-v2 on two one-name FollowTheMoney entities: (schema, query, schema, candidate)."""
    try:
        from followthemoney import model
        from nomenklatura.matching import LogicV2
    except ImportError as exc:  # loud: the peer is a bench extra
        raise SystemExit(
            f"nomenklatura is missing ({exc}); install it with: .venv/bin/pip install -e '.[bench]'"
        ) from exc
    config = LogicV2.default_config()
    counter = itertools.count()

    def score(q_schema: str, q_name: str, c_schema: str, c_name: str) -> float:
        query = model.make_entity(q_schema)
        n = next(counter)  # nomenklatura caches features by entity id: ids must be unique
        query.id = f"q{n}"
        query.add("name", q_name)
        cand = model.make_entity(c_schema)
        cand.id = f"c{n}"
        cand.add("name", c_name)
        return float(LogicV2.compare(query, cand, config).score)

    return score


def rank_of(results: list[Any], entity_id: str) -> int | None:
    """1 + the parties scoring strictly higher than ``entity_id`` (a tie is rank 1); None
    when the party is not among the results."""
    for m in results:
        if m.entity_id == entity_id:
            return 1 + sum(1 for o in results if o.score > m.score)
    return None


def write_result(name: str, payload: dict[str, Any]) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    payload = {
        "machine": {"python": sys.version.split()[0], "platform": platform.platform()},
        **payload,
    }
    out = RESULTS / f"{name}.json"
    out.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return out


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def perturb(name: str, rng: random.Random) -> str:
    """A list name as a customer might type it: case, order, one typo."""
    words = name.split()
    if len(words) > 1 and rng.random() < 0.3:
        words = words[1:] + words[:1]
    text = " ".join(words)
    if len(text) > 4 and rng.random() < 0.5:
        i = rng.randrange(1, len(text) - 1)
        text = text[:i] + text[i + 1 :]
    return text.lower() if rng.random() < 0.5 else text.upper()
