"""Mutations of the rebuilt lures, generated at test time: what a campaign changes between
waves (names, indentation, split strings, another config file, another hook, fewer blanks)."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

CODE = {".js", ".cjs", ".mjs", ".ts", ".tsx", ".py", ".woff2", ".ttf"}
_JS_DECL = re.compile(r"\b(?:const|let|var|function)\s+([A-Za-z_$][\w$]*)")
_PY_DECL = re.compile(r"^\s*(?:def\s+(\w+)|(\w+)\s*=[^=])", re.M)
_KEEP = {
    "require",
    "module",
    "exports",
    "exec",
    "spawn",
    "eval",
    "Function",
    "main",
    "setup",
    "config",
    "nextConfig",
    "default",
    "app",
    "router",
    "handler",
    "_",
}
_STRING = re.compile(r"""(?<![\w)])(['"])([^'"\\\n]{10,})\1""")
CONFIG_SWAP = {
    "tailwind.config.js": "postcss.config.js",
    "next.config.mjs": "vite.config.mjs",
    "postcss.config.mjs": "next.config.mjs",
    ".eslintrc.js": "babel.config.js",
    "vite.config.ts": "vitest.config.ts",
}
HOOK_SWAP = {"preinstall": "install", "postinstall": "preinstall", "prepare": "postinstall"}


def _code_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file() and p.suffix in CODE]


def _text(path: Path) -> str | None:
    try:
        return path.read_text()
    except UnicodeDecodeError:
        return None


def rename(root: Path) -> bool:
    changed = False
    for path in _code_files(root):
        text = _text(path)
        if text is None:
            continue
        if path.suffix == ".py":
            names = {a or b for a, b in _PY_DECL.findall(text)}
        else:
            names = set(_JS_DECL.findall(text))
        names |= set(re.findall(r"\b_0x[0-9a-f]{4,6}\b", text))
        for i, name in enumerate(sorted(names - _KEEP)):
            new = f"_0x{0xA000 + i:x}" if name.startswith("_0x") else f"v{i}q{len(name)}"
            text = re.sub(rf"(?<![\w$.'\"]){re.escape(name)}(?![\w$'\"])", new, text)
            changed = True
        path.write_text(text)
    return changed


def reindent(root: Path) -> bool:
    changed = False
    for path in [*_code_files(root), *root.rglob("*.json")]:
        text = _text(path)
        if text is None or path.name == "LURE.json":
            continue
        lines = [
            re.sub(r"^( {2})+", lambda m: "\t" * (len(m.group(0)) // 2), line)
            for line in text.split("\n")
        ]
        path.write_bytes("\r\n".join(lines).encode())
        changed = True
    return changed


def _split(text: str) -> str:
    def cut(m: re.Match[str]) -> str:
        q, body = m.group(1), m.group(2)
        before = text[max(0, m.start() - 12) : m.start()]
        if "require(" in before or "import" in before or "from " in before:
            return m.group(0)
        half = len(body) // 2
        return f"{q}{body[:half]}{q} + {q}{body[half:]}{q}"

    return _STRING.sub(cut, text)


def split_strings(root: Path) -> bool:
    return _rewrite(root, _split)


def other_file(root: Path) -> bool:
    """Move the payload to another config file, another npm hook or another task shape."""
    changed = False
    for path in list(root.rglob("*")):
        if path.name in CONFIG_SWAP:
            path.rename(path.with_name(CONFIG_SWAP[path.name]))
            changed = True
        elif path.name == "package.json":
            doc = json.loads(path.read_text())
            scripts = doc.get("scripts", {})
            for old, new in HOOK_SWAP.items():
                if old in scripts and new not in scripts:
                    scripts[new] = scripts.pop(old)
                    changed = True
                    break
            path.write_text(json.dumps(doc, indent=2))
        elif path.name == "tasks.json":
            text = path.read_text().replace('"runOptions"', '"runOptions" ', 1)
            text = re.sub(r'"label":\s*"[^"]*"', '"label": "setup workspace"', text)
            path.write_text(text)
            changed = True
        elif path.suffix == ".py" and path.name != "setup.py":
            path.rename(path.with_name("helpers_" + path.name))
            changed = True
    return changed


def _rewrite(root: Path, change: Callable[[str], str]) -> bool:
    """Apply ``change`` to every code file; True when any file changed."""
    changed = False
    for path in _code_files(root):
        text = _text(path)
        if text is not None and (new := change(text)) != text:
            path.write_text(new)
            changed = True
    return changed


def fewer_blanks(root: Path) -> bool:
    return _rewrite(root, lambda text: re.sub(r"[ \t]{120,}", " \t" * 50, text))


MUTATIONS: dict[str, Callable[[Path], bool]] = {
    "rename": rename,
    "reindent": reindent,
    "split-strings": split_strings,
    "other-file": other_file,
    "fewer-blanks": fewer_blanks,
}


def mutants(lure: Path, into: Path) -> Iterator[tuple[str, Path]]:
    """(mutation name, folder) for each mutation that changes this lure."""
    for name, mutate in MUTATIONS.items():
        dest = into / f"{lure.name}--{name}"
        shutil.copytree(lure, dest, ignore=shutil.ignore_patterns("LURE.json"))
        if mutate(dest):
            yield name, dest
        else:
            shutil.rmtree(dest)
