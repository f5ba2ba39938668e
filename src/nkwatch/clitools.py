"""Shared CLI plumbing: the ``--db`` option, settings, error reporting and JSON output.

Below every capability's CLI module and above none of them (``nkwatch.cli`` is only the
top); cheap to import: the store (DuckDB) loads when a command opens it.
"""

from __future__ import annotations

import functools
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

import click

from nkwatch.boundary import one_line, record_internal
from nkwatch.errors import EXIT_INTERNAL, OperationalError, UserError
from nkwatch.settings import Settings

if TYPE_CHECKING:
    from nkwatch.store import Store

P = ParamSpec("P")
R = TypeVar("R")

EXIT_OK = 0
EXIT_USAGE = 2
EXIT_HIT = 3


def pass_settings(func: Callable[..., R]) -> Callable[..., R]:
    """Add ``--db PATH`` to a command and pass it a :class:`Settings` built once from env + flags."""

    @click.option(
        "--db",
        "db_path",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help="Store file (default: $NKWATCH_DB, else the per-user data directory).",
    )
    @functools.wraps(func)
    def wrapper(*args: Any, db_path: Path | None, **kwargs: Any) -> R:
        settings = Settings.from_env(os.environ, db_path=db_path)
        return func(settings, *args, **kwargs)

    return wrapper


def store_for(settings: Settings, *, read_only: bool = False) -> Store:
    from nkwatch.store import open_store

    return open_store(settings, read_only=read_only)


def emit_json(obj: Any) -> None:
    click.echo(json.dumps(obj, ensure_ascii=False, indent=2, default=str))


def fail(message: str, where: str | None = None) -> None:
    """Print the one-line error for a user mistake and exit 2."""
    text = f"{where}: {message}" if where else message
    click.echo(f"nkwatch: error: {one_line(text)}", err=True)
    sys.exit(EXIT_USAGE)


def internal_error(exc: BaseException) -> None:
    """Report a bug: one line with a reference id, the traceback only in the log file."""
    report = record_internal(exc, context="nkwatch " + " ".join(sys.argv[1:]))
    kind = type(exc).__name__
    detail = one_line(str(exc), 200)
    where = f"; details in {report.path}" if report.path else ""
    click.echo(f"nkwatch: internal error (ref {report.ref}): {kind}: {detail}{where}", err=True)
    sys.exit(EXIT_INTERNAL)


class NkwatchGroup(click.Group):
    """The CLI's error boundary: a :class:`UserError` anywhere below becomes one line + exit
    2, an :class:`OperationalError` one line + exit 69, anything else (a bug) one line with a
    reference id + exit 70, its traceback written to the error log, never the terminal."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except UserError as exc:
            fail(exc.message, exc.where)
        except OperationalError as exc:
            text = f"{exc.where}: {exc.message}" if exc.where else exc.message
            click.echo(f"nkwatch: unavailable: {one_line(text)} (try again later)", err=True)
            sys.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("nkwatch: interrupted", err=True)
            sys.exit(130)
        except BrokenPipeError:
            _quiet_broken_pipe()
        except click.UsageError as exc:
            command = exc.ctx.command_path if exc.ctx is not None else "nkwatch"
            fail(f"{exc.format_message()} (see `{command} --help`)", command)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.Abort):
            raise  # click's own exits and aborts
        except MemoryError as exc:
            click.echo("nkwatch: error: out of memory (input too large?)", err=True)
            record_internal(exc, context="nkwatch " + " ".join(sys.argv[1:]))
            sys.exit(EXIT_INTERNAL)
        except Exception as exc:
            internal_error(exc)


def _quiet_broken_pipe() -> None:
    """The reader went away (``| head``): stop without a message, like other Unix tools."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
    sys.exit(1)
