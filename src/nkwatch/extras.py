"""Optional parts of nkwatch and the pip extras that bring them.

Why: ``pip install nkwatch`` gives the screening and intel core; tracing (numba), hiring
(Splink), the service (FastAPI) and Spark are extras. A capability used without its extra
must say, in one line, which extra to install, instead of a deep ``ModuleNotFoundError``.
:func:`require_extra` checks for the extra's packages without importing them (cheap enough
for every CLI start); the registry calls it before loading a capability's code.

Stdlib-only: the CLI reads it before anything else.
"""

from __future__ import annotations

import importlib.util

from nkwatch.errors import UserError

# extra -> top-level modules it installs (checked by import name, not distribution name);
# keep in step with [project.optional-dependencies] in pyproject.toml
EXTRAS: dict[str, tuple[str, ...]] = {
    "trace": ("numba", "msgspec"),
    "hiring": ("splink", "phonenumbers", "faker"),
    "service": ("fastapi", "uvicorn", "jinja2", "multipart", "orjson"),
    "spark": ("pyspark",),
    "lure": ("tree_sitter", "tree_sitter_javascript", "tree_sitter_typescript"),
}


class MissingExtra(UserError):
    """A part of nkwatch was used whose pip extra is not installed."""

    def __init__(self, extra: str, what: str, missing: tuple[str, ...]) -> None:
        super().__init__(
            f"{what} needs the '{extra}' extra: pip install 'nkwatch[{extra}]' "
            f"(missing: {', '.join(missing)})"
        )
        self.extra = extra
        self.missing = missing


def missing_modules(extra: str) -> tuple[str, ...]:
    """The extra's modules that cannot be imported here (empty: the extra is installed)."""
    if extra not in EXTRAS:
        raise ValueError(f"unknown extra {extra!r} (known: {', '.join(sorted(EXTRAS))})")
    return tuple(m for m in EXTRAS[extra] if importlib.util.find_spec(m) is None)


def require_extra(extra: str, what: str | None = None) -> None:
    """Raise :class:`MissingExtra` naming ``extra`` when any of its packages is missing;
    ``extra=""`` (the core) always passes."""
    if not extra:
        return
    missing = missing_modules(extra)
    if missing:
        raise MissingExtra(extra, what or f"nkwatch's {extra} part", missing)
