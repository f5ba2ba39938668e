"""Render screening results: JSON for machines, text for HR/security reviewers.

Every flag carries its evidence and the advisory it comes from; every cluster its edges.
People without any indicator are counted, not listed.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict
from typing import Any

from nkwatch.hiring.indicators.base import REGISTRY, Hit
from nkwatch.hiring.risk import ClusterRisk, Level, PersonRisk
from nkwatch.hiring.screening import ScreeningResult

FAIRNESS = (
    "Indicators are leads for verification, not findings. Never decide on nationality,"
    " ethnicity or a name's origin: use the verification steps."
)


def hit_json(hit: Hit) -> dict[str, Any]:
    ind = REGISTRY.get(hit.indicator_id)
    return {
        "indicator": ind.id,
        "title": ind.title,
        "severity": ind.severity.value,
        "evidence": hit.evidence,
        "related": list(hit.related[:20]),
        "sources": [asdict(s) for s in ind.sources],
    }


def person_json(p: PersonRisk) -> dict[str, Any]:
    return {
        "id": p.person_id,
        "score": p.score,
        "level": p.level.value,
        "cluster": p.cluster_id,
        "indicators": [hit_json(h) for h in p.hits],
        "verify": list(p.verify),
    }


def cluster_json(c: ClusterRisk) -> dict[str, Any]:
    return {
        "id": c.cluster.id,
        "summary": c.cluster.summary,
        "level": c.level.value,
        "score": c.score,
        "members": list(c.cluster.members),
        "high_members": list(c.high_members),
        "evidence": [
            {"kind": e.kind, "value": e.value, "members": list(e.members)}
            for e in c.cluster.evidence
        ],
    }


def summary(result: ScreeningResult) -> dict[str, Any]:
    levels = Counter(p.level.value for p in result.people.values())
    return {
        "screened": len(result.people),
        "rejected_records": sum(1 for e in result.errors if e.fatal),
        "field_warnings": sum(1 for e in result.errors if not e.fatal),
        "levels": {lv.value: levels.get(lv.value, 0) for lv in Level},
        "clusters": len(result.clusters),
        "sanctions_lists": list(result.sanctions_versions),
        "timings_s": {k: round(v, 3) for k, v in result.timings.items()},
    }


def to_json(result: ScreeningResult) -> dict[str, Any]:
    flagged = sorted((p for p in result.people.values() if p.hits), key=lambda p: -p.score)
    return {
        "summary": summary(result),
        "note": FAIRNESS,
        "people": [person_json(p) for p in flagged],
        "clusters": [cluster_json(c) for c in result.clusters],
        "errors": [e.model_dump() for e in result.errors],
    }


def person_text(p: dict[str, Any]) -> str:
    lines = [
        f"{p['id']}: {p['level'].upper()} (score {p['score']:.2f})"
        + (f", cluster {p['cluster']}" if p.get("cluster") else "")
    ]
    for ind in p["indicators"]:
        src = "; ".join(
            f'{s["publisher"]}, "{s["title"]}", {s["date"]}, {s["url"]}' for s in ind["sources"][:2]
        )
        lines.append(f"  - [{ind['severity']}] {ind['title']}: {ind['evidence']}")
        lines.append(f"      source: {src}")
    for step in p["verify"]:
        lines.append(f"  > check: {step}")
    return "\n".join(lines)


def cluster_text(c: dict[str, Any]) -> str:
    lines = [
        f"{c['id']}: {c['level'].upper()} - {c['summary']}",
        f"  members: {', '.join(c['members'][:30])}",
    ]
    for e in c["evidence"][:20]:
        lines.append(f"  - {e['kind']} {e['value']!r}: {', '.join(e['members'][:10])}")
    return "\n".join(lines)


def to_text(doc: dict[str, Any]) -> str:
    s = doc["summary"]
    out = [
        "nkwatch hiring screening report",
        f"screened {s['screened']} records; rejected {s['rejected_records']}; field warnings"
        f" {s['field_warnings']}; levels {s['levels']}; clusters {s['clusters']}",
        doc["note"],
        "",
        "== People flagged ==",
    ]
    out += [person_text(p) for p in doc["people"] if p["level"] != "low"]
    out += ["", "== Clusters =="] + [cluster_text(c) for c in doc["clusters"]]
    out += ["", "== Record errors =="]
    out += [
        f"{e['source']} row {e['row']} ({e['record_id'] or '?'}): "
        f"{'REJECTED ' if e['fatal'] else ''}{e['message']}"
        for e in doc["errors"]
    ]
    return "\n".join(out) + "\n"
