"""The CLI answers at once: reading the command list imports no heavy library (issue #17).

Each check runs in a fresh interpreter, so what it sees in ``sys.modules`` is what a user's
``nkwatch`` process loads, not what earlier tests imported.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

# The libraries that made ``nkwatch --help`` take ~3 s: each must load only inside the
# function that needs it.
HEAVY = (
    "numba",
    "splink",
    "pyarrow",
    "pypinyin",
    "ToJyutping",
    "opencc",
    "lxml",
    "fastapi",
    "duckdb",
    "numpy",
    "pandas",
    "matplotlib",
    "stix2",
    "pymisp",
)


def _loaded_after(code: str) -> set[str]:
    probe = (
        f"{code}\nimport json, sys\n"
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, env=os.environ
    ).stdout
    return set(json.loads(out.splitlines()[-1]))


def test_import_cli_main_loads_no_heavy_library() -> None:
    loaded = _loaded_after("import nkwatch.cli.main")
    assert loaded.isdisjoint(HEAVY), sorted(loaded & set(HEAVY))


def test_help_loads_no_heavy_library_and_lists_every_command() -> None:
    code = (
        "import contextlib, io\n"
        "from nkwatch.cli.main import cli\n"
        "buf = io.StringIO()\n"
        "with contextlib.redirect_stdout(buf), contextlib.suppress(SystemExit):\n"
        "    cli(['--help'], prog_name='nkwatch')\n"
        "assert 'Commands:' in buf.getvalue() and 'trace ' in buf.getvalue(), buf.getvalue()"
    )
    loaded = _loaded_after(code)
    assert loaded.isdisjoint(HEAVY), sorted(loaded & set(HEAVY))
    assert "nkwatch" in loaded


def test_console_script_help_matches_manifest_lines() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "nkwatch", "--help"], capture_output=True, text=True, check=True
    ).stdout
    for name in (
        "demo",
        "exposure",
        "hiring",
        "intel",
        "keys",
        "lists",
        "screen",
        "serve",
        "store",
        "trace",
        "users",
        "watch",
    ):
        assert f"\n  {name} " in out, out
    assert "Follow stolen funds to the exchanges, bridges and mixers..." in out


@pytest.mark.parametrize(
    ("group", "sub", "listed"),
    [
        ("trace", "run", "freeze-requests"),
        ("screen", "file", "address"),
        ("lists", "import", "diff"),
        ("exposure", "file", "address"),
        ("hiring", "screen", "generate"),
        ("intel", "stats", "export"),
        ("keys", "create", "revoke"),
        ("users", "create", "create"),
        ("lake", "show", "formats"),
        ("lure", "check", "check"),
        ("store", "info", "info"),
        ("watch", None, "--config"),
        ("serve", None, "--workers"),
        ("demo", None, "--batch"),
    ],
)
def test_group_help_loads_no_heavy_library(group: str, sub: str | None, listed: str) -> None:
    """A group's help (and a subcommand's) is as lazy as the top's: ``nkwatch trace --help``
    imported numba, pyarrow, DuckDB and pydantic through the engine and importers, ``screen``
    and ``lists`` DuckDB, numpy and lxml through the matcher, the store and the parsers,
    ``watch`` pyarrow through its alert sinks, ``serve`` and ``demo`` DuckDB."""
    runs = (
        f"([{group!r}, '--help'], [{group!r}, {sub!r}, '--help'])"
        if sub
        else f"([{group!r}, '--help'],)"
    )
    code = (
        "import contextlib, io\n"
        "from nkwatch.cli.main import cli\n"
        f"for args in {runs}:\n"
        "    buf = io.StringIO()\n"
        "    with contextlib.redirect_stdout(buf), contextlib.suppress(SystemExit):\n"
        "        cli(args, prog_name='nkwatch')\n"
        f"    assert 'Usage: nkwatch {group}' in buf.getvalue(), buf.getvalue()\n"
        f"    assert len(args) == 3 or {listed!r} in buf.getvalue(), buf.getvalue()\n"
    )
    loaded = _loaded_after(code)
    assert loaded.isdisjoint((*HEAVY, "pydantic")), sorted(loaded & {*HEAVY, "pydantic"})


def test_an_intel_yaml_import_loads_no_misp_library() -> None:
    """``intel import`` of a YAML or CSV file imported pymisp through the MISP reader: 1.6 s
    of a 4.4 s CPU import (seen in the crash sweep of #16, which runs it hundreds of times)."""
    code = (
        "from nkwatch.intel.importers import read_text\n"
        "batch = read_text('incidents: []\\n', 'a.yaml', set())\n"
        "assert batch.incidents == ()"
    )
    loaded = _loaded_after(code)
    assert "pymisp" not in loaded and "nkwatch" in loaded, sorted(loaded)
