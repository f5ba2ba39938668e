"""Renderers of a saved trace report: Markdown, HTML, CSV and the SVG flow picture.

A registry of exporters keyed by format name; the built-ins register like a plug-in would.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from html import escape

from nkwatch.boundary import SafeCsvWriter
from nkwatch.errors import UserError
from nkwatch.trace.across.report import markdown_links
from nkwatch.trace.flow import flow_html, flow_svg
from nkwatch.trace.report_model import TraceReport

Renderer = Callable[[TraceReport], str]
_REGISTRY: dict[str, Renderer] = {}


def register(name: str, renderer: Renderer) -> None:
    if name in _REGISTRY:
        raise ValueError(f"renderer {name!r} already registered")
    _REGISTRY[name] = renderer


def render(report: TraceReport, fmt: str) -> str:
    if fmt not in _REGISTRY:
        raise UserError(
            f"unknown report format {fmt!r} (known: {', '.join(sorted(_REGISTRY))})",
            where="--format",
        )
    return _REGISTRY[fmt](report)


def _amounts(amounts: dict[str, str]) -> str:
    return ", ".join(f"{v} {k}" for k, v in amounts.items())


def markdown(report: TraceReport) -> str:
    p = report.parameters
    seeds = ", ".join(s.address or s.tx_hash or "" for s in p.seeds)
    lines = [
        "# nkwatch trace report",
        "",
        f"Chain **{p.chain}**, policy **{p.policy}**, max hops {p.max_hops}, dust below "
        f"{p.min_amount}; seeds: {seeds}.",
        f"Data: {p.data_version}. Generated {report.generated_at} by nkwatch {p.nkwatch_version}.",
        "",
        "## Where the traced value is",
        "",
        "| asset | seeded | at services | still at addresses | fees | dust |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for sym, b in report.buckets.items():
        lines.append(
            f"| {sym} | {b.seeded} | {b.at_services} | {b.at_addresses} | {b.fees} | {b.dust} |"
        )
    lines += ["", "## Services reached (endpoints)", ""]
    if not report.endpoints:
        lines.append("No labelled service was reached within the bounds.")
    else:
        lines += ["| service | category | address | amounts | hops | first seen | txs | label source (confidence) |",
                  "|---|---|---|---|---:|---|---:|---|"]  # fmt: skip
        for e in report.endpoints:
            extra = " — entered mixer" if e.entered_mixer else ""
            lines.append(
                f"| {e.service}{extra} | {e.category} | `{e.address}` | {_amounts(e.amounts)} | "
                f"{e.hops} | {e.first_seen} | {e.tx_count} | {e.label_source} ({e.confidence}) |"
            )
        lines += ["", "Example paths:", ""]
        for e in report.endpoints:
            lines.append(f"- {e.service}: " + " → ".join(f"`{a}`" for a in e.example_path))
    flagged = report.flagged_addresses
    if flagged:
        lines += ["", "## Sanctions and incident labels on the path", "",
                  "| address | hops | label | category | source |", "|---|---:|---|---|---|"]  # fmt: skip
        for f in flagged:
            lines.append(f"| `{f.address}` | {f.hops} | {f.service} | {f.category} | {f.source} |")
    noise = report.noise
    lines += ["", "## Noise not followed", "",
              f"{len(noise.fake_tokens)} fake or unverified tokens and "
              f"{len(noise.lookalike_addresses)} look-alike (address-poisoning) recipients.", ""]  # fmt: skip
    for t in noise.fake_tokens:
        lines.append(
            f"- token `{t.symbol}` at `{t.contract}`: {t.verdict} ({t.reason}), {t.transfers} transfers"
        )
    for x in noise.lookalike_addresses[:50]:
        lines.append(f"- look-alike `{x.address}` imitates `{x.imitates}`")
    lines += markdown_links(report)
    return "\n".join(lines) + "\n"


def html(report: TraceReport) -> str:
    rows = "".join(
        f"<tr><td>{escape(e.service)}</td><td>{escape(e.category)}</td><td><code>{escape(e.address)}</code></td>"
        f"<td>{escape(_amounts(e.amounts))}</td><td>{e.hops}</td><td>{escape(e.first_seen)}</td>"
        f"<td>{escape(e.label_source)} ({e.confidence})</td></tr>"
        for e in report.endpoints
    )
    buckets = "".join(
        f"<tr><td>{escape(s)}</td><td>{b.seeded}</td><td>{b.at_services}</td><td>{b.at_addresses}</td>"
        f"<td>{b.fees}</td><td>{b.dust}</td></tr>"
        for s, b in report.buckets.items()
    )
    p = report.parameters
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>nkwatch trace report</title>'
        "<style>body{font-family:sans-serif;margin:2em}td,th{border:1px solid #ccc;padding:3px 6px}"
        "table{border-collapse:collapse}</style></head><body><h1>nkwatch trace report</h1>"
        f"<p>Chain {escape(p.chain)}, policy {escape(p.policy)}, max hops {p.max_hops}. "
        f"Data: {escape(p.data_version)}.</p><h2>Buckets</h2><table><tr><th>asset</th><th>seeded</th>"
        "<th>at services</th><th>at addresses</th><th>fees</th><th>dust</th></tr>"
        f"{buckets}</table><h2>Services reached</h2><table><tr><th>service</th><th>category</th><th>address</th>"
        f"<th>amounts</th><th>hops</th><th>first seen</th><th>label</th></tr>{rows}</table>"
        f"{_html_links(report)}<h2>Flow</h2>{flow_svg(report)}</body></html>\n"
    )


def _html_links(report: TraceReport) -> str:
    """The cross-chain links (both sides' chain, asset, transaction; converted amount;
    evidence), the departures in flight and the cross-chain noise, all escaped."""
    if not report.cross_chain:
        return ""
    rows = "".join(
        f"<tr><td>{lk.hop}</td><td>{escape(lk.kind)} via {escape(lk.via)}</td>"
        f"<td>{escape(lk.source.chain)} {escape(lk.source.symbol)} <code>{escape(lk.source.tx_hash)}</code></td>"
        f"<td>{escape(lk.tainted_in)} of {escape(lk.total_in)}</td>"
        f"<td>{escape(lk.target.chain)} {escape(lk.target.symbol)} <code>{escape(lk.target.address)}</code> "
        f"<code>{escape(lk.target.tx_hash)}</code></td><td>{escape(lk.converted)} of {escape(lk.received)}</td>"
        f"<td>{'<br>'.join(escape(ev) for ev in lk.evidence)}</td></tr>"
        for lk in report.links
    )
    flights = "".join(f"<li>in flight via {escape(f.bridge)}: {escape(f.tainted_in)} {escape(f.symbol)} "
                      f"{escape(f.summary)}</li>" for f in report.in_flight)  # fmt: skip
    noise = "".join(f"<li>{escape(a.kind)} on {escape(a.chain)} <code>{escape(a.tx_hash)}</code>: "
                    f"{escape(a.detail)}</li>" for a in report.noise.crosschain)  # fmt: skip
    return (
        "<h2>Across swaps and chains</h2><table><tr><th>hop</th><th>link</th><th>from</th>"
        f"<th>tainted in</th><th>to</th><th>converted</th><th>evidence</th></tr>{rows}</table>"
        f"<ul>{flights}{noise}</ul>"
    )


def csv_rows(report: TraceReport) -> str:
    out = io.StringIO()
    writer = SafeCsvWriter(out, lineterminator="\n")
    writer.writerow(
        [
            "address",
            "service",
            "category",
            "confidence",
            "symbol",
            "amount",
            "hops",
            "first_seen",
            "tx_count",
            "label_source",
        ]
    )
    for e in report.endpoints:
        for sym, amount in e.amounts.items():
            writer.writerow([e.address, e.service, e.category, e.confidence, sym, amount, e.hops,
                             e.first_seen, e.tx_count, e.label_source])  # fmt: skip
    return out.getvalue()


register("md", markdown)
register("html", html)
register("csv", csv_rows)
register("svg", flow_svg)
register("flow-html", flow_html)
