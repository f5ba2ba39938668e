"""``nkwatch intel``: DPRK heists, actors, addresses and published figures.

Heavy libraries (matplotlib, PyMISP, stix2, taxii2-client) and the store (DuckDB, pyarrow)
are imported inside the commands that use them, so ``nkwatch intel --help`` starts fast.
"""

from __future__ import annotations

import getpass
import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from nkwatch.clitools import emit_json, pass_settings, store_for
from nkwatch.errors import UserError
from nkwatch.intel.model import Confidence
from nkwatch.intel.stats import GROUPINGS, YearBasis
from nkwatch.settings import Settings

if TYPE_CHECKING:
    from nkwatch.intel.links import SanctionsLink
    from nkwatch.intel.model import Dataset
    from nkwatch.intel.repository import Batch
    from nkwatch.store import Store

    # A view of one key (address, actor) that also shows the linked sanctions designations.
    _LinkedView = Callable[[Dataset, str, list[SanctionsLink], str | None], dict[str, Any]]


def _dataset(store: Store) -> Dataset:
    from nkwatch.intel.repository import ensure_bundled, load_dataset

    ensure_bundled(store)
    return load_dataset(store)


def _links(store: Store, data: Dataset) -> tuple[list[Any], str | None]:
    from nkwatch.intel.links import active_parties, link_parties

    parties, relationships, note = active_parties(store)
    return link_parties(data.actors, parties, relationships), note


def _who(by: str | None) -> str:
    if by:
        return by
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def _print(view: dict[str, Any], indent: str = "") -> None:
    for key, value in view.items():
        if isinstance(value, dict):
            click.echo(f"{indent}{key}:")
            _print(value, indent + "  ")
        elif isinstance(value, list):
            click.echo(f"{indent}{key}: {'(none)' if not value else ''}")
            for item in value:
                if isinstance(item, dict):
                    click.echo(
                        f"{indent}  - "
                        + "; ".join(f"{k}={v}" for k, v in item.items() if v not in (None, "", []))
                    )
                else:
                    click.echo(f"{indent}  - {item}")
        elif value not in (None, ""):
            click.echo(f"{indent}{key}: {value}")


@click.group("intel")
def intel_group() -> None:
    """DPRK crypto-theft knowledge base: incidents, actors, addresses, published figures."""


@intel_group.command("load-bundled")
@pass_settings
def load_bundled_cmd(settings: Settings) -> None:
    """Load the shipped curated dataset into the store (once; corrections are kept)."""
    from nkwatch.intel.repository import ensure_bundled

    with store_for(settings) as store:
        loaded = ensure_bundled(store)
    click.echo("bundled intel dataset loaded" if loaded else "bundled intel dataset already loaded")


@intel_group.command("stats")
@click.option(
    "--year", type=int, default=None, help="Calendar year (theft year unless --basis attribution)."
)
@click.option(
    "--by", type=click.Choice(GROUPINGS), default=None, help="Group the incident-level totals."
)
@click.option(
    "--basis", type=click.Choice([b.value for b in YearBasis]), default="theft", show_default=True
)
@click.option("--confidence", type=click.Choice([c.value for c in Confidence]), default=None)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@pass_settings
def stats_cmd(
    settings: Settings,
    year: int | None,
    by: str | None,
    basis: str,
    confidence: str | None,
    as_json: bool,
) -> None:
    """Totals from incidents next to published figures, with the differences explained."""
    from nkwatch.intel import views

    with store_for(settings) as store:
        data = _dataset(store)
    conf = Confidence(confidence) if confidence else None
    view = views.stats_view(data, year=year, by=by, basis=YearBasis(basis), confidence=conf)
    emit_json(view) if as_json else _print(view)


@intel_group.command("incident")
@click.argument("incident_id")
@click.option("--json", "as_json", is_flag=True)
@pass_settings
def incident_cmd(settings: Settings, incident_id: str, as_json: bool) -> None:
    """One incident with its actors, addresses, sources and change history."""
    from nkwatch.intel import views
    from nkwatch.intel.repository import changes

    with store_for(settings) as store:
        view = views.incident_view(_dataset(store), incident_id)
        view["history"] = changes(store, incident_id, limit=20)
    emit_json(view) if as_json else _print(view)


@intel_group.command("address")
@click.argument("address")
@click.option("--json", "as_json", is_flag=True)
@pass_settings
def address_cmd(settings: Settings, address: str, as_json: bool) -> None:
    """Which incidents and actors an address belongs to, its role, sources and designations."""
    from nkwatch.intel import views

    _show_linked(settings, views.address_view, address, as_json)


@intel_group.command("actor")
@click.argument("name")
@click.option("--json", "as_json", is_flag=True)
@pass_settings
def actor_cmd(settings: Settings, name: str, as_json: bool) -> None:
    """An actor by any alias: names across vendors, incidents, total stolen, techniques."""
    from nkwatch.intel import views

    _show_linked(settings, views.actor_view, name, as_json)


