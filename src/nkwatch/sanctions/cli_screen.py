"""``nkwatch screen``: names, crypto addresses or a CSV batch against the active lists."""

from __future__ import annotations

import click


@click.group("screen")
def screen_group() -> None:
    """Screen names, crypto addresses or a CSV batch against the active lists."""
