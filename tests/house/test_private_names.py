"""No private name crosses a module border (issue #17): a ``_name`` defined in one module is
used only there; a private submodule (``pkg._mod``) only inside its own package.

Read from the sources with ``ast`` (nothing is imported): ``from m import _x``, and
``m._x`` where ``m`` was bound by ``import`` / ``from pkg import m`` to an nkwatch module.
"""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"

# Crossings still waiting to be removed (none left). This list only shrinks: a new
# crossing fails the test, and a fixed one should be deleted here.
KNOWN: dict[str, list[str]] = {}


def _module_name(path: Path) -> str:
    parts = path.relative_to(SRC).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def _resolve(module: str, node: ast.ImportFrom, is_package: bool) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".")
    base = base if is_package else base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join([*base, node.module] if node.module else base)


def _is_module(name: str) -> bool:
    path = SRC / name.replace(".", "/")
    return path.is_dir() or path.with_suffix(".py").exists()


def crossings(path: Path) -> list[str]:
    """The private names ``path`` takes from other modules, as 'line: what'."""
    module = _module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    tree = ast.parse(path.read_text("utf-8"))
    found: list[str] = []
    bound: dict[str, str] = {}  # local name -> nkwatch module it stands for
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            source = _resolve(module, node, path.name == "__init__.py")
            if not source.startswith("nkwatch"):
                continue
            for alias in node.names:
                target = f"{source}.{alias.name}"
                if _is_module(target):
                    bound[alias.asname or alias.name] = target
                    if _private(alias.name) and not package.startswith(source):
                        found.append(f"{node.lineno}: private module {target}")
                elif _private(alias.name) and source != module:
                    found.append(f"{node.lineno}: {alias.name} from {source}")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("nkwatch") and alias.asname:
                    bound[alias.asname] = alias.name
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in bound
            and _private(node.attr)
            and bound[node.value.id] != module
            and not _is_module(f"{bound[node.value.id]}.{node.attr}")
        ):
            found.append(f"{node.lineno}: {node.value.id}.{node.attr} of {bound[node.value.id]}")
    return found


def test_the_checker_sees_a_crossing(tmp_path: Path) -> None:
    probe = SRC / "nkwatch" / "trace" / "_probe_private_names.py"
    probe.write_text(
        "from nkwatch.trace.kernel_lots import _push\n"
        "from nkwatch.trace import kernel\n"
        "kernel._sweep\n"
    )
    try:
        assert crossings(probe) == [
            "1: _push from nkwatch.trace.kernel_lots",
            "3: kernel._sweep of nkwatch.trace.kernel",
        ]
    finally:
        probe.unlink()


def test_no_private_name_crosses_a_module_border() -> None:
    found = {
        str(path.relative_to(SRC)): hits
        for path in sorted((SRC / "nkwatch").rglob("*.py"))
        if (hits := crossings(path))
    }
    new = {
        path: [hit for hit in hits if hit.split(": ", 1)[1] not in KNOWN.get(path, [])]
        for path, hits in found.items()
    }
    assert not any(new.values()), new
