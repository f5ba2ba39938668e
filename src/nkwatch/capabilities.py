"""The one list of capabilities the CLI, the service, the bootstrap and the store loop over.

Why: each capability declares what it contributes in its ``manifest.py``
(:class:`nkwatch.capability.Capability`); this module finds them. The built-ins are named in
:data:`BUILTIN` and load through exactly the path an outside package takes through the
``nkwatch.capabilities`` entry-point group (datasette's ``DEFAULT_PLUGINS`` is the model),
so a plug-in is a first-class capability and the built-ins prove the plug-in path works.

A plug-in that cannot be loaded is never skipped quietly: :func:`load` raises
:class:`CapabilityLoadError` with one line naming the entry point and what went wrong.

Stdlib-only (plus :mod:`nkwatch.capability` and :mod:`nkwatch.extras`): ``nkwatch --help``
reads every manifest.
"""

from __future__ import annotations

import importlib
import importlib.metadata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

from nkwatch.capability import Capability, Command, NavEntry, split_target
from nkwatch.extras import missing_modules, require_extra

ENTRY_POINT_GROUP = "nkwatch.capabilities"

# Manifest modules of the built-in capabilities, in the order their routers, nav entries and
# bundles are taken (the store's own schema first, the service host next).
BUILTIN: tuple[str, ...] = (
    "nkwatch.store.manifest",
    "nkwatch.service.manifest",
    "nkwatch.sanctions.manifest",
    "nkwatch.intel.manifest",
    "nkwatch.hiring.manifest",
    "nkwatch.trace.manifest",
    "nkwatch.exposure.manifest",
    "nkwatch.lure.manifest",
)


class CapabilityLoadError(RuntimeError):
    """A capability (built-in or plug-in) cannot be loaded or contradicts another one."""


@dataclass(frozen=True)
class Source:
    """Where a manifest comes from: ``origin`` names it in errors ("built-in" / entry point)."""

    origin: str
    target: str  # "module" or "module:attr"


def _sources() -> Iterator[Source]:
    for module in BUILTIN:
        yield Source("built-in", module)
    for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
        dist = ep.dist.name if ep.dist is not None else "?"
        yield Source(f"entry point {ep.name!r} of {dist}", ep.value)


def load_manifest(source: Source) -> Capability:
    """Import one manifest: a module exposing ``CAPABILITY`` or a "module:attr" target."""
    module_name, _, attr = source.target.partition(":")
    try:
        obj: Any = importlib.import_module(module_name.strip())
        obj = getattr(obj, (attr or "CAPABILITY").strip())
    except Exception as exc:  # a broken plug-in: say which and why, on one line
        raise CapabilityLoadError(
            f"capability {source.origin} ({source.target}) failed to load: "
            f"{type(exc).__name__}: {exc}"
        ) from exc
    if not isinstance(obj, Capability):
        raise CapabilityLoadError(
            f"capability {source.origin} ({source.target}) is a {type(obj).__name__}, "
            "not a nkwatch.capability.Capability"
        )
    return obj


def _check(caps: tuple[Capability, ...]) -> None:
    names: set[str] = set()
    commands: dict[str, str] = {}
    for cap in caps:
        if cap.name in names:
            raise CapabilityLoadError(f"two capabilities are named {cap.name!r}")
        names.add(cap.name)
        for command in cap.commands:
            if command.name in commands:
                raise CapabilityLoadError(
                    f"command {command.name!r} is declared by {commands[command.name]!r} "
                    f"and {cap.name!r}"
                )
            commands[command.name] = cap.name
        for target in (*(c.target for c in cap.commands), *cap.routers, *cap.bundles,
                       *cap.dashboard):  # fmt: skip
            try:
                split_target(target)
            except ValueError as exc:
                raise CapabilityLoadError(f"capability {cap.name!r}: {exc}") from None


@cache
def load() -> tuple[Capability, ...]:
    """Every capability, built-ins first, each plug-in once (cached for the process)."""
    caps: list[Capability] = []
    seen: set[str] = set()
    for source in _sources():
        if source.target in seen:  # an installed package re-declaring a built-in
            continue
        seen.add(source.target)
        caps.append(load_manifest(source))
    result = tuple(caps)
    _check(result)
    return result


def commands() -> dict[str, Command]:
    """Top-level CLI commands by name."""
    return {command.name: command for cap in load() for command in cap.commands}


def nav() -> tuple[NavEntry, ...]:
    """Navigation entries of every installed capability's pages, by ``order``."""
    entries = [entry for cap in load() if installed(cap) for entry in cap.nav]
    return tuple(sorted(entries, key=lambda entry: entry.order))


def resolve(target: str) -> Any:
    """Import the object a "module:attr" target names."""
    module_name, attr = split_target(target)
    return getattr(importlib.import_module(module_name), attr)


def owner(target: str) -> Capability:
    """The capability declaring ``target`` (a command, router or bundle target)."""
    for cap in load():
        if target in (*(c.target for c in cap.commands), *cap.routers, *cap.bundles):
            return cap
    raise LookupError(f"no capability declares {target!r}")


def installed(cap: Capability) -> bool:
    """Whether the pip extra the capability needs is installed (the core always is)."""
    return not cap.requires or not missing_modules(cap.requires)


def require(cap: Capability, what: str) -> None:
    """Raise :class:`~nkwatch.extras.MissingExtra` (one line) if ``cap``'s extra is missing."""
    require_extra(cap.requires, what)
