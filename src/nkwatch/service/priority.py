"""CPU priority of the owner's threads, so that screening answers first when cores are short.

On Linux a thread has its own nice value and new threads inherit their creator's. The owner
lowers the priority of its background ingest and of its request handling (pages, exposure,
trace reports, uploads, logins: every request a worker proxies) below the workers'. Under CPU
saturation the kernel then runs the workers' screening first; the owner's requests take
longer instead. The threads a worker's request path may wait on (ids, key checks, the
connection dispatcher) keep the default priority: they are started before the owner lowers
its own. Elsewhere nice is per process, so nothing is changed there.
"""

from __future__ import annotations

import os
import sys
import threading

INGEST_NICE = 10
"""The audit ingester: batch work whose only deadline is the next admin read."""


def lower_this_thread(nice: int) -> int:
    """Raise the calling thread's nice value by ``nice`` (0 keeps it); returns the new value.

    Only lowering is possible without privileges, so a thread that was lowered stays so.
    """
    if nice <= 0 or not sys.platform.startswith("linux"):
        return os.getpriority(os.PRIO_PROCESS, 0)
    tid = threading.get_native_id()
    current = os.getpriority(os.PRIO_PROCESS, tid)
    target = min(19, current + nice)
    os.setpriority(os.PRIO_PROCESS, tid, target)
    return target
