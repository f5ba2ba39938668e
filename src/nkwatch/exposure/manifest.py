"""Exposure's contribution: ``nkwatch exposure`` and ``nkwatch watch``, the exposure API and
page, and its schema (0400-0499: the live watch's state)."""

from __future__ import annotations

from nkwatch.capability import Capability, Command, NavEntry

CAPABILITY = Capability(
    name="exposure",
    summary="Exposure of deposits and addresses to DPRK-linked funds; live watch of a node.",
    commands=(
        Command(
            "exposure",
            "nkwatch.exposure.cli:exposure_group",
            "Score addresses, transactions and deposits for exposure to DPRK-linked funds.",
        ),
        Command(
            "watch",
            "nkwatch.exposure.cli_watch:watch_command",
            "Alert (stdout JSON lines, webhook, audit log) when funds of a watched incident "
            "move or reach a monitored deposit address.",
        ),
    ),
    routers=("nkwatch.exposure.router:router", "nkwatch.exposure.pages:router"),
    nav=(NavEntry("/exposure", "Exposure", role="analyst", order=40),),
    migrations="nkwatch.exposure.migrations",
    bundles=("nkwatch.exposure.example:ensure_example_exposure",),
    templates="nkwatch.exposure",
    requires="trace",
)
