"""Installs that fit their users: a capability used without its pip extra says in one line
which extra to install; the rest of nkwatch keeps working without it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from nkwatch import capabilities, extras
from nkwatch.errors import UserError
from nkwatch.settings import Settings

SRC = Path(__file__).resolve().parents[2] / "src"
PYPROJECT = SRC.parent / "pyproject.toml"


def test_require_extra_names_the_extra_and_what_is_missing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    extras.require_extra("trace")  # installed here: no error
    extras.require_extra("")  # the core always passes
    monkeypatch.setitem(extras.EXTRAS, "trace", ("numba", "nkw_no_such_module"))
    with pytest.raises(UserError) as err:
        extras.require_extra("trace", "fund tracing")
    assert str(err.value) == (
        "fund tracing needs the 'trace' extra: pip install 'nkwatch[trace]' "
        "(missing: nkw_no_such_module)"
    )
    with pytest.raises(ValueError, match="unknown extra 'tracing'"):
        extras.require_extra("tracing")


def test_every_manifest_extra_is_a_pyproject_extra() -> None:
    text = PYPROJECT.read_text()
    for cap in capabilities.load():
        if cap.requires:
            assert cap.requires in extras.EXTRAS, cap.name
            assert f"\n{cap.requires} = [" in text, cap.requires
    assert 'all = ["nkwatch[trace,hiring,service,spark,lure]"]' in text


def test_cli_command_without_its_extra_is_one_line_exit_2() -> None:
    code = (
        "import sys\n"
        "from nkwatch import extras\n"
        "extras.EXTRAS['trace'] = ('nkw_no_such_module',)\n"
        "from nkwatch.cli.main import main\n"
        "sys.argv = ['nkwatch', 'trace', 'run', '--help']\n"
        "main()\n"
    )
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert run.returncode == 2
    assert run.stderr == (
        "nkwatch: error: `nkwatch trace` needs the 'trace' extra: "
        "pip install 'nkwatch[trace]' (missing: nkw_no_such_module)\n"
    )
    assert "numba" not in run.stdout


def test_service_leaves_out_a_capability_whose_extra_is_missing(
    monkeypatch: pytest.MonkeyPatch, settings: Settings
) -> None:
    from fastapi.testclient import TestClient

    from nkwatch.service.app import create_app

    monkeypatch.setitem(extras.EXTRAS, "hiring", ("nkw_no_such_module",))
    app = create_app(settings)
    api = set(app.openapi()["paths"])
    assert "/api/v1/hiring/screenings" not in api and "/api/v1/trace/reports" in api
    with TestClient(app) as client:
        assert client.get("/applicants", follow_redirects=False).status_code == 404
        assert client.get("/screen", follow_redirects=False).status_code != 404
    assert "/applicants" not in [entry.path for entry in capabilities.nav()]
    assert "/screen" in [entry.path for entry in capabilities.nav()]
