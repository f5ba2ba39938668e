"""``nkwatch hiring``: screen applicant files, show stored reports, generate test populations."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING

import click

from nkwatch.clitools import emit_json, pass_settings, store_for
from nkwatch.errors import UserError
from nkwatch.settings import Settings

if TYPE_CHECKING:
    from nkwatch.hiring.indicators.base import SanctionsChecker
    from nkwatch.hiring.model import Dataset
    from nkwatch.store import Store

FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


@click.group("hiring")
def hiring_group() -> None:
    """DPRK IT-worker indicators and linking of applications that hide one operator."""


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _with_events(data: Dataset, logins: Path | None, hosts: Path | None) -> Dataset:
    from nkwatch.hiring.importers import read_events
    from nkwatch.hiring.model import Dataset, HostEvent, LoginEvent

    extra_logins, extra_hosts, errors = list(data.logins), list(data.host_events), list(data.errors)
    if logins:
        events, errs = read_events(logins, "login")
        extra_logins += [e for e in events if isinstance(e, LoginEvent)]
        errors += errs
    if hosts:
        hevents, errs = read_events(hosts, "host")
        extra_hosts += [e for e in hevents if isinstance(e, HostEvent)]
        errors += errs
    return Dataset(
        applicants=data.applicants,
        logins=tuple(extra_logins),
        host_events=tuple(extra_hosts),
        errors=tuple(errors),
    )


def _checker(store: Store) -> tuple[SanctionsChecker, tuple[str, ...]]:
    """The sanctions screener over the store's active lists (bundled lists if none yet)."""
    from nkwatch.hiring.sanctions_adapter import ScreenerChecker
    from nkwatch.sanctions import DEFAULT_CACHE, ensure_bundled, list_versions

    if not any(v.active for v in list_versions(store)):
        ensure_bundled(store)
    checker = ScreenerChecker(DEFAULT_CACHE.get(store))
    return checker, checker.versions


@hiring_group.command("screen")
@click.argument("file", type=FILE)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="Write the report here (text, or JSON with --json).",
)
@click.option("--json", "as_json", is_flag=True, help="Write the report as JSON.")
@click.option("--logins", type=FILE, help="Login event log (CSV or JSON Lines).")
@click.option("--host-events", type=FILE, help="Host/EDR/IAM event log (CSV or JSON Lines).")
@click.option("--vpn-ranges", type=FILE, help="Extra VPN ranges: CIDR<TAB>label per line.")
@click.option("--no-sanctions", is_flag=True, help="Skip employer/payout sanctions screening.")
@click.option("--no-splink", is_flag=True, help="Skip probabilistic (Splink) linking.")
@pass_settings
def screen_cmd(
    settings: Settings,
    file: Path,
    output: Path,
    as_json: bool,
    logins: Path | None,
    host_events: Path | None,
    vpn_ranges: Path | None,
    no_sanctions: bool,
    no_splink: bool,
) -> None:
    """Screen FILE (CSV, JSON, JSON Lines or an ATS export); bad records are reported."""
    from nkwatch.hiring import report as render
    from nkwatch.hiring import repository
    from nkwatch.hiring.importers import read_applicants
    from nkwatch.hiring.refdata import ReferenceData
    from nkwatch.hiring.screening import ScreeningOptions, screen

    data = _with_events(read_applicants(file), logins, host_events)
    refdata = ReferenceData.bundled()
    if vpn_ranges:
        refdata = refdata.with_vpn_file(vpn_ranges)
    with store_for(settings) as store:
        checker, versions = (None, ()) if no_sanctions else _checker(store)
        result = screen(
            data,
            ScreeningOptions(
                refdata=refdata,
                sanctions=checker,
                use_splink=not no_splink,
                sanctions_versions=versions,
            ),
        )
        doc = render.to_json(result)
        try:
            output.write_text(
                json.dumps(doc, ensure_ascii=False, indent=2) if as_json else render.to_text(doc),
                encoding="utf-8",
            )
        except OSError as exc:
            raise UserError(f"cannot write report: {exc.strerror}", where=str(output)) from exc
        sid = repository.save(store, result, source=str(file), sha256=_sha256(file))
    s = doc["summary"]
    click.echo(
        f"screening {sid}: {s['screened']} screened, {s['rejected_records']} rejected,"
        f" {s['field_warnings']} field warnings; levels {s['levels']};"
        f" {s['clusters']} clusters -> {output}"
    )


@hiring_group.command("report")
@click.argument("item_id")
@click.option("--screening", "screening_id", type=int, help="Screening run (default: latest).")
@click.option("--json", "as_json", is_flag=True)
@pass_settings
def report_cmd(settings: Settings, item_id: str, screening_id: int | None, as_json: bool) -> None:
    """Show the stored report of a person (record id) or a cluster (C00001...)."""
    from nkwatch.hiring import report as render
    from nkwatch.hiring import repository

    with store_for(settings) as store:
        doc = repository.lookup(store, item_id, screening_id)
    if as_json:
        emit_json(doc)
    elif doc["kind"] == "cluster":
        click.echo(render.cluster_text(doc))
    elif doc["kind"] == "person":
        click.echo(render.person_text(doc))
    else:
        for err in doc["errors"]:
            click.echo(f"{item_id}: rejected at {err['source']} row {err['row']}: {err['message']}")


@hiring_group.command("generate")
@click.argument("n", type=click.IntRange(2, 5_000_000))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@click.option("--seed", type=int, default=7, show_default=True)
@click.option(
    "--truth",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the ground truth (record id -> actor) as JSON.",
)
def generate_cmd(n: int, output: Path, seed: int, truth: Path | None) -> None:
    """Write a synthetic population of about N records (fake data, planted operators)."""
    from nkwatch.hiring.synthetic import SyntheticConfig, generate, to_bundle

    syn = generate(SyntheticConfig(n=n, seed=seed))
    try:
        output.write_text(json.dumps(to_bundle(syn.dataset), ensure_ascii=False), "utf-8")
        if truth:
            truth.write_text(json.dumps(syn.truth, indent=0), "utf-8")
    except OSError as exc:
        raise UserError(f"cannot write: {exc.strerror}", where=str(exc.filename)) from exc
    click.echo(
        f"{len(syn.dataset.applicants)} records ({len(syn.operators)} planted operators)"
        f" -> {output}"
    )
