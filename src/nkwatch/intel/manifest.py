"""Threat intel's contribution: ``nkwatch intel``, the intel API (incl. STIX/MISP/TAXII),
the Incidents pages, its schema (0200-0299) and the bundled knowledge base."""

from __future__ import annotations

from nkwatch.capability import Capability, Command, NavEntry

CAPABILITY = Capability(
    name="intel",
    summary="DPRK heists, actors, attacker addresses and published figures with sources.",
    commands=(
        Command(
            "intel",
            "nkwatch.intel.cli:intel_group",
            "DPRK crypto-theft knowledge base: incidents, actors, addresses, published figures.",
        ),
    ),
    routers=("nkwatch.intel.router:router", "nkwatch.intel.pages:router"),
    nav=(NavEntry("/incidents", "Incidents", order=50),),
    migrations="nkwatch.intel.migrations",
    bundles=("nkwatch.intel.repository:ensure_bundled",),
    dashboard=("nkwatch.intel.router:dashboard_panels",),
    templates="nkwatch.intel",
)
