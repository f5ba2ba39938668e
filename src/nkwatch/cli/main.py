"""The ``nkwatch`` command: the top of the CLI, its commands taken from the capabilities.

Why lazy: each capability's manifest names its commands by import path with their one-line
help, so ``nkwatch --help`` lists everything without importing any command's code (and the
heavy libraries behind it); a command's module is imported only when that command runs or
shows its own help (click's documented lazy-group pattern).
"""

from __future__ import annotations

import sys

import click

from nkwatch import __version__, capabilities
from nkwatch.boundary import tolerant_streams, utf8_argv
from nkwatch.clitools import NkwatchGroup


class LazyGroup(NkwatchGroup):
    """A group whose subcommands come from the capability registry and load on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *capabilities.commands()})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        found = super().get_command(ctx, cmd_name)
        declared = capabilities.commands().get(cmd_name)
        if found is not None or declared is None:
            return found
        capabilities.require(capabilities.owner(declared.target), f"`nkwatch {cmd_name}`")
        command = capabilities.resolve(declared.target)
        if not isinstance(command, click.Command):
            raise capabilities.CapabilityLoadError(
                f"command {cmd_name!r}: {declared.target} is not a click command"
            )
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list from the manifests' one-line help: no command module is imported."""
        declared = capabilities.commands()
        names = self.list_commands(ctx)
        if not names:
            return
        limit = formatter.width - 6 - max(len(name) for name in names)
        rows: list[tuple[str, str]] = []
        for name in names:
            if name in declared:  # a stand-in carrying the manifest's help, shortened as click does
                command: click.Command | None = click.Command(name, help=declared[name].help)
            else:
                command = super().get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, command.get_short_help_str(limit)))
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="nkwatch")
def cli() -> None:
    """nkwatch: sanctions screening, DPRK threat intel, fund tracing, exposure and hiring screening."""


def main() -> None:
    tolerant_streams()  # an ASCII locale must not turn printing a Hangul name into a crash
    try:
        capabilities.load()
    except capabilities.CapabilityLoadError as exc:
        click.echo(f"nkwatch: error: {exc}", err=True)
        sys.exit(70)
    cli(args=utf8_argv(sys.argv[1:]), prog_name="nkwatch")
