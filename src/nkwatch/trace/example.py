"""The Bybit example case: the bundled hop files traced end to end, kept in the store.

Seeds are the anchor ("Bybit Exploiter") and the hop-2 address: hop 2 turned the stolen
stETH/mETH into ETH through DEX contracts, and the swap proceeds come back as internal
transfers that an explorer's outflow export does not contain, so an analyst re-seeds the
swapping address (the usual practice after a swap; the report records both seeds).
"""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from decimal import Decimal
from importlib import resources
from pathlib import Path

from nkwatch.store import Store
from nkwatch.trace.engine import trace
from nkwatch.trace.importers import ImportOptions, import_files
from nkwatch.trace.label_sources import load_label_book
from nkwatch.trace.params import Seed, TraceParams
from nkwatch.trace.report import build_report
from nkwatch.trace.report_model import TraceReport
from nkwatch.trace.repository import find_report, load_graph, save_report

EXAMPLE_NAME = "bybit-example"
EXAMPLE_CASE = "Bybit exploit, 21 Feb 2025: bundled five-hop Etherscan export"
ANCHOR = "0x47666fab8bd0ac7003bce3f5c3585383f09486e2"
HOP2 = "0xa4b2fd68593b6f34e51cb9edb66e71c1b4ab449e"
THEFT_TIME = datetime(2025, 2, 21, 14, 0, tzinfo=UTC)
EXAMPLE_SEEDS = (Seed(address=ANCHOR, since=THEFT_TIME), Seed(address=HOP2, since=THEFT_TIME))
EXAMPLE_PARAMS = TraceParams("ethereum", policy="haircut", max_hops=6, min_amount=Decimal("0.01"))


def import_bybit_hops(store: Store) -> int:
    """Import the bundled hop files (idempotent); returns transfers added."""
    root = resources.files("nkwatch.data") / "chain" / "bybit_2025"
    added = 0
    with resources.as_file(root) as folder:
        rows = csv.DictReader((Path(folder) / "sources.csv").read_text("utf-8").splitlines())
        with store.transaction():
            for row in rows:
                opts = ImportOptions(
                    chain="ethereum", from_address=row["from_address"], assume_decimals=18
                )
                added += import_files(
                    store, "etherscan-csv", [Path(folder) / row["file"]], opts
                ).added
    return added


def ensure_example_case(store: Store) -> TraceReport:
    """The stored example report, creating it (import + trace) on first use."""
    found = find_report(store, EXAMPLE_NAME)
    if found is not None:
        return found
    import_bybit_hops(store)
    result = trace(
        load_graph(store, "ethereum"), EXAMPLE_SEEDS, EXAMPLE_PARAMS, labels=load_label_book(store)
    )
    report = build_report(result).with_case(EXAMPLE_CASE)
    save_report(store, EXAMPLE_NAME, report)
    return report
