"""Name-matching fixtures: hand-made parties, and the real bundled lists parsed once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from nkwatch.sanctions.model import Party
from nkwatch.sanctions.names import NameIndex
from nkwatch.sanctions.parsers import parse_list


@pytest.fixture(scope="session")
def real_parties(shared_data: Path) -> tuple[Party, ...]:
    """All parties of the OFAC 2025-11-19 and UN 2026-02-27 snapshots (real parsers)."""
    parties: list[Party] = []
    for rel in (
        "sanctions/ofac_sdn_advanced_2025-11-19.xml.bz2",
        "sanctions/un_consolidated_2026-02-27.xml.gz",
    ):
        parties.extend(parse_list(shared_data / rel).parties)
    return tuple(parties)


@pytest.fixture(scope="session")
def real_index(real_parties: tuple[Party, ...]) -> NameIndex:
    return NameIndex.build(real_parties)
