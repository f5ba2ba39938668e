"""Save and load a generated population (records, events, ground truth) as Parquet.

Generating a million Faker-backed records takes minutes; benchmarks and experiments reuse
the same population from disk instead. The files hold exactly what the generator made
(fake data only), one Parquet file per table plus the truth labels.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

import pyarrow as pa
import pyarrow.parquet as pq
from pydantic import BaseModel

from nkwatch.hiring.model import Applicant, Dataset, HostEvent, HostEventKind, LoginEvent, Status
from nkwatch.hiring.synthetic import Synthetic

M = TypeVar("M", bound=BaseModel)
TABLES = ("applicants", "logins", "host_events", "truth")
_ENUMS: dict[str, Any] = {"status": Status, "kind": HostEventKind}


def _table(items: tuple[BaseModel, ...], model: type[BaseModel]) -> pa.Table:
    cols: dict[str, list[Any]] = {name: [] for name in model.model_fields}
    for item in items:
        for name, values in cols.items():
            value = getattr(item, name)
            values.append(list(value) if isinstance(value, tuple) else value)
    return pa.table({name: pa.array(values) for name, values in cols.items()})


def _models(table: pa.Table, model: type[M]) -> tuple[M, ...]:
    tuple_fields = {
        name
        for name, info in model.model_fields.items()
        if str(info.annotation).startswith("tuple")
    }
    out = []
    for batch in table.to_batches(max_chunksize=50_000):  # bounded peak: rows -> models
        for row in batch.to_pylist():
            for name in tuple_fields:
                row[name] = tuple(row[name] or ())
            for name, enum in _ENUMS.items():
                if name in row and row[name] is not None:
                    row[name] = enum(row[name])
            out.append(model.model_construct(**row))
    return tuple(out)


def save(syn: Synthetic, folder: Path) -> None:
    """Write the population to ``folder`` (created); existing files are replaced."""
    folder.mkdir(parents=True, exist_ok=True)
    data = syn.dataset
    pq.write_table(_table(data.applicants, Applicant), folder / "applicants.parquet")
    pq.write_table(_table(data.logins, LoginEvent), folder / "logins.parquet")
    pq.write_table(_table(data.host_events, HostEvent), folder / "host_events.parquet")
    truth = pa.table({"id": list(syn.truth), "actor": list(syn.truth.values())})
    pq.write_table(truth, folder / "truth.parquet")


def load(folder: Path) -> Synthetic:
    """Read a population written by :func:`save`; operators are rebuilt from the truth."""
    apps = _models(pq.read_table(folder / "applicants.parquet"), Applicant)
    logins = _models(pq.read_table(folder / "logins.parquet"), LoginEvent)
    hosts = _models(pq.read_table(folder / "host_events.parquet"), HostEvent)
    t = pq.read_table(folder / "truth.parquet").to_pydict()
    truth = dict(zip(t["id"], t["actor"], strict=True))
    operators: dict[str, list[str]] = {}
    for pid, actor in sorted(truth.items()):
        if actor.startswith("op"):
            operators.setdefault(actor, []).append(pid)
    dataset = Dataset(applicants=apps, logins=logins, host_events=hosts)
    return Synthetic(dataset, truth, operators)


def exists(folder: Path) -> bool:
    return all((folder / f"{name}.parquet").exists() for name in TABLES)
