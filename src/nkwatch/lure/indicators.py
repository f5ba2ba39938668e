"""Bundled indicator data (``data/indicators.json``), loaded once and typed.

Why data: a new campaign's package name, port, dead-drop host or wallet extension is a new
line in the JSON file with its citation, not new code.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from importlib import resources
from typing import Any

from nkwatch.lure.citations import BY_KEY
from nkwatch.lure.model import Citation


@dataclass(frozen=True)
class Indicators:
    packages: dict[tuple[str, str], tuple[Citation, ...]]  # (ecosystem, name) -> reports
    c2_ports: frozenset[int]
    c2_cite: tuple[Citation, ...]
    dead_drops: frozenset[str]
    dead_drop_cite: tuple[Citation, ...]
    wallet_ids: dict[str, str]
    wallet_paths: tuple[str, ...]
    wallet_cite: tuple[Citation, ...]


def _cites(keys: list[str]) -> tuple[Citation, ...]:
    return tuple(BY_KEY[k] for k in keys)


def _build(raw: dict[str, Any]) -> Indicators:
    packages = {(p["ecosystem"], p["name"].lower()): _cites(p["cite"]) for p in raw["packages"]}
    wallets = raw["wallet_extensions"]
    return Indicators(
        packages=packages,
        c2_ports=frozenset(int(p) for p in raw["c2_ports"]["ports"]),
        c2_cite=_cites(raw["c2_ports"]["cite"]),
        dead_drops=frozenset(raw["dead_drops"]["hosts"]),
        dead_drop_cite=_cites(raw["dead_drops"]["cite"]),
        wallet_ids=dict(wallets["ids"]),
        wallet_paths=tuple(wallets["paths"]),
        wallet_cite=_cites(wallets["cite"]),
    )


@functools.cache
def load() -> Indicators:
    text = resources.files("nkwatch.lure").joinpath("data/indicators.json").read_text("utf-8")
    return _build(json.loads(text))
