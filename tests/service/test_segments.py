"""Worker audit segments: every synced entry reaches ``audit_log`` exactly once, also after a
torn write or an owner restart, with the id and time the worker answered with."""

from __future__ import annotations

import asyncio
import json
import subprocess
from pathlib import Path

from nkwatch.service.access import StoreAccess
from nkwatch.service.segments import SegmentIngester, SegmentWriter
from nkwatch.settings import Settings


def _reserve(access: StoreAccess):  # type: ignore[no-untyped-def]
    async def reserve(n: int) -> list[int]:
        rows = access.view().query("SELECT nextval('audit_log_id') FROM range(?)", [n])
        return sorted(int(r[0]) for r in rows)

    return reserve


def _rows(access: StoreAccess) -> list[tuple[int, str, str, dict[str, object], list[str]]]:
    found = access.view().query(
        "SELECT id, actor, action, query, list_versions FROM audit_log ORDER BY id"
    )
    return [(int(r[0]), r[1], r[2], json.loads(r[3]), list(r[4])) for r in found]


def test_written_entries_are_ingested_once(settings: Settings, tmp_path: Path) -> None:
    access = StoreAccess(settings)
    seg_dir = tmp_path / "segments"

    async def write() -> list[int]:
        writer = SegmentWriter(seg_dir, _reserve(access))
        ids = await asyncio.gather(
            *(
                writer.record(
                    actor="key:abc",
                    action="screen.address",
                    query={"address": f"addr-{i}", "name": "김정은"},
                    result={"hit": i % 2 == 0},
                    list_versions=["us_ofac_sdn@x"],
                )
                for i in range(700)  # more than one reserved id block
            )
        )
        await writer.close()
        return list(ids)

    ids = asyncio.run(write())
    assert len(set(ids)) == 700
    ingester = SegmentIngester(access, seg_dir)
    assert ingester.drain() == 700
    rows = _rows(access)
    assert [r[0] for r in rows] == sorted(ids)
    by_id = {r[0]: r for r in rows}
    first = by_id[ids[0]]
    assert first[1:] == (
        "key:abc",
        "screen.address",
        {"address": "addr-0", "name": "김정은"},
        ["us_ofac_sdn@x"],
    )
    # a second drain, and a restarted owner (new ingester, offsets from the store), add nothing
    assert ingester.drain() == 0
    assert SegmentIngester(access, seg_dir).drain() == 0
    assert len(_rows(access)) == 700
    # our own process is alive, so its segment stays (it could still be written)
    assert len(list(seg_dir.iterdir())) == 1
    access.close()


def test_dead_writers_segment_with_a_torn_line(settings: Settings, tmp_path: Path) -> None:
    access = StoreAccess(settings)
    seg_dir = tmp_path / "segments"
    seg_dir.mkdir()
    pid = subprocess.Popen(["true"])  # a writer that has exited
    pid.wait()
    (entry_id,) = asyncio.run(_reserve(access)(1))
    line = json.dumps(
        {"id": entry_id, "at_us": 1_700_000_000_000_000, "actor": "key:x", "action": "screen.name",
         "query": {"name": "a"}, "result": {}, "list_versions": []}
    )  # fmt: skip
    path = seg_dir / f"seg-{pid.pid}-000001.jsonl"
    path.write_text(line + "\n" + '{"id": 99999, "at_us"')  # crashed mid-write: never answered
    assert SegmentIngester(access, seg_dir).drain() == 1
    rows = _rows(access)
    assert [r[0] for r in rows] == [entry_id]
    occurred = access.view().query("SELECT epoch_us(occurred_at) FROM audit_log")[0][0]
    assert occurred == 1_700_000_000_000_000  # the worker's time, not the ingest time
    assert not path.exists()  # sealed (writer gone) and fully ingested: removed
    assert access.view().query("SELECT count(*) FROM service_audit_segments")[0][0] == 0
    access.close()


_KILLED_WRITER = """
import asyncio, os, signal, sys
from pathlib import Path
from nkwatch.service.segments import SegmentWriter

async def main() -> None:
    next_id = iter(range(1, 10_000))

    async def reserve(n: int) -> list[int]:
        return [next(next_id) for _ in range(n)]

    writer = SegmentWriter(Path(sys.argv[1]), reserve, sync_interval_s=3600)
    for i in range(300):
        entry_id = await writer.record(actor="key:k", action="screen.address",
                                       query={"i": i}, result={}, list_versions=[])
        print(entry_id, flush=True)  # "answered"
    os.kill(os.getpid(), signal.SIGKILL)  # before any sync, before close

asyncio.run(main())
"""


def test_an_answered_entry_survives_its_writer_killed_before_any_sync(
    settings: Settings, tmp_path: Path
) -> None:
    """The default (write) mode answers once the entry is written, not synced: a SIGKILL of
    the worker right after its answers loses none of them, and none is ingested twice."""
    import sys

    seg_dir = tmp_path / "segments"
    done = subprocess.run(
        [sys.executable, "-c", _KILLED_WRITER, str(seg_dir)], capture_output=True, text=True
    )
    assert done.returncode == -9, done.stderr
    answered = [int(x) for x in done.stdout.split()]
    assert len(answered) == 300
    access = StoreAccess(settings)
    ingester = SegmentIngester(access, seg_dir)
    assert ingester.drain() == 300
    assert ingester.drain() == 0
    assert [r[0] for r in _rows(access)] == sorted(answered)
    assert not list(seg_dir.iterdir())  # the writer is dead: sealed and removed
    access.close()


def test_sync_before_answer_mode_still_answers_each_entry_once(
    settings: Settings, tmp_path: Path
) -> None:
    access = StoreAccess(settings)
    seg_dir = tmp_path / "segments"

    async def write() -> list[int]:
        writer = SegmentWriter(seg_dir, _reserve(access), sync_before_answer=True)
        ids = await asyncio.gather(
            *(
                writer.record(
                    actor="a", action="screen.name", query={"i": i}, result={}, list_versions=[]
                )  # fmt: skip
                for i in range(200)
            )
        )
        await writer.close()
        return list(ids)

    ids = asyncio.run(write())
    assert SegmentIngester(access, seg_dir).drain() == 200
    assert [r[0] for r in _rows(access)] == sorted(ids)
    access.close()


def test_rotated_segments_are_synced_closed_and_ingested_once(
    settings: Settings, tmp_path: Path, monkeypatch: object
) -> None:
    from nkwatch.service import segments

    monkeypatch.setattr(segments, "MAX_SEGMENT_BYTES", 400)  # type: ignore[attr-defined]
    access = StoreAccess(settings)
    seg_dir = tmp_path / "segments"

    async def write() -> list[int]:
        writer = SegmentWriter(seg_dir, _reserve(access), sync_interval_s=0.001)
        ids = []
        for i in range(60):
            ids.append(await writer.record(actor="a", action="screen.name", query={"i": i},
                                           result={}, list_versions=[]))  # fmt: skip
            if i % 7 == 0:
                await asyncio.sleep(0.002)  # let the syncer close rotated segments
        await writer.close()
        return ids

    ids = asyncio.run(write())
    assert len(list(seg_dir.iterdir())) > 5
    assert SegmentIngester(access, seg_dir).drain() == 60
    assert [r[0] for r in _rows(access)] == sorted(ids)
    access.close()
