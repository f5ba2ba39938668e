"""Errors that are the user's to fix.

Anything raised as :class:`UserError` is reported by the CLI as one line on stderr with
exit code 2 (and by the API as a 4xx): bad files, bad addresses, bad arguments. Anything
else is a bug and is allowed to show its traceback.
"""

from __future__ import annotations


class UserError(Exception):
    """A problem with the input that the user can fix; the message names what and where."""

    exit_code = 2

    def __init__(self, message: str, *, where: str | None = None) -> None:
        self.message = message
        self.where = where
        super().__init__(f"{where}: {message}" if where else message)


class StoreBusyError(UserError):
    """Another process holds the store's write lock."""


class NotFoundError(UserError):
    """A named record (list version, incident, report...) does not exist."""
