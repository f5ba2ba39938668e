"""What a capability contributes to the product, declared as data.

Why: the CLI, the service, the start-up bootstrap and the store loop over capabilities
instead of keeping four hand-written lists. Each built-in capability has a
``<capability>/manifest.py`` exposing ``CAPABILITY``; outside packages contribute the same
way through the ``nkwatch.capabilities`` entry-point group (datasette's built-ins, which load
like outside plug-ins, are the model). Everything is named by import path ("module:attr"),
so reading a manifest imports nothing heavy: the CLI can list every command, with its
one-line help, without loading a command's code.

This module must stay stdlib-only: ``import nkwatch.cli.main`` reads every manifest.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Command:
    """A top-level CLI command or group, loaded only when it is run (or its help shown)."""

    name: str
    target: str  # "module:attr" of a click.Command / click.Group
    help: str  # the one-line help shown by ``nkwatch --help`` without importing ``target``


@dataclass(frozen=True)
class NavEntry:
    """A link in the web UI's navigation; ``role`` is the least role that sees it."""

    path: str
    label: str
    role: str = "viewer"  # viewer | analyst | admin (service.auth.Role names)
    order: int = 100


@dataclass(frozen=True)
class Capability:
    """One capability's contributions. Targets are import paths, resolved lazily.

    - ``commands``: top-level CLI commands.
    - ``routers``: "module:attr" of FastAPI ``APIRouter``s (API and pages alike). A router's
      module may define ``startup(state)``, which the service runs once the store is open.
    - ``nav``: navigation entries of its pages.
    - ``migrations``: the package holding its numbered ``NNNN_name.sql`` files
      (e.g. "nkwatch.trace.migrations"); versions are global, so each capability keeps
      to its own range.
    - ``bundles``: "module:attr" of functions ``(Store) -> object`` that import the
      capability's bundled data when it is missing (run by ``nkwatch serve`` at start-up).
    - ``dashboard``: "module:attr" of functions ``(ServiceState) -> dict`` whose keys are
      the dashboard's panels (merged in capability order).
    - ``templates``: the package whose ``templates/`` folder holds its page templates
      (e.g. "nkwatch.trace"); template names are global, so name them after the capability.
      A ``static/`` folder beside it is served at ``/static/<name>/`` (its scripts, styles).
    - ``requires``: the pip extra that brings its third-party dependencies ("" = core).
    """

    name: str
    summary: str
    commands: tuple[Command, ...] = ()
    routers: tuple[str, ...] = ()
    nav: tuple[NavEntry, ...] = ()
    migrations: str | None = None
    bundles: tuple[str, ...] = ()
    dashboard: tuple[str, ...] = ()
    templates: str | None = None
    requires: str = ""


def split_target(target: str) -> tuple[str, str]:
    """'pkg.module:attr' -> ('pkg.module', 'attr'); a target without ':' is a bug."""
    module, sep, attr = target.partition(":")
    if not sep or not module or not attr:
        raise ValueError(f"capability target {target!r} is not 'module:attr'")
    return module, attr


def lazy_exports(package: str, exports: dict[str, str]) -> Callable[[str], Any]:
    """A module ``__getattr__`` for a capability's public API (``__init__.py``).

    ``exports`` maps each public name to the module defining it; the module is imported the
    first time the name is used, so ``import nkwatch.<capability>`` stays cheap (PEP 562).
    """

    def __getattr__(name: str) -> Any:
        module = exports.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module), name)
        setattr(sys.modules[package], name, value)  # later look-ups skip this function
        return value

    return __getattr__
