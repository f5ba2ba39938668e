"""Values of a lure check: rules, citations, findings and the report (all immutable).

Why: the checkers, the renderers (text, JSON, SARIF, HTML) and the API share one vocabulary,
so a finding means the same thing wherever it is shown.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Severity(StrEnum):
    """``high`` makes ``nkwatch lure check`` exit 3; a ``warning`` is listed, exit stays 0."""

    high = "high"
    warning = "warning"

    @property
    def rank(self) -> int:
        return 2 if self is Severity.high else 1


class Moment(StrEnum):
    """When the code would run on the developer's machine, without them reading it."""

    folder_open = "on folder open"
    install = "on install"
    imported = "on import"
    app_start = "on app start"
    run = "when run"


@dataclass(frozen=True)
class Citation:
    """A public report a rule or an indicator rests on."""

    publisher: str
    title: str
    date: str  # ISO date (YYYY-MM-DD or YYYY-MM)
    url: str


@dataclass(frozen=True)
class Rule:
    """A registered trait: what it means, how bad, when it runs, where it is documented."""

    id: str
    title: str
    severity: Severity
    moment: Moment  # the usual moment; a finding may name the moment of its own file
    citations: tuple[Citation, ...]
    advice: str


@dataclass(frozen=True)
class Hit:
    """What a checker saw: the rule it proves, where, and the evidence in one line."""

    rule_id: str
    line: int  # 1-based
    column: int  # 1-based
    snippet: str  # raw text; defanged when the finding is built
    message: str
    severity: Severity | None = None  # None: the rule's own severity
    moment: Moment | None = None  # None: the file's moment, else the rule's
    extra_citations: tuple[Citation, ...] = ()


@dataclass(frozen=True)
class Finding:
    rule_id: str
    title: str
    severity: Severity
    path: str  # posix, relative to the checked root
    line: int
    column: int
    snippet: str  # defanged
    message: str
    moment: Moment
    citations: tuple[Citation, ...]
    advice: str


@dataclass(frozen=True)
class Note:
    """A file not checked in full (too large, unreadable), named so nothing is silently skipped."""

    path: str
    message: str


@dataclass(frozen=True)
class Report:
    target: str  # what the user named (file or folder name, never a temp path)
    files: int
    bytes: int
    seconds: float
    findings: tuple[Finding, ...]
    notes: tuple[Note, ...] = field(default=())

    @property
    def high(self) -> int:
        return sum(1 for f in self.findings if f.severity is Severity.high)

    @property
    def warnings(self) -> int:
        return sum(1 for f in self.findings if f.severity is Severity.warning)

    @property
    def exit_code(self) -> int:
        from nkwatch.errors import EXIT_HIT

        return EXIT_HIT if self.high else 0
