"""Fund tracing's contribution: ``nkwatch trace``, the trace API, the case pages, its schema
(0300-0399: transfers, EVM cache) and the bundled Bybit example case."""

from __future__ import annotations

from nkwatch.capability import Capability, Command, NavEntry

CAPABILITY = Capability(
    name="trace",
    summary="Follow stolen funds to the exchanges, bridges and mixers where they can be frozen.",
    commands=(
        Command(
            "trace",
            "nkwatch.trace.cli:trace_group",
            "Follow stolen funds to the exchanges, bridges and mixers where they can be frozen.",
        ),
        Command(
            "lake",
            "nkwatch.trace.lake.cli:lake_group",
            "Show the transfer lake and its import formats.",
        ),
    ),
    routers=("nkwatch.trace.router:router", "nkwatch.trace.pages:router"),
    nav=(NavEntry("/cases", "Trace cases", order=30),),
    migrations="nkwatch.trace.migrations",
    bundles=("nkwatch.trace.example:ensure_example_case",),
    templates="nkwatch.trace",
    requires="trace",
)
