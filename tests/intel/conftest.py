"""Intel fixtures: the bundled dataset in memory and in a fresh store."""

from __future__ import annotations

from typing import Any

import pytest

from nkwatch.intel.dataset import load_bundled
from nkwatch.intel.model import Dataset
from nkwatch.intel.repository import ensure_bundled
from nkwatch.store import Store


@pytest.fixture(scope="session")
def bundled() -> Dataset:
    return load_bundled()


@pytest.fixture()
def intel_store(store: Store) -> Store:
    ensure_bundled(store)
    return store


@pytest.fixture()
def foreign_bundle() -> dict[str, Any]:
    """A minimal OpenCTI-style bundle: no nkwatch extension anywhere."""
    return {
        "type": "bundle",
        "id": "bundle--6f1d2b8e-0c61-4a4e-9d3b-2f5a7c9e1b10",
        "objects": [
            {
                "type": "incident",
                "spec_version": "2.1",
                "id": "incident--0b0d5c55-8c4e-4a0e-9b0e-3c1f8b6b2a11",
                "created": "2025-03-01T00:00:00.000Z",
                "modified": "2025-03-01T00:00:00.000Z",
                "name": "Example exchange hot wallet theft",
                "first_seen": "2025-02-27T10:00:00Z",
                "external_references": [
                    {"source_name": "partner", "url": "https://example.org/advisory/1"}
                ],
            },
            {
                "type": "identity",
                "spec_version": "2.1",
                "id": "identity--1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f",
                "created": "2025-03-01T00:00:00.000Z",
                "modified": "2025-03-01T00:00:00.000Z",
                "name": "Example Exchange",
                "identity_class": "organization",
            },
            {
                "type": "intrusion-set",
                "spec_version": "2.1",
                "id": "intrusion-set--2d3e4f5a-6b7c-4d8e-9f0a-1b2c3d4e5f60",
                "created": "2025-03-01T00:00:00.000Z",
                "modified": "2025-03-01T00:00:00.000Z",
                "name": "TraderTraitor",
            },
            {
                "type": "relationship",
                "spec_version": "2.1",
                "id": "relationship--3e4f5a6b-7c8d-4e9f-8a1b-2c3d4e5f6071",
                "created": "2025-03-01T00:00:00.000Z",
                "modified": "2025-03-01T00:00:00.000Z",
                "relationship_type": "targets",
                "source_ref": "incident--0b0d5c55-8c4e-4a0e-9b0e-3c1f8b6b2a11",
                "target_ref": "identity--1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f",
            },
            {
                "type": "relationship",
                "spec_version": "2.1",
                "id": "relationship--4f5a6b7c-8d9e-4f0a-9b1c-2d3e4f5a6b72",
                "created": "2025-03-01T00:00:00.000Z",
                "modified": "2025-03-01T00:00:00.000Z",
                "relationship_type": "attributed-to",
                "source_ref": "incident--0b0d5c55-8c4e-4a0e-9b0e-3c1f8b6b2a11",
                "target_ref": "intrusion-set--2d3e4f5a-6b7c-4d8e-9f0a-1b2c3d4e5f60",
            },
            {
                "type": "indicator",
                "spec_version": "2.1",
                "id": "indicator--5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c83",
                "created": "2025-03-01T00:00:00.000Z",
                "modified": "2025-03-01T00:00:00.000Z",
                "pattern": "[cryptocurrency-wallet:value = '0x0629b1048298AE9deff0F4100A31967Fb3f98962']",
                "pattern_type": "stix",
                "valid_from": "2025-02-27T00:00:00Z",
                "description": "exploiter per partner",
            },
            {
                "type": "relationship",
                "spec_version": "2.1",
                "id": "relationship--6b7c8d9e-0f1a-4b2c-9d3e-4f5a6b7c8d94",
                "created": "2025-03-01T00:00:00.000Z",
                "modified": "2025-03-01T00:00:00.000Z",
                "relationship_type": "indicates",
                "source_ref": "indicator--5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c83",
                "target_ref": "incident--0b0d5c55-8c4e-4a0e-9b0e-3c1f8b6b2a11",
            },
        ],
    }
