"""Errors by kind, each with its exit code and HTTP status.

- :class:`UserError`: the input is wrong and the user can fix it (bad file, bad address,
  bad argument). One line naming what and where; exit 2; HTTP 4xx.
- :class:`OperationalError`: the input may be fine but something we depend on did not
  answer (an EVM node, a Spark master, a remote list server). Exit 69 (sysexits
  ``EX_UNAVAILABLE``); HTTP 503 with a retry hint. httpx draws the same line between "the
  request failed" and "the answer says no".
- Anything else is a bug: entry points report it as an internal error with a reference id
  (exit 70, ``EX_SOFTWARE``; HTTP 500), never as a raw traceback to the user.
"""

from __future__ import annotations

EXIT_USER = 2
EXIT_HIT = 3  # a screening / lure check found something at high severity
EXIT_UNAVAILABLE = 69
EXIT_INTERNAL = 70


class UserError(Exception):
    """A problem with the input that the user can fix; the message names what and where."""

    exit_code = EXIT_USER
    http_status = 400

    def __init__(self, message: str, *, where: str | None = None) -> None:
        self.message = message
        self.where = where
        super().__init__(f"{where}: {message}" if where else message)


class StoreBusyError(UserError):
    """Another process holds the store's write lock."""

    http_status = 503


class NotFoundError(UserError):
    """A named record (list version, incident, report...) does not exist."""

    http_status = 404


class OperationalError(Exception):
    """Something nkwatch depends on is unreachable or failing; retrying later may work."""

    exit_code = EXIT_UNAVAILABLE
    http_status = 503
    retry_after_s = 30

    def __init__(self, message: str, *, where: str | None = None) -> None:
        self.message = message
        self.where = where
        super().__init__(f"{where}: {message}" if where else message)
