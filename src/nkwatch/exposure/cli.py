"""``nkwatch exposure``: score an address, a transaction or a CSV of deposits.

The exposure engine (numba), the rules, the risk sources (the sanctions name index) and the
store load inside the commands: ``nkwatch exposure --help`` imports none of them.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from nkwatch.clitools import EXIT_HIT, emit_json, pass_settings, store_for
from nkwatch.settings import Settings
from nkwatch.trace import engine_for, lake_at, lake_options, policy_names, wants_lake

if TYPE_CHECKING:
    from nkwatch.exposure.model import ExposureResult
    from nkwatch.exposure.service import ExposureConfig

F = TypeVar("F", bound=Callable[..., Any])


def _options(func: F) -> F:
    func = click.option(
        "--chain", default="ethereum", show_default=True, help="Chain of the subject."
    )(func)
    func = click.option(
        "--policy", type=click.Choice(policy_names()), default="haircut", show_default=True
    )(func)
    func = click.option("--max-hops", type=click.IntRange(1, 100), default=4, show_default=True)(
        func
    )
    func = click.option(
        "--rules", "rules_path", type=click.Path(path_type=Path), help="YAML rules file."
    )(func)
    func = click.option("--risk-list", "risk_lists", multiple=True, type=click.Path(path_type=Path),
                        help="CSV of extra risky addresses (address,label[,dprk_linked,source]).")(func)  # fmt: skip
    return func


def _config(
    policy: str, max_hops: int, rules_path: Path | None, risk_lists: tuple[Path, ...]
) -> ExposureConfig:
    from nkwatch.exposure.rules import DEFAULT_RULES, load_rules
    from nkwatch.exposure.service import ExposureConfig, with_policy
    from nkwatch.exposure.sources import from_user_csv

    rules = load_rules(rules_path) if rules_path is not None else DEFAULT_RULES
    user = tuple(s for path in risk_lists for s in from_user_csv(path))
    config = ExposureConfig(rules=rules, user_sources=user)
    return with_policy(config, policy, max_hops)


@click.group("exposure")
def exposure_group() -> None:
    """Score addresses, transactions and deposits for exposure to DPRK-linked funds."""


@exposure_group.command("address")
@click.argument("address")
@_options
@click.option("--json", "as_json", is_flag=True)
@pass_settings
def address_cmd(settings: Settings, address: str, chain: str, policy: str, max_hops: int,
                rules_path: Path | None, risk_lists: tuple[Path, ...], as_json: bool) -> None:  # fmt: skip
    """Exposure of everything ADDRESS received."""
    from nkwatch.exposure.service import ExposureService, check_subject

    check_subject(chain, address)  # before loading anything
    with store_for(settings) as store:
        service = ExposureService(store, chain, _config(policy, max_hops, rules_path, risk_lists))
        _show(service.address(address), as_json)


@exposure_group.command("tx")
@click.argument("tx_hash")
@_options
@click.option("--json", "as_json", is_flag=True)
@pass_settings
def tx_cmd(settings: Settings, tx_hash: str, chain: str, policy: str, max_hops: int,
           rules_path: Path | None, risk_lists: tuple[Path, ...], as_json: bool) -> None:  # fmt: skip
    """Exposure of the value one transaction delivered."""
    from nkwatch.exposure.service import ExposureService, check_tx_hash

    check_tx_hash(tx_hash)  # before loading anything
    with store_for(settings) as store:
        service = ExposureService(store, chain, _config(policy, max_hops, rules_path, risk_lists))
        _show(service.tx(tx_hash), as_json)


@exposure_group.command("file")
@click.argument("deposits", type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path), required=True)
@_options
@lake_options
@pass_settings
def file_cmd(settings: Settings, deposits: Path, output: Path, chain: str, policy: str, max_hops: int,
             rules_path: Path | None, risk_lists: tuple[Path, ...], engine: str | None,
             lake_dir: Path | None, spark_master: str | None, spark_conf: tuple[str, ...]) -> None:  # fmt: skip
    """Score a CSV of deposits (chain, address or tx_hash, optional amount) into OUTPUT (.csv/.jsonl).

    With --engine or --lake (or $NKWATCH_ENGINE / $NKWATCH_LAKE) the transfers come from the
    transfer lake, the stages run on DuckDB (local) or Spark, and the sweep on this node."""
    from nkwatch.exposure.batch import screen_deposits

    config = _config(policy, max_hops, rules_path, risk_lists)
    with store_for(settings) as store:
        if not wants_lake(settings, engine, lake_dir):
            summary = screen_deposits(store, deposits, output, config, default_chain=chain)
        else:
            from nkwatch.exposure.lake import LakeExposureService

            lake = lake_at(settings, lake_dir)
            eng = engine_for(engine, spark_master, spark_conf)
            try:
                summary = screen_deposits(
                    store, deposits, output, config, default_chain=chain,
                    service_for=lambda c, subjects, txs: LakeExposureService(
                        store, c, config, lake, eng, subjects, txs
                    ),
                )  # fmt: skip
            finally:
                eng.close()
    click.echo(
        f"screened {summary.rows} deposits: {summary.allow} allow, {summary.review} review, "
        f"{summary.block} block, {summary.errors} errors -> {output}"
    )
    if summary.review or summary.block:
        sys.exit(EXIT_HIT)


def _show(result: ExposureResult, as_json: bool) -> None:
    from nkwatch.exposure.model import Decision

    if as_json:
        emit_json(result.to_json())
    else:
        click.echo(_text(result))
    if result.decision is not Decision.ALLOW:
        sys.exit(EXIT_HIT)


def _text(result: ExposureResult) -> str:
    out = io.StringIO()
    received = ", ".join(f"{v} {k}" for k, v in result.received.items()) or "nothing"
    out.write(f"{result.subject_kind} {result.subject} on {result.chain}: received {received}\n")
    out.write(
        f"decision: {result.decision.value.upper()}  (policy {result.policy}, {result.max_hops} hops)\n"
    )
    for hit in result.fired:
        out.write(f"  rule {hit.rule_id} -> {hit.decision.value}: {hit.reason}\n")
    for s in result.sources:
        out.write(
            f"  {s.category.value:<14} {s.label}: direct {s.direct} + indirect {s.indirect} {s.asset}"
            f" ({s.share:.2%}, {s.min_hops} hops){' DPRK' if s.dprk_linked else ''}\n"
        )
        for step in s.example_path:
            out.write(
                f"      {step.from_address} -> {step.to_address} {step.amount} {step.asset} {step.tx_hash}\n"
            )
        if s.provenance:
            out.write(f"      source: {'; '.join(s.provenance)}\n")
    for note in result.notes:
        out.write(f"  note: {note}\n")
    return out.getvalue().rstrip()
