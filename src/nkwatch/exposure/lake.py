"""Exposure over the transfer lake (``exposure file --engine local|spark``).

The risk book (sanctions, intel, labels, user lists) still comes from the store; the
transfers come from the lake. One batch per chain: the engine (DuckDB or Spark) expands
from all risk sources at once and extracts every transfer the sweep can act on plus every
transfer of the subjects being scored (``nkwatch.trace.lake.exposure_window``); the unchanged
exposure index then sweeps and reads off on one node, so a result equals the one a sweep
over the whole lake would give (tested), whichever engine ran the stages.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from nkwatch.chains import get_chain
from nkwatch.errors import UserError
from nkwatch.exposure.engine import ExposureIndex, Window
from nkwatch.exposure.service import ExposureConfig, ExposureService
from nkwatch.store import Store


class LakeExposureService(ExposureService):
    """One chain's exposure batch over the lake, for subjects known up front."""

    def __init__(
        self, store: Store, chain: str, config: ExposureConfig, lake: Any, eng: Any,
        subjects: Sequence[str], subject_txs: Sequence[str] = (),
    ) -> None:  # fmt: skip
        from nkwatch.trace import exposure_window

        self._open(store, chain, config)
        if get_chain(self.chain).family != "evm":
            raise UserError(
                f"exposure over the lake scores account chains; {self.chain} is scored from"
                " the store (drop --engine/--lake)",
                where="--engine",
            )
        self.window = exposure_window(
            lake, eng, self.chain, sources=[s.address for s in self.book.sources],
            services=self.book.services, subjects=[s.strip() for s in subjects],
            subject_txs=[t.strip().lower() for t in subject_txs], max_hops=config.max_hops,
            max_fan_in=self.params.max_fan_in,
        )  # fmt: skip
        self.index = ExposureIndex(
            self.window.graph, self.book.sources, self.book.services, config.rules,
            window=Window(self.window.fan_in, self.window.opening),
        )  # fmt: skip

    def _tx_edges(self, text: str) -> list[int]:
        find = self.index.graph.find_tx
        return sorted(find(text)) if find is not None else []
