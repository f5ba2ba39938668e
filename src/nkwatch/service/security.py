"""Login throttling and the audit entries of security events.

Why: a password form without a limit lets anyone try thousands of passwords (30 failed
admin logins in 1.3 s left no trace); the audit log must say who created or revoked a key,
who logged in or failed to, who started traces and list updates.

- :class:`LoginThrottle`: per user name and per client address, at most
  ``max_failures`` failed logins in ``window_s``; then that name (or address) is locked
  for ``lock_s``, successful password or not, and the form answers 429 with a retry time.
  In memory: a restart forgets, which costs an attacker a restart per window.
- :func:`record_event`: one audit row for a security event (actor, action, detail).
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from nkwatch.store import Store


@dataclass
class LoginThrottle:
    max_failures: int = 5
    window_s: float = 300.0
    lock_s: float = 900.0
    clock: Callable[[], float] = time.monotonic
    _failures: dict[str, deque[float]] = field(default_factory=dict)
    _locked: dict[str, float] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def retry_after(self, *keys: str) -> float:
        """Seconds until every key may try again (0: it may try now)."""
        now = self.clock()
        with self._lock:
            waits = [self._locked.get(k, 0.0) - now for k in keys]
        return max(0.0, *waits)

    def failed(self, *keys: str) -> bool:
        """Count a failure against each key; True when one of them is now locked."""
        now = self.clock()
        locked = False
        with self._lock:
            for key in keys:
                seen = self._failures.setdefault(key, deque())
                seen.append(now)
                while seen and seen[0] < now - self.window_s:
                    seen.popleft()
                if len(seen) >= self.max_failures:
                    self._locked[key] = now + self.lock_s
                    seen.clear()
                    locked = True
            if len(self._failures) > 100_000:  # bounded memory under a spray of names
                self._failures.clear()
        return locked

    def succeeded(self, *keys: str) -> None:
        with self._lock:
            for key in keys:
                self._failures.pop(key, None)


def record_event(
    store: Store, *, actor: str, action: str, detail: Mapping[str, Any], outcome: str = "ok"
) -> int:
    """One audit-log row for a security event; returns its id."""
    from nkwatch.store.audit import record

    return record(
        store,
        actor=actor,
        action=action,
        query=dict(detail),
        result={"outcome": outcome},
        list_versions=[],
    )
