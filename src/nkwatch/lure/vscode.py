"""``.vscode/tasks.json``: tasks that VS Code runs by itself when the folder is opened.

tasks.json is JSON with comments and trailing commas; it is read as such (comments and
trailing commas removed outside strings), never with a regex over the raw text.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from nkwatch.lure import commands, textscan
from nkwatch.lure.model import Hit


def jsonc(text: str) -> Any:
    """Parse JSON with ``//`` and ``/* */`` comments and trailing commas (VS Code's JSONC)."""
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == '"':
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            out.append(text[i : j + 1])
            i = j + 1
        elif text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            i = n if j < 0 else j + 2
        elif ch in "]}":
            k = len(out) - 1
            while k >= 0 and out[k].strip() == "":
                k -= 1
            if k >= 0 and out[k].rstrip().endswith(","):
                out[k] = out[k].rstrip()[:-1]
            out.append(ch)
            i += 1
        else:
            out.append(ch)
            i += 1
    return json.loads("".join(out))


@dataclass(frozen=True)
class AutoTask:
    label: str
    commands: tuple[str, ...]


def _command_lines(task: dict[str, Any]) -> list[str]:
    found: list[str] = []
    for scope in (task, task.get("windows"), task.get("linux"), task.get("osx")):
        if not isinstance(scope, dict):
            continue
        cmd = scope.get("command")
        args = scope.get("args") or []
        if isinstance(cmd, str | list):
            text = cmd if isinstance(cmd, str) else " ".join(str(c) for c in cmd)
            extra = (
                " ".join(str(a if not isinstance(a, dict) else a.get("value", "")) for a in args)
                if isinstance(args, list)
                else ""
            )
            found.append(f"{text} {extra}".strip())
    return found


def auto_tasks(doc: Any) -> list[AutoTask]:
    tasks = doc.get("tasks") if isinstance(doc, dict) else None
    out = []
    for task in tasks if isinstance(tasks, list) else []:
        if not isinstance(task, dict):
            continue
        run_on = (
            (task.get("runOptions") or {}).get("runOn")
            if isinstance(task.get("runOptions"), dict)
            else None
        )
        if run_on == "folderOpen":
            out.append(AutoTask(str(task.get("label", "?")), tuple(_command_lines(task))))
    return out


def check(data: bytes) -> tuple[list[Hit], list[str]]:
    """Hits of one tasks.json and the script files its folder-open tasks run."""
    text = data.decode("utf-8", "replace")
    try:
        doc = jsonc(text)
    except (ValueError, RecursionError):
        if "folderOpen" not in text:
            return [], []
        at = data.find(b"folderOpen")
        line, col = textscan.position(data, at)
        return [
            Hit(
                "vscode-folder-open",
                line,
                col,
                textscan.line_at(data, at),
                "unparsable tasks.json mentions runOn folderOpen",
            )
        ], []
    hits: list[Hit] = []
    targets: list[str] = []
    for task in auto_tasks(doc):
        at = max(data.find(b"folderOpen"), 0)
        for cmd in task.commands:
            pos = data.find(cmd.split()[0].encode()) if cmd.split() else -1
            at = pos if pos >= 0 else at
        line, col = textscan.position(data, at)
        reasons = sorted({r for cmd in task.commands for r in commands.risks(cmd)})
        targets += [t for cmd in task.commands for t in commands.script_targets(cmd)]
        shown = " ; ".join(task.commands)[:200]
        if reasons:
            hits.append(
                Hit(
                    "vscode-folder-open-fetch",
                    line,
                    col,
                    shown,
                    f"task '{task.label}' runs on folder open and " + ", ".join(reasons),
                )
            )
        else:
            hits.append(
                Hit(
                    "vscode-folder-open",
                    line,
                    col,
                    shown,
                    f"task '{task.label}' runs on folder open",
                )
            )
    return hits, targets
