"""``nkwatch store``: inspect the store (path, schema version, tables)."""

from __future__ import annotations

import click

from nkwatch.clitools import pass_settings, store_for
from nkwatch.settings import Settings


@click.group("store")
def store_group() -> None:
    """Inspect the embedded store."""


@store_group.command("info")
@pass_settings
def info(settings: Settings) -> None:
    """Show the store path, schema version and row counts."""
    with store_for(settings) as store:
        click.echo(f"path: {store.path}")
        click.echo(f"schema version: {store.schema_version()}")
        tables = store.query(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' ORDER BY 1"
        )
        for (name,) in tables:
            count = store.conn.execute(f'SELECT count(*) FROM "{name}"').fetchone()  # noqa: S608 - catalog name
            click.echo(f"  {name}: {count[0] if count else 0}")
