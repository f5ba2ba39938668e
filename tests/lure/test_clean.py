"""Real packages installed in this environment are clean: no high, few warnings."""

from __future__ import annotations

import sysconfig
from pathlib import Path

import pytest

from nkwatch.lure import check_path

SITE = Path(sysconfig.get_paths()["purelib"])
PACKAGES = [
    "click",
    "jinja2",
    "httpx",
    "fastapi",
    "starlette",
    "pydantic",
    "setuptools",
    "pip",
    "rich",
    "stix2",
    "pymisp",
    "faker",
    "uvicorn",
    "tree_sitter_javascript",
]
NODE_MODULES = Path(__file__).resolve().parents[2] / "node_modules"


@pytest.mark.parametrize("name", PACKAGES)
def test_installed_package_is_not_high(name: str) -> None:
    folder = SITE / name
    assert folder.is_dir(), folder
    report = check_path(folder)
    assert report.files > 5
    assert report.high == 0, [(f.rule_id, f.path, f.line, f.message) for f in report.findings]
    warned = {f.path for f in report.findings}
    assert len(warned) <= max(1, report.files * 3 // 100)


def test_node_modules_is_not_high() -> None:
    assert NODE_MODULES.is_dir(), "npm install (anvil, solc) first"
    report = check_path(NODE_MODULES)
    assert report.files > 100
    assert report.high == 0, [(f.rule_id, f.path, f.line, f.message) for f in report.findings]
