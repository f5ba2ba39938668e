"""Lure check: is this "coding test", repository or package a DPRK developer lure?

Public API (lazy, so importing the package loads no parser):

- :func:`check_path` (folder, file or archive) and :func:`check_bytes` (an uploaded archive)
  return a :class:`Report` of :class:`Finding` s; nothing is executed, installed or fetched.
- :data:`RULES` is the rule registry (:func:`register` adds one); ``nkwatch.lure.render``
  turns a report into text, JSON or SARIF 2.1.0.
"""

from typing import TYPE_CHECKING

from nkwatch.capability import lazy_exports

if TYPE_CHECKING:
    from nkwatch.lure.check import check_bytes, check_path
    from nkwatch.lure.model import Finding, Moment, Report, Rule, Severity
    from nkwatch.lure.rules import RULES, register

__all__ = [
    "RULES",
    "Finding",
    "Moment",
    "Report",
    "Rule",
    "Severity",
    "check_bytes",
    "check_path",
    "register",
]
__getattr__ = lazy_exports(
    __name__,
    {
        "check_path": "nkwatch.lure.check",
        "check_bytes": "nkwatch.lure.check",
        "Finding": "nkwatch.lure.model",
        "Moment": "nkwatch.lure.model",
        "Report": "nkwatch.lure.model",
        "Rule": "nkwatch.lure.model",
        "Severity": "nkwatch.lure.model",
        "RULES": "nkwatch.lure.rules",
        "register": "nkwatch.lure.rules",
    },
)
