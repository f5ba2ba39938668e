"""The bundled example exposure run: every receiving address of the bundled Bybit chain
data screened as a deposit address, stored once.

Why: on a fresh ``nkwatch serve`` the Exposure page shows what exposure screening answers
(which deposits received DPRK-linked funds, from which source, at what share, through which
path, with each source's provenance) instead of an empty form. It runs after the intel and
trace bundles (the risk book's incident addresses, the transfers); like the other bundled
data it is shipped data, not a user's decision, so it is not written to the audit log.
"""

from __future__ import annotations

from nkwatch.exposure import repository
from nkwatch.exposure.service import ExposureConfig, ExposureService
from nkwatch.store import Store

EXAMPLE_RUN = "bybit-example-deposits"
EXAMPLE_CHAIN = "ethereum"
EXAMPLE_SOURCE = (
    "every receiving address in the bundled Bybit chain data (data/chain/bybit_2025: "
    "phvaz/blockchain-fund-tracing-investigation hop1-5 Etherscan exports, retrieved "
    "2026-08-26/28), each screened as a deposit address"
)


def ensure_example_exposure(store: Store) -> int | None:
    """The id of the stored example run, screening it on first use (None: no chain data)."""
    found = repository.run_id(store, EXAMPLE_RUN)
    if found is not None:
        return found
    service = ExposureService(store, EXAMPLE_CHAIN, ExposureConfig(actor="bundle"))
    graph = service.index.graph
    deposits = sorted({graph.addresses[int(i)] for i in set(graph.dst.tolist())})
    if not deposits:
        return None
    results = service.index.addresses(deposits, service.params)
    return repository.save_run(
        store,
        EXAMPLE_RUN,
        source=EXAMPLE_SOURCE,
        results=results,
        list_versions=tuple(service.book.versions),
    )
