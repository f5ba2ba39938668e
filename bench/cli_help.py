"""Wall time of ``nkwatch --help`` in a fresh process (issue #17 target: <= 0.3 s).

Each sample is a new interpreter, as a user's shell starts it. Peers in the same run: the
bare interpreter (``python -c pass``: the floor no CLI can beat) and the eager CLI (import
every command module up front, what ``nkwatch --help`` did before commands loaded lazily).
Rounds of samples, medians reported with ranges and the load average.
Run: ``flock /tmp/bench.lock .venv/bin/python -m bench.cli_help``.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
RESULTS = Path(__file__).resolve().parent / "results" / "cli_help.json"
ROUNDS = 5
PER_ROUND = 5

EAGER = (
    "from nkwatch import capabilities\n"
    "for command in capabilities.commands().values():\n"
    "    capabilities.resolve(command.target)\n"
)
CASES: dict[str, list[str]] = {
    "python -c pass": [sys.executable, "-c", "pass"],
    "nkwatch --help": [sys.executable, "-m", "nkwatch", "--help"],
    "eager: import every command": [sys.executable, "-c", EAGER],
}


def sample(argv: list[str]) -> tuple[float, float]:
    """(wall, CPU) seconds of one fresh process; CPU (user + system of the child) is what a
    quiet machine's wall time comes to, and holds up when the machine is loaded."""
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, env=env)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> None:
    for argv in CASES.values():  # warm the OS file cache once; never counted
        sample(argv)
    rounds: dict[str, list[float]] = {name: [] for name in CASES}
    cpu_rounds: dict[str, list[float]] = {name: [] for name in CASES}
    for _ in range(ROUNDS):
        for name, argv in CASES.items():
            samples = [sample(argv) for _ in range(PER_ROUND)]
            rounds[name].append(statistics.median(w for w, _ in samples))
            cpu_rounds[name].append(statistics.median(c for _, c in samples))
    median = {name: round(statistics.median(v), 3) for name, v in rounds.items()}
    result = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores",
        "python": platform.python_version(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "rounds": ROUNDS,
        "samples_per_round": PER_ROUND,
        "median_s": median,
        "range_s": {name: [round(min(v), 3), round(max(v), 3)] for name, v in rounds.items()},
        "median_cpu_s": {name: round(statistics.median(v), 3) for name, v in cpu_rounds.items()},
        "help_minus_interpreter_s": round(median["nkwatch --help"] - median["python -c pass"], 3),
        "eager_over_lazy": round(
            median["eager: import every command"] / median["nkwatch --help"], 1
        ),
    }
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
