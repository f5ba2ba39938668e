from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from nkwatch.errors import StoreBusyError, UserError
from nkwatch.settings import Settings
from nkwatch.store import Store, audit, open_store
from nkwatch.store.db import load_migrations


def test_migrations_apply_once_and_are_recorded(settings: Settings) -> None:
    with open_store(settings) as store:
        first = store.schema_version()
        assert first == max(m.version for m in load_migrations())
        assert store.migrate() == []  # second run applies nothing
    with open_store(settings) as store:
        assert store.schema_version() == first


def test_transaction_rolls_back_on_error(store: Store) -> None:
    store.conn.execute("CREATE TABLE t (x INTEGER)")
    with pytest.raises(RuntimeError), store.transaction():
        store.conn.execute("INSERT INTO t VALUES (1)")
        raise RuntimeError("boom")
    assert store.query("SELECT count(*) FROM t") == [(0,)]
    with store.transaction():
        store.conn.execute("INSERT INTO t VALUES (2)")
    assert store.query("SELECT x FROM t") == [(2,)]


def test_second_writer_gets_clear_error(settings: Settings, tmp_path: Path) -> None:
    # DuckDB locks the file per process; a second process must get a one-line StoreBusyError.
    import subprocess
    import sys
    import textwrap

    with open_store(settings):
        code = textwrap.dedent(
            f"""
            from pathlib import Path
            from nkwatch.settings import Settings
            from nkwatch.store import open_store
            from nkwatch.errors import StoreBusyError
            try:
                open_store(Settings(db_path=Path({str(settings.db_path)!r})))
            except StoreBusyError as exc:
                print("BUSY", exc)
            """
        )
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        )
    assert out.stdout.startswith("BUSY"), out.stdout + out.stderr
    assert StoreBusyError.exit_code == 2


def test_not_a_store_file_is_user_error(tmp_path: Path) -> None:
    bogus = tmp_path / "bogus.duckdb"
    bogus.write_bytes(b"this is not a database" * 100)
    with pytest.raises(UserError):
        open_store(Settings(db_path=bogus))


def test_audit_log_appends(store: Store) -> None:
    first = audit.record(
        store,
        actor="cli",
        action="screen.name",
        query={"q": "x"},
        result={"hits": 0},
        list_versions=["us_ofac_sdn@2025-11-19#abc"],
    )
    second = audit.record(
        store,
        actor="cli",
        action="screen.address",
        query={"q": "y"},
        result={"hits": 1},
        list_versions=[],
    )
    assert second > first
    rows = audit.entries(store)
    assert [r.action for r in rows] == ["screen.address", "screen.name"]
    assert rows[1].list_versions == ["us_ofac_sdn@2025-11-19#abc"]
    assert isinstance(duckdb.__version__, str)


def test_audit_record_many_appends_in_order_as_one_by_one(store: Store) -> None:
    """A batch's bulk append gives the rows ``record`` would, in the order given (across
    statements of ``BULK_ROWS``)."""
    decisions = [
        ({"row": i, "name": f"名 {i}"}, {"hit": i % 7 == 0}, [f"v{i % 3}"] if i % 5 else [])
        for i in range(audit.BULK_ROWS * 2 + 37)
    ]
    audit.record(store, actor="cli", action="screen.name", query={}, result={}, list_versions=[])
    with store.transaction():
        audit.record_many(store, actor="cli", action="screen.batch", decisions=decisions)
    rows = audit.entries(store, limit=len(decisions) + 1)[::-1]
    assert rows[0].action == "screen.name"
    assert [(r.query, r.result, r.list_versions) for r in rows[1:]] == [
        (q, r, v) for q, r, v in decisions
    ]
    assert [r.id for r in rows] == sorted(r.id for r in rows)
    assert {(r.actor, r.action) for r in rows[1:]} == {("cli", "screen.batch")}
