"""How long an audit segment's ``fdatasync`` takes: alone, and beside a heavy writer.

Issue #16 asks where address screening's p99 stalls (187 ms at 8 connections, p50 1.7 ms,
not CPU) come from; the suspect is the per-group ``fdatasync`` of the workers' audit
segments competing with DuckDB's writes. This probe times the same two-line append +
``fdatasync`` the segment writer does, (a) to an appended file and (b) to pre-written
blocks (no size change, so no journal commit is needed), first on a quiet process, then
beside a thread writing 4 MiB chunks with an ``fsync`` every 32 MiB (a checkpoint's
pattern). Run under ``flock /tmp/bench.lock`` and note the load average.

    python bench/fsync_probe.py [DIR] [--seconds 8]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import threading
import time

LINE = b'{"id": 1, "actor": "key:abc", "action": "screen.address", "query": {}}\n' * 2


def _heavy(directory: str, stop: threading.Event) -> None:
    fd = os.open(os.path.join(directory, "heavy.bin"), os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    chunk = os.urandom(4 << 20)
    n = 0
    while not stop.is_set():
        os.write(fd, chunk)
        n += 1
        if n % 8 == 0:
            os.fsync(fd)
            os.lseek(fd, 0, 0)
    os.close(fd)
    os.unlink(os.path.join(directory, "heavy.bin"))


def probe(directory: str, mode: str, seconds: float) -> str:
    path = os.path.join(directory, f"seg-{mode}.jsonl")
    if mode == "append":
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_APPEND, 0o600)
    else:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.write(fd, b"\0" * (16 << 20))
        os.fsync(fd)
        os.lseek(fd, 0, 0)
    lat: list[float] = []
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        os.write(fd, LINE)
        start = time.perf_counter()
        os.fdatasync(fd)
        lat.append((time.perf_counter() - start) * 1000)
        time.sleep(0.0005)
    os.close(fd)
    os.unlink(path)
    lat.sort()

    def q(p: float) -> float:
        return lat[min(len(lat) - 1, int(p * len(lat)))]

    return (
        f"{mode:9s} n={len(lat):6d} p50={q(0.5):.3f} ms p99={q(0.99):.2f} ms max={lat[-1]:.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("directory", nargs="?", default=None)
    parser.add_argument("--seconds", type=float, default=8.0)
    args = parser.parse_args()
    directory = args.directory or tempfile.mkdtemp(prefix="nkw-fsync-")
    print(f"load average: {os.getloadavg()}")
    print("quiet:")
    for mode in ("append", "prezeroed"):
        print("  " + probe(directory, mode, args.seconds / 2))
    stop = threading.Event()
    writer = threading.Thread(target=_heavy, args=(directory, stop))
    writer.start()
    print("beside a 4 MiB writer with fsync every 32 MiB:")
    for mode in ("append", "prezeroed", "append", "prezeroed"):
        print("  " + probe(directory, mode, args.seconds))
    stop.set()
    writer.join()


if __name__ == "__main__":
    main()
