"""Which name-matching modules run compiled (mypyc, see setup.py), and whether each build is current.

A compiled extension shadows its ``.py`` file: after ``align.py`` is edited and not rebuilt,
Python would quietly keep running the old code. ``module_builds`` compares each compiled
module's recorded source digest (written by setup.py into ``_build.py``) with the source as it
is now; the test session refuses to start on a stale build (tests/conftest.py), and the
benchmarks print which kind of build they measured.
"""

from __future__ import annotations

import hashlib
import importlib
from dataclasses import dataclass
from pathlib import Path

# Compiled by setup.py (which reads this tuple): the whole search path, not the readings
# (translit/, lexicon), whose time is spent in regexes and third-party romanisers.
COMPILED = (
    "align",
    "score",
    "prepared",
    "han",
    "arabic",
    "index",
    "facts",
    "keys",
    "variants",
    "normalize",
)


@dataclass(frozen=True, slots=True)
class ModuleBuild:
    name: str
    compiled: bool
    current: bool  # interpreted, or compiled from the source file as it is now


def recorded_sources() -> dict[str, str]:
    """Module -> sha256 of the source each compiled module was built from (``{}``: none)."""
    try:
        build = importlib.import_module(f"{__package__}._build")
    except ModuleNotFoundError:  # a source tree that was never built: nothing is compiled
        return {}
    sources: dict[str, str] = build.SOURCES
    return sources


def module_builds() -> tuple[ModuleBuild, ...]:
    recorded = recorded_sources()
    builds = []
    for name in COMPILED:
        module = importlib.import_module(f"{__package__}.{name}")
        origin = Path(module.__file__ or "")
        compiled = origin.suffix != ".py"
        source = origin.with_name(f"{name}.py")
        current = not compiled or (
            not source.exists()  # installed without sources: nothing to drift from
            or recorded.get(name) == hashlib.sha256(source.read_bytes()).hexdigest()
        )
        builds.append(ModuleBuild(name, compiled, current))
    return tuple(builds)


def describe() -> str:
    """One line for benchmark output: which hot-path modules are compiled."""
    builds = module_builds()
    compiled = [b.name for b in builds if b.compiled]
    stale = [b.name for b in builds if not b.current]
    text = f"compiled (mypyc): {', '.join(compiled)}" if compiled else "interpreted (not compiled)"
    return text + (f"; STALE: {', '.join(stale)}" if stale else "")
