"""``nkwatch watch``: follow an EVM node and alert when watched funds move."""

from __future__ import annotations

import signal
import threading
from pathlib import Path
from types import FrameType

import click

from nkwatch.clitools import pass_settings, store_for
from nkwatch.settings import Settings


@click.command("watch")
@click.option("--rpc", "rpc_url", required=True, help="JSON-RPC URL of an EVM node (http/https).")
@click.option(
    "--config",
    "config_path",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Watch file (YAML): incidents, deposit addresses, services, sinks.",
)
@click.option("--once", is_flag=True, help="Process the blocks available now, then exit.")
@pass_settings
def watch_command(settings: Settings, rpc_url: str, config_path: Path, once: bool) -> None:
    """Alert (stdout JSON lines, webhook, audit log) when funds of a watched incident move or
    reach a monitored deposit address. Resumes from its cursor; survives reorgs and node
    restarts; never alerts twice for the same event."""
    from nkwatch.exposure.alerts import build_sinks
    from nkwatch.exposure.watch import Watcher
    from nkwatch.exposure.watch_config import load_config, resolve_seeds
    from nkwatch.intel import ensure_bundled, load_dataset
    from nkwatch.trace import RpcClient, RpcConfig

    config = load_config(config_path)
    if not rpc_url.startswith(("http://", "https://")):
        raise click.BadParameter("must be an http(s) URL", param_hint="--rpc")
    with store_for(settings) as store, RpcClient(RpcConfig(rpc_url)) as rpc:
        if any(not inc.seeds for inc in config.incidents):
            ensure_bundled(store)  # seeds from the intel knowledge base
        dataset = load_dataset(store) if config.incidents else None
        if dataset is not None:
            config = resolve_seeds(config, dataset, str(config_path))
        watcher = Watcher(store, rpc, config, build_sinks(config, store))
        if once:
            watcher.deliver_pending()  # what a previous run recorded but could not send
            try:
                while watcher.step():
                    pass
            finally:
                watcher.close()
            return
        stop = threading.Event()

        def _stop(signum: int, frame: FrameType | None) -> None:
            stop.set()

        signal.signal(signal.SIGTERM, _stop)
        signal.signal(signal.SIGINT, _stop)
        watcher.run(stop)
