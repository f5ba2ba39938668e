"""Sanctions list import: time and peak memory per file, and loading the corpus from the store.

Target (issue 2): the 121 MB OFAC advanced XML imports in <= 30 s and <= 2 GB RAM. Every
measurement runs in a fresh interpreter so its peak RSS is its own. Peer in the same run:
building the whole document tree with ``lxml.etree.parse`` (the obvious non-streaming
approach; it only builds the tree, extracting nothing), on the same decompressed bytes.
Run: ``.venv/bin/python -m bench.list_import``.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "sanctions"
FILES = {
    "OFAC SDN 2025-11-19 (121 MB XML, bz2)": SHARED / "ofac_sdn_advanced_2025-11-19.xml.bz2",
    "OFAC SDN 2024-05-28 (99 MB XML, bz2)": SHARED / "ofac_sdn_advanced_2024-05-28.xml.bz2",
    "UN consolidated 2026-02-27 (2 MB XML, gz)": SHARED / "un_consolidated_2026-02-27.xml.gz",
}
RESULTS = Path(__file__).resolve().parent / "results" / "list_import.json"

# Child programs: each prints one JSON line with its own wall/CPU time and peak RSS.
_PRELUDE = """
import json, resource, sys, time
from pathlib import Path
t0, c0 = time.perf_counter(), time.process_time()
def done(**extra):
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(dict(wall=time.perf_counter() - t0, cpu=time.process_time() - c0,
                          rss_mb=rss, **extra)))
"""
NKWATCH_IMPORT = """
from nkwatch.settings import Settings
from nkwatch.store import open_store
from nkwatch.sanctions.parsers import parse_list
from nkwatch.sanctions.repository import import_document
doc = parse_list(Path(sys.argv[1]))
t_parse = time.perf_counter() - t0
with open_store(Settings.from_env({}, db_path=Path(sys.argv[2]))) as store:
    result = import_document(store, doc)
done(parties=len(doc.parties), addresses=result.address_count, parse_s=t_parse)
"""
LXML_TREE = """
import bz2, gzip
from lxml import etree
raw = Path(sys.argv[1]).read_bytes()
data = bz2.decompress(raw) if raw[:3] == b"BZh" else gzip.decompress(raw) if raw[:2] == b"\\x1f\\x8b" else raw
del raw
tree = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True))
n = sum(1 for e in tree.iter() if isinstance(e.tag, str) and e.tag.endswith(("DistinctParty", "INDIVIDUAL", "ENTITY")) and not e.tag.endswith("DistinctParties"))
done(parties=n, addresses=None)
"""
LOAD_ACTIVE = """
from nkwatch.settings import Settings
from nkwatch.store import open_store
from nkwatch.sanctions.repository import load_active
with open_store(Settings.from_env({}, db_path=Path(sys.argv[1]))) as store:
    loaded = load_active(store)
done(parties=len(loaded.parties), addresses=len(loaded.relationships))
"""


def run(program: str, *args: str) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", _PRELUDE + program, *args],
        check=True,
        capture_output=True,
        text=True,
    )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def main() -> None:
    rows: list[dict[str, object]] = []
    with tempfile.TemporaryDirectory() as tmp:
        corpus_db = Path(tmp) / "corpus.duckdb"
        for label, path in FILES.items():
            db = corpus_db if "2024" not in label else Path(tmp) / "old.duckdb"
            ours = run(NKWATCH_IMPORT, str(path), str(db))
            rows.append({"file": label, "method": "nkwatch parse + import (streaming)", **ours})
            peer = run(LXML_TREE, str(path))
            rows.append({"file": label, "method": "peer: lxml full tree, no extraction", **peer})
        load = run(LOAD_ACTIVE, str(corpus_db))
        rows.append(
            {"file": "store: active OFAC 2025 + UN", "method": "nkwatch load_active", **load}
        )
    print(f"{'file':44} {'method':38} {'wall s':>7} {'CPU s':>7} {'peak MB':>8} {'parties':>8}")
    for r in rows:
        print(
            f"{r['file']!s:44} {r['method']!s:38} {r['wall']:7.2f} {r['cpu']:7.2f}"
            f" {r['rss_mb']:8.0f} {r['parties']!s:>8}"
        )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    meta = {
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "date": time.strftime("%Y-%m-%d"),
        "load_average": os.getloadavg(),
    }
    RESULTS.write_text(json.dumps({"meta": meta, "rows": rows}, indent=2) + "\n")
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
