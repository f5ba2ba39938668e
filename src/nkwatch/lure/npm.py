"""``package.json``: install-time lifecycle scripts, the files scripts run, and the package's
own name and dependencies against the reported DPRK package names."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from nkwatch.lure import commands, textscan
from nkwatch.lure.indicators import Indicators
from nkwatch.lure.model import Hit, Moment

LIFECYCLE = ("preinstall", "install", "postinstall", "prepare", "prepublish")
START = ("start", "dev", "serve", "develop")
DEP_KEYS = ("dependencies", "devDependencies", "optionalDependencies", "peerDependencies")


@dataclass
class PackageFacts:
    hits: list[Hit] = field(default_factory=list)
    runs: dict[str, Moment] = field(default_factory=dict)  # script file (relative) -> moment


def _at(data: bytes, needle: str) -> tuple[int, int, str]:
    pos = data.find(needle.encode())
    pos = max(pos, 0)
    line, col = textscan.position(data, pos)
    return line, col, textscan.line_at(data, pos)


def check(data: bytes, ind: Indicators) -> PackageFacts:
    facts = PackageFacts()
    try:
        doc = json.loads(data)
    except (ValueError, RecursionError):
        return facts  # npm would refuse it too
    if not isinstance(doc, dict):
        return facts
    raw = doc.get("scripts")
    scripts: dict[str, Any] = raw if isinstance(raw, dict) else {}
    for key in LIFECYCLE:
        cmd = scripts.get(key)
        if not isinstance(cmd, str):
            continue
        for target in commands.script_targets(cmd):
            facts.runs[target] = Moment.install
        reasons = commands.risks(cmd)
        if reasons:
            line, col, _ = _at(data, f'"{key}"')
            facts.hits.append(
                Hit(
                    "npm-lifecycle-fetch",
                    line,
                    col,
                    f'"{key}": "{cmd}"',
                    f"{key} script " + ", ".join(reasons),
                )
            )
    for key in START:
        cmd = scripts.get(key)
        if isinstance(cmd, str):
            for target in commands.script_targets(cmd):
                facts.runs.setdefault(target, Moment.app_start)
    main = doc.get("main")
    if isinstance(main, str):
        facts.runs.setdefault(main, Moment.imported)
    facts.hits += _names(doc, data, ind)
    return facts


def _names(doc: dict[str, Any], data: bytes, ind: Indicators) -> list[Hit]:
    hits: list[Hit] = []
    own = doc.get("name")
    if isinstance(own, str) and ("npm", own.lower()) in ind.packages:
        line, col, text = _at(data, f'"{own}"')
        hits.append(
            Hit(
                "known-malicious-package",
                line,
                col,
                text,
                f"this package is {own}, named in a DPRK report",
                extra_citations=ind.packages[("npm", own.lower())],
            )
        )
    for key in DEP_KEYS:
        deps = doc.get(key)
        if not isinstance(deps, dict):
            continue
        for name in deps:
            cites = ind.packages.get(("npm", str(name).lower()))
            if cites:
                line, col, text = _at(data, f'"{name}"')
                hits.append(
                    Hit(
                        "known-malicious-package",
                        line,
                        col,
                        text,
                        f"{key} names {name}",
                        extra_citations=cites,
                    )
                )
    return hits
