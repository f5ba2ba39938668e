"""The flow picture: a layered graph (seeds -> hops -> services) as self-contained SVG.

Columns are hop counts; a node's height and an edge's width grow with the log of the
tainted amount; services are coloured by category. In a cross-chain report each node is
ringed in its chain's colour and swap/bridge links are dashed and named ("bridge →
bitcoin"), so the chain boundaries show. Built from a saved report's ``flows``
and ``endpoints`` only, so the web UI embeds exactly the same picture.
"""

from __future__ import annotations

import math
from decimal import Decimal
from html import escape

from nkwatch.trace.report_model import Endpoint, Flow, TraceReport

COLORS = {
    "exchange": "#1f77b4",
    "bridge": "#9467bd",
    "mixer": "#d62728",
    "dex": "#2ca02c",
    "service": "#8c564b",
}
SEED_COLOR = "#ff7f0e"
PLAIN = "#7f7f7f"
MAX_PER_COLUMN = 25
LINK_COLOR = "#9467bd"
CHAIN_RINGS = {"bitcoin": "#f7931a", "ethereum": "#627eea", "litecoin": "#345d9d"}


def _short(address: str) -> str:
    return f"{address[:8]}…{address[-4:]}" if len(address) > 16 else address


def _weight(amount: str) -> float:
    return math.log10(1 + float(Decimal(amount)))


def flow_svg(report: TraceReport, *, width: int = 1100) -> str:
    flows: tuple[Flow, ...] = report.flows
    services: dict[str, Endpoint] = {e.address: e for e in report.endpoints}
    seeds = {s.address for s in report.parameters.seeds}
    column: dict[str, int] = {a: 0 for a in seeds if a}
    for f in sorted(flows, key=lambda f: f.hop):
        column.setdefault(f.from_address, max(f.hop - 1, 0))
        column.setdefault(f.to, f.hop)
    inflow: dict[str, float] = {}
    for f in flows:
        inflow[f.to] = inflow.get(f.to, 0.0) + _weight(f.amount)
    cols: dict[int, list[str]] = {}
    for address, c in column.items():
        cols.setdefault(c, []).append(address)
    for c, members in cols.items():
        members.sort(key=lambda a: (a not in services, -inflow.get(a, 0.0), a))
        cols[c] = members[:MAX_PER_COLUMN]
    n_cols = max(cols) + 1 if cols else 1
    height = 80 + 34 * max((len(m) for m in cols.values()), default=1)
    step = (width - 220) / max(n_cols - 1, 1)
    pos = {
        a: (40 + c * step, 50 + i * 34)
        for c, members in cols.items()
        for i, a in enumerate(members)
    }
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" font-family="sans-serif" font-size="11" role="img">',
        "<title>nkwatch trace: flow of tainted value from seeds to services</title>",
    ]
    for c in range(n_cols):
        parts.append(f'<text x="{40 + c * step:.0f}" y="24" fill="#333">hop {c}</text>')
    chains = sorted({f.chain for f in flows if f.chain})
    if len(chains) > 1:
        parts.append(f'<text x="{width - 20}" y="24" fill="#333" text-anchor="end">chains: '
                     f"{escape(', '.join(chains))} — dashed: swap/bridge links</text>")  # fmt: skip
    for f in flows:
        if f.from_address not in pos or f.to not in pos or f.from_address == f.to:
            continue
        (x1, y1), (x2, y2) = pos[f.from_address], pos[f.to]
        w = max(0.8, min(14.0, 1.5 * _weight(f.amount)))
        mid = (x1 + x2) / 2
        link = f.link
        style = (f'stroke="{LINK_COLOR}" stroke-opacity="0.8" stroke-dasharray="6 4"' if link
                 else 'stroke="#4a7ab5" stroke-opacity="0.35"')  # fmt: skip
        what = f"{link} to {f.chain}: " if link else ""
        parts.append(
            f'<path d="M{x1 + 8:.1f},{y1:.1f} C{mid:.1f},{y1:.1f} {mid:.1f},{y2:.1f} {x2 - 8:.1f},{y2:.1f}" '
            f'{style} stroke-width="{w:.1f}" fill="none">'
            f"<title>{escape(what)}{escape(f.amount)} {escape(f.symbol)} {escape(f.from_address)} → "
            f"{escape(f.to)} ({escape(f.time)})</title></path>"
        )
        if link and f.chain:
            parts.append(f'<text x="{mid:.1f}" y="{(y1 + y2) / 2 - 6:.1f}" fill="{LINK_COLOR}" '
                         f'text-anchor="middle">{escape(link)} → {escape(f.chain)}</text>')  # fmt: skip
    chain_of = {f.to: f.chain for f in flows if f.chain}
    for address, (x, y) in pos.items():
        svc = services.get(address)
        color = (
            COLORS.get(svc.category, PLAIN) if svc else (SEED_COLOR if address in seeds else PLAIN)
        )
        label = f"{svc.service} ({svc.category})" if svc else _short(address)
        amounts = ", ".join(f"{v} {k}" for k, v in (svc.amounts if svc else {}).items())
        ring = CHAIN_RINGS.get(chain_of.get(address, ""), "none") if len(chains) > 1 else "none"
        parts.append(
            f'<g><circle cx="{x:.1f}" cy="{y:.1f}" r="7" fill="{color}" stroke="{ring}" stroke-width="3"/>'
            f'<text x="{x + 11:.1f}" y="{y + 4:.1f}" fill="#222">{escape(label)}</text>'
            f"<title>{escape(address)}{(' — ' + escape(amounts)) if amounts else ''}</title></g>"
        )
    parts.append("</svg>")
    return "\n".join(parts)


def flow_html(report: TraceReport) -> str:
    legend = " ".join(
        f'<span style="color:{c}">&#9679;</span> {escape(k)}'
        for k, c in {**COLORS, "seed": SEED_COLOR}.items()
    )
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>nkwatch trace flow</title></head>'
        f'<body style="font-family:sans-serif"><h1>Flow of traced value</h1><p>{legend}</p>'
        f"{flow_svg(report)}</body></html>\n"
    )
