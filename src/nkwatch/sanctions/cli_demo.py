"""``nkwatch demo``: the main job until the web service exists.

Imports the bundled OFAC and UN snapshots if needed, screens the bundled example batch
(payees and wallets a DPRK-exposed exchange or employer really sees) and prints a table.
The screener, the store and rich load inside the command, so ``nkwatch demo --help`` is fast.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

import click

from nkwatch.clitools import pass_settings, store_for
from nkwatch.settings import Settings

if TYPE_CHECKING:
    from rich.table import Table

    from nkwatch.sanctions.batch import RowOutcome


def example_batch_path() -> Path:
    return Path(str(resources.files("nkwatch.data") / "examples" / "screening_batch.csv"))


@click.command("demo")
@click.option(
    "--batch",
    "batch_path",
    type=click.Path(path_type=Path),
    default=None,
    help="CSV to screen instead of the bundled example batch.",
)
@pass_settings
def demo(settings: Settings, batch_path: Path | None) -> None:
    """Import the bundled lists if needed, screen the example batch, print the results."""
    from nkwatch.sanctions import batch
    from nkwatch.sanctions.cli_screen import make_console, run_batch
    from nkwatch.sanctions.repository import ensure_bundled
    from nkwatch.sanctions.service import ScreeningService

    console = make_console()
    path = batch_path or example_batch_path()
    data = batch.read_csv(path)
    cols = batch.detect_columns(data.header, {})
    with store_for(settings) as store:
        with console.status("importing the bundled OFAC and UN lists (first run only)..."):
            imported = ensure_bundled(store)
        for result in imported:
            state = "imported" if result.created else "already imported"
            console.print(f"list {result.version_id}: {state}")
        with console.status(f"screening {len(data.rows)} rows of {path.name}..."):
            outcomes = run_batch(ScreeningService(store), data, cols, None)
    console.print(results_table(outcomes, path.name))
    hits = sum(1 for o in outcomes if o.best)
    linked = sum(1 for o in outcomes if o.best and o.best.dprk_linked)
    console.print(
        f"{len(outcomes)} rows: {hits} hits ({linked} DPRK-linked), "
        f"{sum(1 for o in outcomes if o.error)} rejected. Store: {settings.db_path}"
    )


def results_table(outcomes: list[RowOutcome], title: str) -> Table:
    from rich.table import Table

    table = Table(title=f"nkwatch screening: {title}", show_lines=True)
    for column in ("ref", "input", "result", "designated party", "score", "DPRK-linked", "why"):
        table.add_column(column, overflow="fold")
    for o in outcomes:
        shown = " / ".join(v for v in (o.values.get("name", ""), o.values.get("address", "")) if v)
        best = o.best
        if o.error:
            table.add_row(
                o.values.get("ref", str(o.row)),
                shown,
                "[yellow]rejected[/yellow]",
                "",
                "",
                "",
                o.error,
            )
        elif best is None:
            table.add_row(
                o.values.get("ref", str(o.row)),
                shown,
                "[green]clear[/green]",
                "",
                "",
                "",
                o.values.get("note", ""),
            )
        else:
            why = "; ".join(best.dprk.reasons[:2]) or " ".join(best.programs)
            table.add_row(
                o.values.get("ref", str(o.row)),
                shown,
                "[bold red]HIT[/bold red]",
                f"{best.name} ({best.entity_id})",
                f"{best.score:.2f}",
                "[bold red]yes[/bold red]" if best.dprk_linked else "no",
                why,
            )
    return table
