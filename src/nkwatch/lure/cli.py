"""``nkwatch lure check PATH``: is this coding test or package a DPRK developer lure?"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click


@click.group("lure")
def lure_group() -> None:
    """Check a repository or package for DPRK developer-lure traits (nothing is run)."""


@lure_group.command("check")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--sarif", is_flag=True, help="Print the report as SARIF 2.1.0.")
def check_command(path: Path, as_json: bool, sarif: bool) -> None:
    """Check PATH (folder, git checkout, .zip, .tar.gz/.tgz, wheel or sdist).

    Exit 0 when nothing is high (warnings are still listed), 3 when a finding is high,
    2 on bad input.
    """
    from nkwatch.errors import UserError
    from nkwatch.lure import render
    from nkwatch.lure.check import check_path

    if as_json and sarif:
        raise UserError("choose one of --json and --sarif")
    report = check_path(path)
    if sarif:
        click.echo(json.dumps(render.to_sarif(report), indent=2, ensure_ascii=False))
    elif as_json:
        click.echo(json.dumps(render.to_json(report), indent=2, ensure_ascii=False))
    else:
        click.echo(render.to_text(report))
    sys.exit(report.exit_code)
