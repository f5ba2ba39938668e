"""A lure report as text, JSON or SARIF 2.1.0 (for GitHub code scanning and editors)."""

from __future__ import annotations

from typing import Any

from nkwatch import __version__
from nkwatch.lure.model import Citation, Finding, Report, Rule, Severity
from nkwatch.lure.rules import RULES

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def _cite(c: Citation) -> dict[str, str]:
    return {"publisher": c.publisher, "title": c.title, "date": c.date, "url": c.url}


def _finding(f: Finding) -> dict[str, Any]:
    return {
        "rule": f.rule_id,
        "title": f.title,
        "severity": f.severity.value,
        "path": f.path,
        "line": f.line,
        "column": f.column,
        "runs": f.moment.value,
        "message": f.message,
        "snippet": f.snippet,
        "advice": f.advice,
        "citations": [_cite(c) for c in f.citations],
    }


def to_json(report: Report) -> dict[str, Any]:
    return {
        "target": report.target,
        "files": report.files,
        "bytes": report.bytes,
        "seconds": round(report.seconds, 3),
        "summary": {"high": report.high, "warning": report.warnings},
        "exit_code": report.exit_code,
        "findings": [_finding(f) for f in report.findings],
        "notes": [{"path": n.path, "message": n.message} for n in report.notes],
    }


def to_text(report: Report) -> str:
    lines = [
        f"{report.target}: {report.files:,} files checked in {report.seconds:.2f}s, "
        f"{report.high} high, {report.warnings} warning"
    ]
    for f in report.findings:
        lines.append(
            f"{f.severity.value.upper():7} {f.path}:{f.line}:{f.column} [{f.rule_id}] {f.message} ({f.moment.value})"
        )
        lines.append(f"        {f.snippet}")
        lines.append(f"        what to do: {f.advice}")
        for c in f.citations:
            lines.append(f"        source: {c.publisher}, {c.date}, {c.url}")
    for n in report.notes:
        lines.append(f"note    {n.path}: {n.message}")
    if not report.findings:
        lines.append("no lure traits found")
    return "\n".join(lines)


def _sarif_rule(rule: Rule) -> dict[str, Any]:
    return {
        "id": rule.id,
        "name": rule.id.replace("-", " ").title().replace(" ", ""),
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": f"{rule.title} ({rule.moment.value})."},
        "help": {"text": rule.advice},
        "defaultConfiguration": {"level": _level(rule.severity)},
        "properties": {
            "security-severity": "8.8" if rule.severity is Severity.high else "5.0",
            "tags": ["security", "dprk", "supply-chain"],
            "citations": [_cite(c) for c in rule.citations],
        },
    }


def _level(severity: Severity) -> str:
    return "error" if severity is Severity.high else "warning"


def to_sarif(report: Report) -> dict[str, Any]:
    ids = sorted(RULES)
    index = {rid: i for i, rid in enumerate(ids)}
    results = []
    for f in report.findings:
        results.append(
            {
                "ruleId": f.rule_id,
                "ruleIndex": index[f.rule_id],
                "level": _level(f.severity),
                "message": {"text": f"{f.message} ({f.moment.value}). {f.advice}"},
                "locations": [
                    {
                        "physicalLocation": {
                            "artifactLocation": {"uri": f.path, "uriBaseId": "SRCROOT"},
                            "region": {
                                "startLine": f.line,
                                "startColumn": f.column,
                                "snippet": {"text": f.snippet},
                            },
                        }
                    }
                ],
                "properties": {
                    "runs": f.moment.value,
                    "citations": [_cite(c) for c in f.citations],
                },
            }
        )
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "nkwatch lure check",
                        "version": __version__,
                        "informationUri": "https://github.com/nkwatch/nkwatch/blob/main/docs/lure.md",
                        "rules": [_sarif_rule(RULES[r]) for r in ids],
                    }
                },
                "results": results,
                "invocations": [
                    {
                        "executionSuccessful": True,
                        "toolExecutionNotifications": [
                            {"level": "note", "message": {"text": f"{n.path}: {n.message}"}}
                            for n in report.notes
                        ],
                    }
                ],
            }
        ],
    }
