"""``nkwatch lists``: import, show, diff and update sanctions list versions.

The parsers (lxml), the repository (DuckDB) and the name index (numpy) load inside the
commands: ``nkwatch lists --help`` imports none of them.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from nkwatch.clitools import emit_json, pass_settings, store_for
from nkwatch.settings import Settings

if TYPE_CHECKING:
    from nkwatch.sanctions.diff import ListDiff
    from nkwatch.sanctions.model import ListDocument
    from nkwatch.sanctions.repository import ImportResult
    from nkwatch.store import Store


@click.group("lists")
def lists_group() -> None:
    """Import, show, diff and update sanctions list versions."""


def _echo_result(result: ImportResult, label: str) -> None:
    if not result.created:
        click.echo(f"{result.version_id}: already imported ({label})")
        return
    click.echo(
        f"{result.version_id}: imported {result.party_count} parties, "
        f"{result.address_count} digital-currency addresses, "
        f"{result.relationship_count} relationships"
        + ("" if result.active else " (kept inactive: a newer version is active)")
        + f" ({label})"
    )


@lists_group.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@pass_settings
def import_cmd(settings: Settings, paths: tuple[Path, ...]) -> None:
    """Import OFAC advanced XML / UN consolidated XML files (plain, .bz2 or .gz).

    Every file is parsed before anything is written; all imports run in one
    transaction, so one bad file leaves the store unchanged.
    """
    from nkwatch.sanctions import indexfiles
    from nkwatch.sanctions.parsers import parse_list
    from nkwatch.sanctions.repository import import_document

    docs = [parse_list(path) for path in paths]
    with store_for(settings) as store:
        with store.transaction():
            results = [import_document(store, doc) for doc in docs]
        if any(r.created for r in results):
            indexfiles.refresh(store)  # the next lookup reads the name index, not rebuilds it
    for path, result in zip(paths, results, strict=True):
        _echo_result(result, path.name)


@lists_group.command("show")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@pass_settings
def show_cmd(settings: Settings, as_json: bool) -> None:
    """List imported versions: active flag, publisher, publication date, sha256, counts."""
    from nkwatch.sanctions.repository import list_versions

    with store_for(settings) as store:
        versions = list_versions(store)
    if as_json:
        emit_json({"versions": [dataclasses.asdict(v) for v in versions]})
        return
    if not versions:
        click.echo(
            "no list versions imported (try `nkwatch lists import` or `nkwatch lists update`)"
        )
        return
    for v in versions:
        flag = "*" if v.active else " "
        click.echo(
            f"{flag} {v.version_id}  {v.publisher}  published {v.published.isoformat()}  "
            f"parties {v.party_count}  addresses {v.address_count}  "
            f"relationships {v.relationship_count}  sha256 {v.sha256}"
        )
    click.echo("(* = active version of its list)")


def _document(store: Store, ref: str) -> ListDocument:
    """A file path (parsed, not imported) or a stored version id / unique prefix."""
    from nkwatch.sanctions.parsers import parse_list
    from nkwatch.sanctions.repository import load_version

    path = Path(ref)
    if path.exists():
        return parse_list(path)
    return load_version(store, ref)


def _print_diff(diff: ListDiff, limit: int) -> None:
    click.echo(f"{diff.old_version} -> {diff.new_version}")
    click.echo(
        f"designations: {len(diff.added)} added, {len(diff.removed)} removed, "
        f"{len(diff.changed)} changed; digital-currency addresses: "
        f"{len(diff.addresses_added)} added, {len(diff.addresses_removed)} removed"
    )
    sections: list[tuple[str, list[str]]] = [
        ("added", [f"+ {p.entity_id} {p.caption} [{', '.join(p.programs)}]" for p in diff.added]),
        ("removed", [f"- {p.entity_id} {p.caption} [{', '.join(p.programs)}]" for p in diff.removed]),
        ("changed", [f"~ {c.party.entity_id} {c.party.caption}: {', '.join(c.fields)}" for c in diff.changed]),
        ("addresses added", [f"+ {a.currency} {a.address} ({a.caption}, {a.entity_id})" for a in diff.addresses_added]),
        ("addresses removed", [f"- {a.currency} {a.address} ({a.caption}, {a.entity_id})" for a in diff.addresses_removed]),
    ]  # fmt: skip
    for title, lines in sections:
        if not lines:
            continue
        click.echo(f"\n{title} ({len(lines)}):")
        for line in lines[:limit] if limit > 0 else lines:
            click.echo(f"  {line}")
        if 0 < limit < len(lines):
            click.echo(f"  ... {len(lines) - limit} more (use --limit 0 or --json for all)")


@lists_group.command("diff")
@click.argument("old")
@click.argument("new")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output (everything).")
@click.option("--limit", default=50, show_default=True, help="Lines per section (0 = all).")
@pass_settings
def diff_cmd(settings: Settings, old: str, new: str, as_json: bool, limit: int) -> None:
    """Designations and addresses added, removed and changed from OLD to NEW.

    OLD and NEW are stored version ids, unique prefixes of them, or list files.
    """
    from nkwatch.sanctions.diff import diff_documents

    with store_for(settings) as store:
        before, after = _document(store, old), _document(store, new)
    diff = diff_documents(before, after)
    if as_json:
        out: dict[str, Any] = diff.to_dict()
        emit_json(out)
    else:
        _print_diff(diff, limit)


@lists_group.command("update")
@click.option("--base-url", default=None, help="OFAC Sanctions List Service base URL.")
@click.option("--un-url", default=None, help="URL of the UN consolidated XML.")
@pass_settings
def update_cmd(settings: Settings, base_url: str | None, un_url: str | None) -> None:
    """Download the current OFAC and UN lists, verify them and import them atomically."""
    from nkwatch.sanctions import indexfiles
    from nkwatch.sanctions.update import update_lists

    if base_url:
        settings = dataclasses.replace(settings, lists_base_url=base_url)
    if un_url:
        settings = dataclasses.replace(settings, un_list_url=un_url)
    with store_for(settings) as store:
        results = update_lists(store, settings)
        if any(r.created for r in results):
            indexfiles.refresh(store)
    for result in results:
        _echo_result(result, "downloaded")
