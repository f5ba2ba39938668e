"""``nkwatch screen``: names, crypto addresses or a CSV batch against the active lists.

Exit codes: 0 = screened, no hit; 3 = at least one hit at/above the threshold; 2 = bad input.
The screening code (the matcher with numpy, the store with DuckDB) loads inside the commands:
``nkwatch screen --help`` imports neither.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn
from rich.table import Table

from nkwatch.clitools import EXIT_HIT, EXIT_OK, emit_json, pass_settings, store_for
from nkwatch.sanctions.model import Identifier, Schema
from nkwatch.settings import Settings

if TYPE_CHECKING:
    from nkwatch.sanctions import batch
    from nkwatch.sanctions.screening import ScreeningResult
    from nkwatch.sanctions.service import ScreeningService


@click.group("screen")
def screen_group() -> None:
    """Screen names, crypto addresses or a CSV batch against the active lists."""


@screen_group.command("name")
@click.argument("text")
@click.option("--type", "schema", type=click.Choice([s.value for s in Schema]), default=None)
@click.option("--country", default=None, help="ISO 3166-1 alpha-2 country (e.g. KP).")
@click.option("--dob", default=None, help="Date of birth, ISO 8601, possibly partial (1984).")
@click.option("--id", "identifiers", multiple=True, help="Identity document number (repeatable).")
@click.option("--threshold", type=float, default=None, help="Report matches at/above this score.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@pass_settings
def screen_name(
    settings: Settings,
    text: str,
    schema: str | None,
    country: str | None,
    dob: str | None,
    identifiers: tuple[str, ...],
    threshold: float | None,
    as_json: bool,
) -> None:
    """Screen one name (any script) against the active lists."""
    from nkwatch.sanctions.names import NameQuery
    from nkwatch.sanctions.service import ScreeningService

    query = NameQuery(
        name=text,
        schema=Schema(schema) if schema else None,
        country=country.strip().upper() if country else None,
        birth_date=dob,
        identifiers=tuple(Identifier("id", value) for value in identifiers),
    )
    threshold = threshold if threshold is not None else settings.name_threshold
    with store_for(settings) as store:
        result = ScreeningService(store).screen_name(query, threshold=threshold)
    _finish(result, as_json)


@screen_group.command("address")
@click.argument("address")
@click.option("--chain", default=None, help="Chain or currency code (XBT, ETH, TRX, USDT...).")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@pass_settings
def screen_address(settings: Settings, address: str, chain: str | None, as_json: bool) -> None:
    """Screen one crypto address (validated and canonicalised first)."""
    from nkwatch.sanctions.service import ScreeningService

    with store_for(settings) as store:
        result = ScreeningService(store).screen_address(address, chain)
    _finish(result, as_json)


@screen_group.command("file")
@click.argument("input_path", metavar="IN.csv", type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    "output",
    required=True,
    type=click.Path(path_type=Path),
    help="OUT.csv (best match per row) or OUT.jsonl (one result object per row).",
)
@click.option("--name-column", default=None)
@click.option("--address-column", default=None)
@click.option("--chain-column", default=None)
@click.option("--type-column", default=None)
@click.option("--country-column", default=None)
@click.option("--dob-column", default=None)
@click.option("--threshold", type=float, default=None)
@pass_settings
def screen_file(
    settings: Settings,
    input_path: Path,
    output: Path,
    name_column: str | None,
    address_column: str | None,
    chain_column: str | None,
    type_column: str | None,
    country_column: str | None,
    dob_column: str | None,
    threshold: float | None,
) -> None:
    """Screen every row of a CSV (name and/or address columns, auto-detected)."""
    if output.suffix.lower() not in (".csv", ".jsonl"):
        raise click.UsageError("output must end in .csv or .jsonl")
    if output.resolve() == input_path.resolve():
        raise click.UsageError("output would overwrite the input file")
    from nkwatch.sanctions import batch
    from nkwatch.sanctions.service import ScreeningService

    data = batch.read_csv(input_path)
    overrides = {
        "name": name_column,
        "address": address_column,
        "chain": chain_column,
        "type": type_column,
        "country": country_column,
        "dob": dob_column,
    }
    cols = batch.detect_columns(data.header, overrides)
    threshold = threshold if threshold is not None else settings.name_threshold
    with store_for(settings) as store:
        outcomes = run_batch(ScreeningService(store), data, cols, threshold)
    batch.write_output(output, data, outcomes)
    hits = sum(1 for o in outcomes if o.best)
    errors = [o for o in outcomes if o.error]
    click.echo(
        f"{len(outcomes)} rows screened: {hits} with a hit, {len(errors)} with errors -> {output}",
        err=True,
    )
    for o in errors[:10]:
        click.echo(f"  line {o.line}: {o.error}", err=True)
    sys.exit(EXIT_HIT if hits else EXIT_OK)


def run_batch(
    service: ScreeningService,
    data: batch.BatchInput,
    cols: batch.ColumnMap,
    threshold: float | None,
) -> list[batch.RowOutcome]:
    """Screen with a progress bar on stderr when it is a terminal."""
    from nkwatch.sanctions import batch

    if not sys.stderr.isatty():
        return batch.screen_rows(service, data, cols, threshold=threshold, processes=True)
    columns = (
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task("screening", total=len(data.rows))
        return batch.screen_rows(
            service,
            data,
            cols,
            threshold=threshold,
            on_row=lambda _: progress.advance(task),
            processes=True,
        )


def _finish(result: ScreeningResult, as_json: bool) -> None:
    if as_json:
        emit_json(result.to_json())
    else:
        print_result(result, make_console())
    sys.exit(EXIT_HIT if result.hit else EXIT_OK)


def make_console() -> Console:
    """Stdout console; wide when piped so tables stay readable in logs and CI output."""
    return Console(width=None if Console().is_terminal else 160)


def print_result(result: ScreeningResult, console: Console) -> None:
    """A readable table of matches, then why each one matched and who it is linked to."""
    shown = ", ".join(f"{k}={v}" for k, v in result.query.items() if v not in (None, [], ""))
    if not result.matches:
        console.print(f"[green]no match[/green] for {shown} (threshold {result.threshold:.2f})")
        console.print(f"lists: {', '.join(result.list_versions)}")
        return
    table = Table(title=f"{len(result.matches)} match(es) for {shown}", show_lines=True)
    for column in ("score", "designated party", "matched", "list", "programs", "DPRK-linked"):
        table.add_column(column, overflow="fold")
    for m in result.matches:
        table.add_row(
            f"{m.score:.3f}",
            f"{m.name}\n[dim]{m.entity_id}[/dim]",
            m.matched_name,
            m.list_version,
            " ".join(m.programs),
            "[bold red]yes[/bold red]" if m.dprk_linked else "no",
        )
    console.print(table)
    for m in result.matches:
        console.print(f"[bold]{m.name}[/bold] ({m.entity_id})")
        for f in m.explanation:
            console.print(f"  - {f.name}: {f.detail}", markup=False, highlight=False)
        for r in m.related:
            flag = " [DPRK program]" if r.dprk_program else ""
            console.print(f"  ~ related: {r.phrase}{flag}", markup=False, highlight=False)
