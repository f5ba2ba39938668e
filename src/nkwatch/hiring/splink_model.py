"""Probabilistic linking of one person's repeated applications with Splink.

The model has fixed, documented m/u probabilities instead of per-run training: it then
behaves the same on 20 records and on a million, and exactly the same on the DuckDB
backend (default) and on Spark (large platforms). The settings are one dict; both
backends receive that dict unchanged.

An operator's identities have *different* names and birth dates, so this model does not
find them; it finds the same person applying again under a name variant. Operator
identities are linked by shared infrastructure in :mod:`nkwatch.hiring.linking`.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import splink.comparison_library as cl
from splink import Linker, SettingsCreator, block_on

from nkwatch.hiring.fields import norm_text
from nkwatch.hiring.model import Applicant

MATCH_THRESHOLD = 0.95
COLUMNS = ("unique_id", "name", "first_name", "surname", "dob", "email", "phone", "address")


@dataclass(frozen=True)
class ProbPair:
    a: str
    b: str
    probability: float
    match_weight: float


def person_table(
    applicants: Sequence[Applicant],
    names: Mapping[str, str] | None = None,
    addresses: Mapping[str, str] | None = None,
) -> dict[str, list[Any]]:
    """Columnar input for Splink: one row per record, normalised scalar columns.

    ``names``/``addresses`` are the screening context's normalised values when the caller
    has them (a million records normalised twice is seconds for nothing).
    """
    cols: dict[str, list[Any]] = {c: [] for c in COLUMNS}
    for app in applicants:
        name = names[app.id] if names is not None else norm_text(app.full_name)
        address = addresses[app.id] if addresses is not None else norm_text(app.address or "")
        parts = name.split()
        cols["unique_id"].append(app.id)
        cols["name"].append(name or None)
        cols["first_name"].append(parts[0] if parts else None)
        cols["surname"].append(parts[-1] if len(parts) > 1 else None)
        cols["dob"].append(app.date_of_birth.isoformat() if app.date_of_birth else None)
        cols["email"].append(app.emails[0] if app.emails else None)
        cols["phone"].append(app.phones[0] if app.phones else None)
        cols["address"].append(address or None)
    return cols


def person_settings() -> SettingsCreator:
    """The shipped model: comparisons, blocking and fixed m/u probabilities.

    Returned as a dialect-free ``SettingsCreator`` so each backend renders its own SQL.
    """
    comparisons: list[Any] = [
        cl.JaroWinklerAtThresholds("name", [0.92, 0.8]).configure(
            m_probabilities=[0.70, 0.20, 0.06, 0.04], u_probabilities=[5e-4, 2e-3, 2e-2, 0.9775]
        ),
        cl.LevenshteinAtThresholds("dob", [1]).configure(
            m_probabilities=[0.88, 0.08, 0.04], u_probabilities=[2e-4, 3e-3, 0.9968]
        ),
        cl.ExactMatch("email").configure(
            m_probabilities=[0.55, 0.45], u_probabilities=[1e-6, 0.999999]
        ),
        cl.ExactMatch("phone").configure(
            m_probabilities=[0.65, 0.35], u_probabilities=[1e-6, 0.999999]
        ),
        cl.JaroWinklerAtThresholds("address", [0.9]).configure(
            m_probabilities=[0.55, 0.15, 0.30], u_probabilities=[1e-4, 1e-3, 0.9989]
        ),
    ]
    return SettingsCreator(
        link_type="dedupe_only",
        probability_two_random_records_match=1e-6,
        comparisons=comparisons,
        blocking_rules_to_generate_predictions=[
            block_on("dob", "substr(name, 1, 1)"),
            block_on("phone"),
            block_on("email"),
            # The same name with a birth-date typo. Not the name alone: common names
            # ("Nguyen Van Anh") make that block quadratic (87M pairs at 1M records).
            block_on("surname", "first_name", "substr(dob, 1, 4)"),
        ],
        retain_intermediate_calculation_columns=False,
        additional_columns_to_retain=[],
    )


def predict(
    table: dict[str, list[Any]],
    db_api: Any = None,
    settings: SettingsCreator | None = None,
    threshold: float = MATCH_THRESHOLD,
) -> list[ProbPair]:
    """Score candidate pairs; ``db_api`` defaults to an in-memory DuckDB backend."""
    if len(table["unique_id"]) < 2:
        return []
    if db_api is None:
        from splink import DuckDBAPI

        db_api = DuckDBAPI()
    frame = db_api.register(table)
    linker = Linker(frame, settings or person_settings(), log_level=logging.WARNING)
    result = linker.inference.predict(threshold_match_probability=threshold)
    rows = result.as_record_list()
    result.drop_table_from_database_and_remove_from_cache()
    pairs = []
    for r in rows:
        a, b = sorted((str(r["unique_id_l"]), str(r["unique_id_r"])))
        pairs.append(ProbPair(a, b, float(r["match_probability"]), float(r["match_weight"])))
    return sorted(pairs, key=lambda p: (p.a, p.b))
