"""``nkwatch lists`` and ``nkwatch screen`` commands."""

from __future__ import annotations

import click


@click.group("lists")
def lists_group() -> None:
    """Import, show, diff and update sanctions list versions."""


@click.group("screen")
def screen_group() -> None:
    """Screen names, crypto addresses or a CSV batch against the active lists."""
