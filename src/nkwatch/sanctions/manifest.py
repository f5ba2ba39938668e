"""Sanctions screening's contribution: lists, screen and demo commands, the screening, batch
and list-version APIs, the Screening page, its schema (0100-0199) and the bundled lists."""

from __future__ import annotations

from nkwatch.capability import Capability, Command, NavEntry

CAPABILITY = Capability(
    name="sanctions",
    summary="Names in any script and crypto addresses against OFAC SDN and the UN list.",
    commands=(
        Command(
            "lists",
            "nkwatch.sanctions.cli_lists:lists_group",
            "Import, show, diff and update sanctions list versions.",
        ),
        Command(
            "screen",
            "nkwatch.sanctions.cli_screen:screen_group",
            "Screen names, crypto addresses or a CSV batch against the active lists.",
        ),
        Command(
            "demo",
            "nkwatch.sanctions.cli_demo:demo",
            "Import the bundled lists if needed, screen the example batch, print the results.",
        ),
    ),
    routers=(
        "nkwatch.sanctions.router_screen:router",
        "nkwatch.sanctions.router_batch:router",
        "nkwatch.sanctions.router_lists:router",
        "nkwatch.sanctions.pages:router",
    ),
    nav=(NavEntry("/screen", "Screening", role="analyst", order=10),),
    migrations="nkwatch.sanctions.migrations",
    bundles=("nkwatch.sanctions.repository:ensure_bundled",),
    dashboard=("nkwatch.sanctions.router_lists:dashboard_panels",),
    templates="nkwatch.sanctions",
)
