"""Run hostile cases through the real ``nkwatch`` command (in process) and judge them."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from click.testing import CliRunner
from tests.hardening.hostile import Case

from nkwatch.cli.main import cli


@dataclass(frozen=True)
class Outcome:
    case: Case
    exit_code: int
    output: str

    @property
    def problem(self) -> str | None:
        """Why this outcome breaks the boundary's promise, or None when it keeps it."""
        lines = [line for line in self.output.splitlines() if line.strip()]
        if "Traceback" in self.output:
            return "traceback"
        if self.exit_code != 2:
            return f"exit {self.exit_code}"
        if len(lines) != 1:
            return f"{len(lines)} lines"
        if not lines[0].startswith(("nkwatch: error: ", "Error: ", "Usage: ")):
            return "not an error line"
        if "\x1b" in self.output or "\x00" in self.output:
            return "raw control characters echoed"
        return None


def argv_for(case: Case, folder: Path) -> list[str]:
    folder.mkdir(parents=True, exist_ok=True)
    names = {"{dir}": str(folder)}
    for name, data in case.files.items():
        path = folder / name
        path.write_bytes(data)
        names["{" + name.split(".")[0] + "}"] = str(path)
    out = []
    for arg in case.argv:
        for key, value in names.items():
            arg = arg.replace(key, value)
        out.append(arg)
    return out


def run_case(case: Case, folder: Path, db: Path) -> Outcome:
    runner = CliRunner()
    argv = argv_for(case, folder)
    result = runner.invoke(cli, [*_with_db(argv, db)], catch_exceptions=True)
    output = result.output
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        output += "\nTraceback (escaped the boundary): " + repr(result.exception)
    return Outcome(case, result.exit_code, output)


def _with_db(argv: list[str], db: Path) -> list[str]:
    """``--db`` goes on the (sub)command that takes it: right after the command path."""
    if argv[0] == "lure":  # reads no store
        return argv
    if argv[0] in (
        "trace",
        "intel",
        "exposure",
        "hiring",
        "lists",
        "screen",
        "keys",
        "users",
        "store",
    ):
        return [argv[0], argv[1], "--db", str(db), *argv[2:]]
    return [argv[0], "--db", str(db), *argv[1:]]


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
