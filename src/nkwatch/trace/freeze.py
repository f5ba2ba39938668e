"""Freeze requests: one document per service, the one its compliance team acts on.

For every service reached, the deposit addresses, the transactions that delivered traced
value (hash, block, time, amount), the totals by asset, the policy and the label basis.
Written as Markdown (to send) and JSON (to ingest) per service.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from nkwatch.trace.report_model import TraceReport

FREEZE_CATEGORIES = ("exchange", "bridge", "service", "dex", "mixer")


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "service"


def freeze_requests(report: TraceReport) -> dict[str, dict[str, Any]]:
    """Service name -> its request (addresses, txs, totals), as the JSON document written."""
    p = report.parameters
    out: dict[str, dict[str, Any]] = {}
    for e in report.endpoints:
        if e.category not in FREEZE_CATEGORIES:
            continue
        req = out.setdefault(e.service, {
            "service": e.service, "category": e.category, "chain": report.chain_of(e),
            "policy": p.policy, "data_version": p.data_version, "addresses": [],
        })  # fmt: skip
        req["addresses"].append({
            "address": e.address, "chain": report.chain_of(e), "amounts": dict(e.amounts), "first_seen": e.first_seen, "hops": e.hops,
            "label_source": e.label_source, "confidence": e.confidence, "detail": e.detail,
            "txs": [t.model_dump(mode="json", by_alias=True) for t in e.txs],
        })  # fmt: skip
    for req in out.values():  # one service reached on several chains: each address says its own
        req["chain"] = ", ".join(sorted({a["chain"] for a in req["addresses"]}))
    return out


def _markdown(req: dict[str, Any]) -> str:
    lines = [
        f"# Freeze request: {req['service']}",
        "",
        f"To the compliance team of **{req['service']}** ({req['category']}, {req['chain']}).",
        "",
        "Funds traced from a theft reached the addresses below. We ask you to review and freeze the",
        "related accounts and balances. Amounts are the traced (tainted) part under the "
        f"**{req['policy']}** policy, not necessarily the whole transfer. Data: {req['data_version']}.",
        "",
    ]
    for a in req["addresses"]:
        amounts = ", ".join(f"{v} {k}" for k, v in a["amounts"].items())
        lines += [f"## `{a['address']}` ({a.get('chain') or req['chain']})", "",
                  f"Traced value: {amounts}; first arrival {a['first_seen']}; {a['hops']} hops from the theft.",
                  f"Attribution: {a['label_source']} (confidence {a['confidence']}){'; ' + a['detail'] if a.get('detail') else ''}.",
                  "", "| transaction | block | time (UTC) | from | amount |", "|---|---:|---|---|---:|"]  # fmt: skip
        for t in a["txs"]:
            lines.append(
                f"| `{t['tx_hash']}` | {t['block']} | {t['time']} | `{t['from']}` | {t['amount']} {t['symbol']} |"
            )
        lines.append("")
    return "\n".join(lines)


def write_freeze_requests(report: TraceReport, folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for service, req in sorted(freeze_requests(report).items()):
        base = folder / f"freeze-{_slug(service)}"
        base.with_suffix(".md").write_text(_markdown(req), encoding="utf-8")
        base.with_suffix(".json").write_text(
            json.dumps(req, indent=2, ensure_ascii=False), encoding="utf-8"
        )
        written += [base.with_suffix(".md"), base.with_suffix(".json")]
    return written
