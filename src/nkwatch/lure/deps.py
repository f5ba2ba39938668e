"""Lockfiles and Python requirement files: names of reported DPRK packages.

Each format is read for what it declares (lockfile entries, requirement lines, pyproject
tables, ``setup.py`` ``install_requires``), so a name in a comment or README is not a hit.
"""

from __future__ import annotations

import ast
import json
import re
import tomllib
from collections.abc import Iterable
from typing import Any

from nkwatch.lure import textscan
from nkwatch.lure.indicators import Indicators
from nkwatch.lure.model import Hit

LOCKFILES = {"package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml", "bun.lock"}
PY_FILES = {"pyproject.toml", "Pipfile", "poetry.lock", "setup.py", "setup.cfg", "Pipfile.lock"}
_REQ = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")
_YARN = re.compile(r'^"?(@?[^@\s"]+)@', re.M)
_PNPM = re.compile(r"^\s+'?/?(@?[^@\s'/]+(?:/[^@\s'/]+)?)@", re.M)


def norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def is_requirements(name: str) -> bool:
    return name.endswith(".txt") and ("requirement" in name or name.startswith("req"))


def _npm_lock(text: str) -> Iterable[str]:
    doc = json.loads(text)
    if not isinstance(doc, dict):
        return
    for key in doc.get("packages") or {}:
        if "node_modules/" in key:
            yield key.rsplit("node_modules/", 1)[1]
    yield from (doc.get("dependencies") or {}).keys()


def _py_names(fname: str, text: str) -> Iterable[str]:
    if fname == "setup.py":
        tree = ast.parse(text)
        for node in ast.walk(tree):
            if isinstance(node, ast.keyword) and node.arg in ("install_requires", "setup_requires"):
                for c in ast.walk(node.value):
                    if isinstance(c, ast.Constant) and isinstance(c.value, str):
                        m = _REQ.match(c.value)
                        if m:
                            yield m.group(1)
        return
    if fname == "Pipfile.lock":
        lock = json.loads(text)
        for section in ("default", "develop"):
            yield from (lock.get(section) or {}).keys()
        return
    if fname == "setup.cfg":
        yield from (m.group(1) for line in text.splitlines() if (m := _REQ.match(line)))
        return
    doc: dict[str, Any] = tomllib.loads(text)
    yield from _toml_names(doc)


def _toml_names(doc: dict[str, Any]) -> Iterable[str]:
    project = doc.get("project") or {}
    reqs = list(project.get("dependencies") or [])
    for extra in (project.get("optional-dependencies") or {}).values():
        reqs += list(extra)
    yield from (m.group(1) for r in reqs if isinstance(r, str) and (m := _REQ.match(r)))
    poetry = (doc.get("tool") or {}).get("poetry") or {}
    yield from (poetry.get("dependencies") or {}).keys()
    for table in ("packages", "dev-packages"):
        yield from (doc.get(table) or {}).keys()
    for pkg in doc.get("package") or []:
        if isinstance(pkg, dict) and isinstance(pkg.get("name"), str):
            yield pkg["name"]


def declared(fname: str, text: str) -> tuple[str, list[str]]:
    """(ecosystem, declared names) of a dependency file; ValueError if it does not parse."""
    try:
        if fname == "package-lock.json" or fname == "npm-shrinkwrap.json":
            return "npm", list(_npm_lock(text))
        if fname == "yarn.lock":
            return "npm", _YARN.findall(text)
        if fname in ("pnpm-lock.yaml", "bun.lock"):
            return "npm", _PNPM.findall(text) + re.findall(r'"(@?[^"@\s]+)@', text)
        if is_requirements(fname):
            lines = (line.split("#", 1)[0] for line in text.splitlines())
            return "pypi", [m.group(1) for line in lines if (m := _REQ.match(line))]
        return "pypi", list(_py_names(fname, text))
    except (SyntaxError, tomllib.TOMLDecodeError, json.JSONDecodeError, AttributeError) as exc:
        raise ValueError(str(exc)) from None


def check(fname: str, data: bytes, ind: Indicators) -> list[Hit]:
    try:
        eco, names = declared(fname, data.decode("utf-8", "replace"))
    except ValueError:
        return []
    hits: list[Hit] = []
    seen: set[str] = set()
    for name in names:
        key = name.lower() if eco == "npm" else norm(name)
        cites = ind.packages.get((eco, key))
        if cites and key not in seen:
            seen.add(key)
            at = max(data.find(name.encode()), 0)
            line, col = textscan.position(data, at)
            hits.append(
                Hit(
                    "known-malicious-package",
                    line,
                    col,
                    textscan.line_at(data, at),
                    f"{fname} declares {name}",
                    extra_citations=cites,
                )
            )
    return hits
