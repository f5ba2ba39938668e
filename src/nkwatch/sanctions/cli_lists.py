"""``nkwatch lists``: import, show, diff and update sanctions list versions."""

from __future__ import annotations

import click


@click.group("lists")
def lists_group() -> None:
    """Import, show, diff and update sanctions list versions."""
