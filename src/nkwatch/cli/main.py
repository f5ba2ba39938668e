"""The ``nkwatch`` command: one group per capability, registered here."""

from __future__ import annotations

import importlib

import click

from nkwatch import __version__
from nkwatch.cli.common import NkwatchGroup

# (module, attribute) of each capability's click command or group. A capability that is
# listed here but fails to import is a bug and must fail loudly, never vanish quietly.
COMMANDS: tuple[tuple[str, str], ...] = (
    ("nkwatch.exposure.cli_watch", "watch_command"),
    ("nkwatch.cli.store_cmd", "store_group"),
    ("nkwatch.sanctions.cli_lists", "lists_group"),
    ("nkwatch.sanctions.cli_screen", "screen_group"),
    ("nkwatch.trace.cli", "trace_group"),
    ("nkwatch.intel.cli", "intel_group"),
    ("nkwatch.exposure.cli", "exposure_group"),
    ("nkwatch.hiring.cli", "hiring_group"),
    ("nkwatch.cli.demo", "demo"),
    ("nkwatch.service.cli", "serve"),
    ("nkwatch.service.cli", "keys_group"),
    ("nkwatch.service.cli", "users_group"),
)


@click.group(cls=NkwatchGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="nkwatch")
def cli() -> None:
    """nkwatch: sanctions screening, DPRK threat intel, fund tracing, exposure and hiring screening."""


def _register() -> None:
    for module_name, attr in COMMANDS:
        module = importlib.import_module(module_name)
        cli.add_command(getattr(module, attr))


_register()


def main() -> None:
    cli(prog_name="nkwatch")