def _show_linked(settings: Settings, view_fn: _LinkedView, key: str, as_json: bool) -> None:
    """Views that also show the sanctions designations linked to the knowledge base."""
    with store_for(settings) as store:
        data = _dataset(store)
        links, note = _links(store, data)
    view = view_fn(data, key, links, note)
    emit_json(view) if as_json else _print(view)


@intel_group.command("chart")
@click.argument("kind", type=click.Choice(["techniques", "victims", "yearly"]))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@pass_settings
def chart_cmd(settings: Settings, kind: str, output: Path) -> None:
    """Draw a chart to FILE.svg or FILE.png."""
    from nkwatch.intel import charts

    with store_for(settings) as store:
        data = _dataset(store)
    charts.render(kind, data, output)
    click.echo(f"wrote {output}")


@intel_group.command("export")
@click.option("--format", "fmt", type=click.Choice(["stix", "misp"]), required=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@pass_settings
def export_cmd(settings: Settings, fmt: str, output: Path) -> None:
    """Export the knowledge base as a STIX 2.1 bundle or MISP events."""
    from nkwatch.intel.misp import to_misp
    from nkwatch.intel.stix.export import to_bundle

    with store_for(settings) as store:
        data = _dataset(store)
    text = (
        # stix2's pretty=True orders properties in quadratic time (minutes for this bundle);
        # indenting the compact serialisation gives the same JSON in well under a second.
        json.dumps(json.loads(to_bundle(data).serialize()), indent=2, ensure_ascii=False)
        if fmt == "stix"
        else json.dumps(to_misp(data), indent=1, ensure_ascii=False)
    )
    try:
        output.write_text(text + "\n", "utf-8")
    except OSError as exc:
        raise UserError(f"cannot write: {exc.strerror}", where=str(output)) from None
    click.echo(f"wrote {output} ({len(data.incidents)} incidents, {len(data.addresses)} addresses)")


def _save(store: Store, batch: Batch, by: str | None) -> None:
    from nkwatch.intel.repository import save

    report = save(store, batch, changed_by=_who(by))
    click.echo(f"imported {batch.origin}: {report.summary()}")


@intel_group.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--by", default=None, help="Who makes the change (default: the OS user).")
@pass_settings
def import_cmd(settings: Settings, file: Path, by: str | None) -> None:
    """Add or correct records from CSV, YAML, a STIX 2.1 bundle or MISP events (all or nothing)."""
    from nkwatch.intel.importers import read_file
    from nkwatch.intel.repository import ensure_bundled, known_incident_ids

    with store_for(settings) as store:
        ensure_bundled(store)
        batch = read_file(file, known_incident_ids(store))
        _save(store, batch, by)


@intel_group.command("taxii-pull")
@click.option("--url", required=True, help="TAXII 2.1 API root URL.")
@click.option("--collection", "collection_id", required=True, help="Collection id.")
@click.option("--user", default=None)
@click.option("--by", default=None, help="Who makes the change (default: the OS user).")
@pass_settings
def taxii_pull_cmd(
    settings: Settings, url: str, collection_id: str, user: str | None, by: str | None
) -> None:
    """Pull a TAXII 2.1 collection and import it (password from $NKWATCH_TAXII_PASSWORD)."""
    from nkwatch.intel.repository import Batch, ensure_bundled, known_incident_ids
    from nkwatch.intel.stix.importer import parse_bundle
    from nkwatch.intel.taxii import TaxiiSource, pull

    password = settings.extra.get("NKWATCH_TAXII_PASSWORD")
    source = TaxiiSource(url, collection_id, user, password)
    bundle = pull(source)
    with store_for(settings) as store:
        ensure_bundled(store)
        incidents, addresses, actors = parse_bundle(
            bundle, source.collection_url, known_incident_ids(store)
        )
        batch = Batch(
            f"TAXII {source.collection_url}", tuple(incidents), tuple(addresses), (), tuple(actors)
        )
        _save(store, batch, by)


@intel_group.command("history")
@click.argument("record_id", required=False)
@click.option("--limit", type=click.IntRange(1, 10_000), default=50, show_default=True)
@click.option("--json", "as_json", is_flag=True)
@pass_settings
def history_cmd(settings: Settings, record_id: str | None, limit: int, as_json: bool) -> None:
    """Who changed which intel record, when, and from which source."""
    from nkwatch.intel.repository import changes, ensure_bundled

    with store_for(settings) as store:
        ensure_bundled(store)
        rows = changes(store, record_id, limit)
    if as_json:
        emit_json(rows)
        return
    for row in rows:
        click.echo(
            f"{row['changed_at']}  {row['changed_by']}  {row['action']} {row['record_type']} {row['record_id']}  ({row['source']})"
        )
