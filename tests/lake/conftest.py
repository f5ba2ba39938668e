"""Fixtures the lake suites share: the re-imported break-case lake and the Spark session
(started with ``breakcases.SPARK_CONF``, the one setting every lake module uses)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from tests.lake import breakcases as bc

from nkwatch.trace.lake.spark import SparkEngine
from nkwatch.trace.lake.store import Lake


@pytest.fixture(scope="module")
def spark() -> Iterator[SparkEngine]:
    yield SparkEngine.start("local[2]", bc.SPARK_CONF)


@pytest.fixture(scope="module")
def break_lake(tmp_path_factory: pytest.TempPathFactory) -> Lake:
    lake = bc.reimported_lake(tmp_path_factory.mktemp("break"))
    assert isinstance(lake, Lake)
    return lake
