"""``nkwatch serve`` (the README's main job), ``nkwatch keys`` and ``nkwatch users``."""

from __future__ import annotations

import click

from nkwatch.clitools import emit_json, pass_settings, store_for
from nkwatch.service import auth
from nkwatch.service.config import ServiceConfig
from nkwatch.settings import Settings


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to bind.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@click.option(
    "--workers",
    default=2,
    show_default=True,
    type=click.IntRange(1, 64),
    help="HTTP worker processes (plus one process that owns the store).",
)
@click.option(
    "--secure-cookies/--no-secure-cookies",
    default=None,
    help="Force Secure cookies (default: when https).",
)
@click.option("--access-log/--no-access-log", default=False, show_default=True)
@click.option(
    "--key-cache-ttl",
    default=5.0,
    show_default=True,
    type=click.FloatRange(0, 300),
    help="Seconds a worker trusts a verified API key (a revoked key stops working within this).",
)
@click.option(
    "--trusted-proxy",
    "trusted_proxies",
    multiple=True,
    help="Address of a reverse proxy whose X-Forwarded-Proto/-For are believed (repeatable).",
)
@click.option(
    "--store-threads",
    default=1,
    show_default=True,
    type=click.IntRange(0, 256),
    help="DuckDB threads of the store owner (0: all cores; 1 keeps checkpoints off the workers' core).",
)
@click.option(
    "--owner-nice",
    default=5,
    show_default=True,
    type=click.IntRange(0, 19),
    help="How much lower the store owner's request handling (pages, exposure, traces,"
    " uploads) runs than the workers' screening (Linux nice steps; 0: the same).",
)
@click.option(
    "--audit-sync",
    default="write",
    show_default=True,
    type=click.Choice(["write", "sync"]),
    help="Workers answer once a decision's audit entry is written (survives killed processes,"
    " synced every 20 ms) or only after it is fdatasynced (survives power cuts; the disk's"
    " flush latency on every answer).",
)
@pass_settings
def serve(
    settings: Settings,
    host: str,
    port: int,
    workers: int,
    secure_cookies: bool | None,
    access_log: bool,
    key_cache_ttl: float,
    store_threads: int,
    owner_nice: int,
    trusted_proxies: tuple[str, ...],
    audit_sync: str,
) -> None:
    """Serve the REST API and web UI on the store, importing bundled data if missing."""
    from nkwatch.service import supervisor
    from nkwatch.service.bootstrap import prepare

    prepared = prepare(settings, log=lambda m: click.echo(m, err=True))
    config = ServiceConfig(
        host=host,
        port=port,
        workers=workers,
        secure_cookies=secure_cookies,
        access_log=access_log,
        key_cache_ttl_s=key_cache_ttl,
        store_threads=store_threads,
        owner_nice=owner_nice,
        trusted_proxies=",".join(p.strip() for p in trusted_proxies),
        audit_sync=audit_sync,
    )
    url = f"http://{host}:{port}/"
    click.echo(f"nkwatch: store {settings.db_path}")
    if prepared.first_admin is not None:
        fa = prepared.first_admin
        click.echo("nkwatch: created the first admin (shown once, only hashes are stored):")
        click.echo(f"  web login: user {fa.username}  password {fa.password}")
        click.echo(f"  API key:   {fa.key}")
    else:
        click.echo(
            "nkwatch: log in with an existing user (new one: nkwatch users create NAME --role admin)"
        )
    click.echo(f"nkwatch: serving on {url}  (API docs {url}docs, Ctrl-C to stop)", err=False)
    supervisor.run(settings, config)


def _cli_actor() -> str:
    """Who ran a CLI command, for the audit log: the operating-system user."""
    import getpass

    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


@click.group("keys")
def keys_group() -> None:
    """Create, list and revoke API keys (stored hashed; a key is shown once)."""


@keys_group.command("create")
@click.option("--role", required=True, type=click.Choice([r.value for r in auth.Role]))
@click.option("--label", default="", help="What the key is for.")
@pass_settings
def keys_create(settings: Settings, role: str, label: str) -> None:
    """Print a new key (only its hash is stored)."""
    with store_for(settings) as store:
        click.echo(auth.create_key(store, auth.Role(role), label, actor=_cli_actor()))


@keys_group.command("list")
@pass_settings
def keys_list(settings: Settings) -> None:
    with store_for(settings) as store:
        emit_json([vars(k) for k in auth.list_keys(store)])


@keys_group.command("revoke")
@click.argument("key_id")
@pass_settings
def keys_revoke(settings: Settings, key_id: str) -> None:
    with store_for(settings) as store:
        auth.revoke_key(store, key_id, actor=_cli_actor())
        click.echo(f"revoked {key_id}")


@click.group("users")
def users_group() -> None:
    """Web UI users (passwords stored with scrypt)."""


@users_group.command("create")
@click.argument("username")
@click.option("--role", required=True, type=click.Choice([r.value for r in auth.Role]))
@click.password_option(help="At least 12 characters (prompted when not given).")
@pass_settings
def users_create(settings: Settings, username: str, role: str, password: str) -> None:
    with store_for(settings) as store:
        auth.create_user(store, username, password, auth.Role(role), actor=_cli_actor())
        click.echo(f"created {username} ({role})")
