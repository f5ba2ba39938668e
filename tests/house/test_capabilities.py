"""The capability registry: built-ins load like plug-ins, a plug-in is picked up from its
entry point (CLI command, migrations), and a broken plug-in stops nkwatch with one line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import click
from fastapi import APIRouter

from nkwatch import capabilities
from nkwatch.capability import Capability
from nkwatch.store.db import load_migrations

SRC = Path(__file__).resolve().parents[2] / "src"


def test_every_builtin_target_resolves_to_what_it_declares() -> None:
    caps = capabilities.load()
    assert [c.name for c in caps][: len(capabilities.BUILTIN)] == [
        "store",
        "service",
        "sanctions",
        "intel",
        "hiring",
        "trace",
        "exposure",
        "lure",
    ][: len(capabilities.BUILTIN)]
    for cap in caps:
        assert isinstance(cap, Capability)
        for command in cap.commands:
            resolved = capabilities.resolve(command.target)
            assert isinstance(resolved, click.Command), command
            assert resolved.name == command.name, command
        for target in cap.routers:
            assert isinstance(capabilities.resolve(target), APIRouter), target
        for target in cap.bundles:
            assert callable(capabilities.resolve(target)), target


def test_migrations_keep_their_versions_and_names() -> None:
    """Existing stores migrate identically after the move into the capabilities."""
    found = [(m.version, m.name) for m in load_migrations()]
    for expected in [
        (1, "core"),
        (100, "sanctions"),
        (200, "intel"),
        (300, "trace"),
        (350, "evm_cache"),
        (351, "evm_address_scans"),
        (450, "watch"),
        (500, "hiring"),
        (600, "service"),
        (601, "audit_segments"),
    ]:
        assert expected in found
    assert found == sorted(found)


def _plugin(root: Path, dist: str, package: str, manifest: str) -> None:
    (root / package).mkdir()
    (root / package / "__init__.py").write_text("")
    (root / package / "manifest.py").write_text(manifest)
    info = root / f"{dist.replace('-', '_')}-0.1.dist-info"
    info.mkdir()
    info.joinpath("METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: 0.1\n")
    info.joinpath("entry_points.txt").write_text(
        f"[nkwatch.capabilities]\n{package} = {package}.manifest\n"
    )


def _nkwatch(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(root), str(SRC)])}
    return subprocess.run(
        [sys.executable, "-m", "nkwatch", *args], capture_output=True, text=True, env=env
    )


def test_a_plugin_contributes_a_command_and_a_migration(tmp_path: Path) -> None:
    _plugin(
        tmp_path,
        "nkw-greeter",
        "nkw_greeter",
        "from nkwatch.capability import Capability, Command\n"
        "CAPABILITY = Capability(name='greeter', summary='test plug-in',\n"
        "    commands=(Command('greet', 'nkw_greeter.cli:greet', 'Greet the analyst.'),),\n"
        "    migrations='nkw_greeter.migrations')\n",
    )
    (tmp_path / "nkw_greeter" / "cli.py").write_text(
        "import click\n@click.command('greet')\ndef greet() -> None:\n    click.echo('hello')\n"
    )
    (tmp_path / "nkw_greeter" / "migrations").mkdir()
    (tmp_path / "nkw_greeter" / "migrations" / "__init__.py").write_text("")
    (tmp_path / "nkw_greeter" / "migrations" / "0900_greeter.sql").write_text(
        "CREATE TABLE greeter_greetings (who VARCHAR);"
    )
    listed = _nkwatch(tmp_path, "--help")
    assert listed.returncode == 0, listed.stderr
    assert "greet     Greet the analyst." in listed.stdout
    assert _nkwatch(tmp_path, "greet").stdout == "hello\n"
    info = _nkwatch(tmp_path, "store", "info", "--db", str(tmp_path / "nk.duckdb"))
    assert "schema version: 900" in info.stdout, info.stderr
    assert "greeter_greetings: 0" in info.stdout


def test_a_broken_plugin_fails_loudly_with_one_line(tmp_path: Path) -> None:
    _plugin(tmp_path, "nkw-broken", "nkw_broken", "import nkw_no_such_module\n")
    run = _nkwatch(tmp_path, "--help")
    assert run.returncode == 70
    assert run.stdout == ""
    assert run.stderr == (
        "nkwatch: error: capability entry point 'nkw_broken' of nkw-broken "
        "(nkw_broken.manifest) failed to load: ModuleNotFoundError: "
        "No module named 'nkw_no_such_module'\n"
    )


def test_a_plugin_reusing_a_command_name_is_refused(tmp_path: Path) -> None:
    _plugin(
        tmp_path,
        "nkw-clash",
        "nkw_clash",
        "from nkwatch.capability import Capability, Command\n"
        "CAPABILITY = Capability(name='clash', summary='x',\n"
        "    commands=(Command('trace', 'nkw_clash.cli:trace', 'Another trace.'),))\n",
    )
    run = _nkwatch(tmp_path, "--help")
    assert run.returncode == 70
    assert "command 'trace' is declared by 'trace' and 'clash'" in run.stderr


PUBLIC = ("store", "sanctions", "intel", "exposure", "hiring", "lure")


def test_public_apis_are_lazy_and_every_export_resolves() -> None:
    """``import nkwatch.<capability>`` loads none of its modules; each exported name loads."""
    code = (
        "import importlib, json, sys\n"
        f"caps = {PUBLIC!r}\n"
        "for cap in caps:\n"
        "    importlib.import_module(f'nkwatch.{cap}')\n"
        "loaded = sorted(m for m in sys.modules if m.count('.') >= 2)\n"
        "for cap in caps:\n"
        "    package = sys.modules[f'nkwatch.{cap}']\n"
        "    for name in package.__all__:\n"
        "        getattr(package, name)\n"
        "print(json.dumps(loaded))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "[]"
