"""nkwatch's two STIX 2.1 extension-definitions and the ``cryptocurrency-wallet`` SCO.

STIX 2.1 has no object for a crypto wallet and no incident properties for amounts, so:

- ``cryptocurrency-wallet`` is a *new-sco* extension: ``value`` (the address as published)
  and ``chain`` (nkwatch chain code). Its deterministic id is derived from both. OpenCTI's
  ``Cryptocurrency-Wallet`` observable exports as the same type name with only ``value``;
  nkwatch reads such objects too and infers the chain from the address format.
- ``nkwatch-intel-properties`` is a *property-extension* carrying the facts STIX has no
  property for: on ``incident`` the theft date, USD and native amounts, chains, victim type,
  attribution text, who attributed it and when, confidence class, techniques and the
  nkwatch incident id; on ``indicator`` the incident id, chain and address role.
"""

from __future__ import annotations

import uuid
from typing import Any

import stix2
from stix2.properties import StringProperty

NAMESPACE = uuid.UUID("6c0c5a4e-3b8e-5d57-9f0a-6b1f2f0e1d2c")
EPOCH = "2025-12-18T00:00:00.000Z"  # fixed version timestamp: same content, same objects

WALLET_TYPE = "cryptocurrency-wallet"
WALLET_EXT = "extension-definition--" + str(uuid.uuid5(NAMESPACE, "ext/cryptocurrency-wallet"))
PROPS_EXT = "extension-definition--" + str(uuid.uuid5(NAMESPACE, "ext/nkwatch-intel-properties"))


def stable_id(kind: str, *parts: str) -> str:
    """Deterministic STIX id, so an unchanged record exports to an identical object."""
    return f"{kind}--{uuid.uuid5(NAMESPACE, '/'.join((kind, *parts)))}"


NKWATCH_IDENTITY = stix2.v21.Identity(
    id=stable_id("identity", "nkwatch"),
    created=EPOCH,
    modified=EPOCH,
    name="nkwatch",
    identity_class="system",
    description="nkwatch DPRK threat-intel knowledge base (curated dataset with sources).",
)


class _Wallet:
    """A cryptocurrency address (new-sco extension)."""


# Registered with stix2 so parse() and serialize() know the type; typed Any for mypy
# because stix2 builds the class dynamically.
CryptocurrencyWallet: Any = stix2.v21.CustomObservable(
    WALLET_TYPE,
    [("value", StringProperty(required=True)), ("chain", StringProperty())],
    id_contrib_props=["value", "chain"],
    extension_name=WALLET_EXT,
)(_Wallet)


def extension_definitions() -> list[Any]:
    common: dict[str, Any] = {
        "created_by_ref": NKWATCH_IDENTITY.id,
        "created": EPOCH,
        "modified": EPOCH,
        "version": "1.0.0",
    }
    wallet = stix2.v21.ExtensionDefinition(
        id=WALLET_EXT,
        name="cryptocurrency-wallet",
        description=(
            "Cyber-observable for a cryptocurrency address. Properties: value (string, the"
            " address as published, required), chain (string, chain code such as BTC, ETH,"
            " TRX). Maps to OpenCTI Cryptocurrency-Wallet (value = value)."
        ),
        schema="nkwatch docs/intel.md#cryptocurrency-wallet (JSON schema in nkwatch/data/intel/stix/cryptocurrency-wallet.json)",
        extension_types=["new-sco"],
        **common,
    )
    props = stix2.v21.ExtensionDefinition(
        id=PROPS_EXT,
        name="nkwatch-intel-properties",
        description=(
            "Facts STIX 2.1 has no property for. On incident: nkwatch_id, theft_date,"
            " victim, victim_type, amount_usd (decimal string), amount_native, chains,"
            " attribution, attributed_by, attribution_date, confidence_class, techniques,"
            " malware, notes. On indicator: incident_id, chain, role, source."
        ),
        schema="nkwatch docs/intel.md#nkwatch-intel-properties (JSON schema in nkwatch/data/intel/stix/nkwatch-intel-properties.json)",
        extension_types=["property-extension"],
        **common,
    )
    return [wallet, props]
